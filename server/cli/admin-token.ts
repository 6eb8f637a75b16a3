/**
 * npm run admin:token -- [email]: issues a new token for an admin (the first active admin when no
 * email is given). For when the token handed over at first start was lost; the old token stops working.
 *
 * npm run admin:token -- --restore <email>: for when no active admin is left (or the one left is
 * out of reach): makes that staff member an active admin with a new token, creating the account
 * if it does not exist. Whoever can run this command on the server is trusted with it.
 */
import 'reflect-metadata';
import { loadConfig } from '../app/config';
import { createLogger } from '../app/logger';
import { startRuntime } from '../app/runtime';
import { issueToken, STAFF_TOKEN_PREFIX } from '../common/tokens';
import { lockAdminChanges } from '../modules/staff/admin-guard';
import { StaffMember, StaffRole, StaffTeam } from '../modules/staff/staff-member.entity';

const args = process.argv.slice(2);
const restore = args.includes('--restore');
const email = args
  .find((arg) => !arg.startsWith('--'))
  ?.trim()
  .toLowerCase();
if (restore && !email) {
  console.error('Name the account to make an admin: npm run admin:token -- --restore <email>');
  process.exit(2);
}

const runtime = await startRuntime(loadConfig(), createLogger('warn'));
try {
  const issued = issueToken(STAFF_TOKEN_PREFIX);
  const result = await runtime.orm.em.fork().transactional(async (em) => {
    if (restore) {
      await lockAdminChanges(em);
      const existing = await em.findOne(StaffMember, { email: email! });
      if (existing) {
        const was = `${existing.active ? 'active' : 'disabled'} ${existing.role}`;
        Object.assign(existing, { role: StaffRole.ADMIN, active: true, tokenHash: issued.hash });
        return { email: existing.email, note: `restored as an active admin (was ${was})` };
      }
      em.create(StaffMember, { email: email!, name: 'Administrator', role: StaffRole.ADMIN, team: StaffTeam.DEVELOPMENT, tokenHash: issued.hash });
      return { email: email!, note: 'created as an active admin' };
    }
    const admin = await em.findOne(StaffMember, email ? { email, role: StaffRole.ADMIN } : { role: StaffRole.ADMIN, active: true }, {
      orderBy: { createdAt: 'asc' },
    });
    if (!admin) return null;
    admin.tokenHash = issued.hash;
    admin.active = true;
    return { email: admin.email, note: 'the old token no longer works' };
  });
  if (!result) {
    console.error(
      email
        ? `No admin with the email ${email}. To make that account an admin: npm run admin:token -- --restore ${email}`
        : 'No active admin exists. Make one: npm run admin:token -- --restore <email>',
    );
    process.exitCode = 1;
  } else {
    console.log(`New token for ${result.email} (${result.note}):\n\n  ${issued.token}\n`);
  }
} finally {
  await runtime.close();
}
