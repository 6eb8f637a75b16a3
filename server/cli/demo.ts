/**
 * npm run demo: fills the database with a few realistic merchants, tickets and conversations,
 * and six weeks of history before them (replies on time and late, resolutions, refunds, a ban,
 * many OpenCart versions and ports) for the dashboards, all made through the GraphQL API itself
 * (so every rule applies; the history on a clock moved back in time; see demo-data.ts), and
 * prints staff tokens and a merchant's API key to try. It writes to the database the environment
 * names (DATA_DIR, EMBEDDED_PG_PORT or DATABASE_URL), so it must run with the same values as `npm start`.
 */
import 'reflect-metadata';
import type { DateTime } from 'luxon';
import { loadConfig } from '../app/config';
import { systemClock } from '../common/clock';
import { startHttpApp } from '../app/http';
import { createLogger } from '../app/logger';
import { startRuntime } from '../app/runtime';
import { supportCalendarFrom } from '../app/support-hours';
import { StaffMember } from '../modules/staff/staff-member.entity';
import { createDemoStaff, DEMO_STAFF_DOMAIN, seedCurrent, seedHistory } from './demo-data';

const config = loadConfig();
// Never the URL itself: it may hold a password.
const where = config.DATABASE_URL ? 'the PostgreSQL database of DATABASE_URL' : `${config.dataDir} (embedded PostgreSQL on port ${config.EMBEDDED_PG_PORT})`;
const logger = createLogger('warn');
const runtime = await startRuntime(config, logger);
// The history is written as it would have happened: the demo's own API runs on a clock it moves.
let demoNow: DateTime | null = null;
const app = await startHttpApp({
  orm: runtime.orm,
  logger,
  clock: () => demoNow ?? systemClock(),
  calendar: supportCalendarFrom(config),
  vault: runtime.vault.vault,
  host: '127.0.0.1',
  port: 0,
});

try {
  const em = runtime.orm.em.fork();
  if (await em.count(StaffMember, { email: { $like: `%@${DEMO_STAFF_DOMAIN}` } })) {
    console.log(`The demo data is already there, in ${where}. (Delete the DATA_DIR folder to start over.)`);
  } else {
    const tokens = await createDemoStaff(em);
    const endpoint = `${app.url}/graphql`;
    const history = await seedHistory(endpoint, tokens, { now: systemClock(), setNow: (at) => (demoNow = at) });
    demoNow = null;
    const merchantKey = await seedCurrent(endpoint, tokens);
    console.log(`
Demo data created in ${where} (npm start must use the same DATA_DIR, EMBEDDED_PG_PORT or DATABASE_URL to show it):
4 merchants, their plans, tickets and conversations, and six weeks of history before them
(${history.merchants} more merchants, ${history.tickets} tickets, ${history.refunds} refund requests) for supportStats and the dashboard.
Staff tokens (shown once):
  Morgan Admin   (ADMIN)                  ${tokens.admin}
  Dana Developer (AGENT, development team) ${tokens.developer}
  Sam Support    (AGENT, support team)     ${tokens.support}
Merchant API key (shown once):
  Olivia Hart    (Northwind Outdoor, Premium Support) ${merchantKey}
In the playground of the running API (\`npm start\`; if it is not running yet, start it the same way),
paste one into the Headers, e.g. {"Authorization": "Bearer ${tokens.developer}"} for staff,
or {"Authorization": "Bearer ${merchantKey}"} to see Olivia's own tickets.
The staff dashboard is at /dashboard of the running API (http://127.0.0.1:4000/dashboard by default): sign in there with a staff token.`);
  }
} finally {
  await app.stop();
  await runtime.close();
}
