/**
 * npm run admin:token -- [email]: issues a new token for an admin (the first admin when no email
 * is given). For when the token printed at first start was lost; the old token stops working.
 */
import 'reflect-metadata';
import { loadConfig } from '../app/config';
import { createLogger } from '../app/logger';
import { startRuntime } from '../app/runtime';
import { issueToken, STAFF_TOKEN_PREFIX } from '../common/tokens';
import { StaffMember, StaffRole } from '../modules/staff/staff-member.entity';

const email = process.argv[2]?.trim().toLowerCase();
const runtime = await startRuntime(loadConfig(), createLogger('warn'));
try {
  const em = runtime.orm.em.fork();
  const admin = await em.findOne(
    StaffMember,
    email ? { email, role: StaffRole.ADMIN } : { role: StaffRole.ADMIN, active: true },
    { orderBy: { createdAt: 'asc' } },
  );
  if (!admin) {
    console.error(email ? `No admin with the email ${email}.` : 'No active admin exists; start the server once to create one.');
    process.exitCode = 1;
  } else {
    const issued = issueToken(STAFF_TOKEN_PREFIX);
    admin.tokenHash = issued.hash;
    admin.active = true;
    await em.flush();
    console.log(`New token for ${admin.email} (the old one no longer works):\n\n  ${issued.token}\n`);
  }
} finally {
  await runtime.close();
}
