/**
 * npm run bench:dashboard [-- --tickets 1000000] [--requests 50] [--explain]
 *                         [--data-dir <dir> [--keep] [--reshape]] [--sections backlog,volume]
 *
 * The `dashboard` scenario: how long each section of `supportStats` takes to answer over
 * GraphQL at scale. On a throw-away embedded PostgreSQL it seeds the list benchmark's data set
 * (seed.ts: two years of tickets), spreads it over categories, platforms, OpenCart and PHP
 * versions, flags, both plan kinds, refunds and bans (so every GROUP BY has real groups), starts
 * the API as `npm start` runs it, then asks each section alone, one request after another,
 * for the last 30 days by day and the last quarter by week, and prints p50/p99 per section.
 * --explain prints each section's statements' plans (EXPLAIN ANALYZE) and whether any reads
 * the whole ticket table. Timings live here, never in `npm test`.
 *
 * Seeding 1M tickets takes half an hour: `--data-dir <dir> --keep` keeps the seeded database in
 * <dir>, and a later run with the same folder and ticket count starts from it (new migrations
 * apply, as on a deployed desk; the bench's admin gets a fresh token). `--reshape` re-applies the
 * spread over the dashboard's groups (diversify) to a kept data set. `--sections` times only the sections named.
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import pg from 'pg';
import { PROJECT_ROOT } from '../server/app/config';
import { startEmbeddedPostgres } from '../server/app/database';
import { createLogger } from '../server/app/logger';
import { ensureFirstAdmin, openOrm, prepareDatabase } from '../server/app/runtime';
import { findFreePort } from '../server/common/ports';
import { issueToken, STAFF_TOKEN_PREFIX } from '../server/common/tokens';
import { StatsQueries, type StatsScope } from '../server/modules/stats/stats.queries';
import { StatsBucket } from '../server/modules/stats/stats.types';
import { SupportCalendar } from '../server/modules/support-hours/support-calendar';
import { seed, seedSize } from './seed';

const { values: options } = parseArgs({
  options: {
    tickets: { type: 'string', default: '100000' },
    requests: { type: 'string', default: '50' },
    explain: { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    keep: { type: 'boolean', default: false },
    reshape: { type: 'boolean', default: false },
    sections: { type: 'string' },
  },
});
const TICKETS = Number(options.tickets);
const REQUESTS = Number(options.requests);
const log = (message: string) => process.stderr.write(`${message}\n`);
const chosen = (section: string) => !options.sections || options.sections.split(',').includes(section);

/** Each section alone, as a dashboard panel asks for it. */
export const DASHBOARD_SECTIONS: Record<string, string> = {
  slaAttainment: `slaAttainment {
    firstReply { total { met breached running rate } byBucket { bucketStart met breached running rate } byAssignee { key label met breached rate } byTeam { key met breached } byCategory { key met breached } byPlanKind { key met breached } }
    resolution { total { met breached running rate } byBucket { bucketStart met breached running rate } byAssignee { key met breached } } }`,
  responseTimes: `responseTimes { firstReply { count median p90 } resolution { count median p90 } byBucket { bucketStart firstReply { median p90 } resolution { median p90 } } }`,
  backlog: `backlog { total byStatus { key count } byTeam { key count } byAssignee { key label count } byAge { key count } byWaitingReason { key count } }`,
  volume: `volume { total byCategory { key count } byCoverage { key count } byPlatform { key count } byOpencartLine { key count } byOpencartVersion { key count } byPhpVersion { key count } byFlag { key count } }`,
  allowance: `allowance { atLimitCount atLimit { name used limit } ticketsPerCustomer { tickets customers } }`,
  refunds: `refunds { total byBucket { bucketStart rule decision count amount { amount currencyCode } } bansByReason { key count } }`,
};

/**
 * Spreads the list benchmark's uniform tickets over the groups a dashboard shows. Re-runnable on
 * a kept data set (every change is a function of the ticket's serial or the customer's e-mail).
 */
async function diversify(client: pg.Client): Promise<void> {
  await client.query('begin');
  // Bulk rewrite: no triggers (search documents, tallies, roll-ups); the roll-ups are rebuilt once at the end.
  await client.query(`set local session_replication_role = replica`);
  // Running clocks' due times, as the API stores them (migration ticket_due_times).
  await client.query(`update ticket set running_first_reply_due_at = urgency_at where clock_running_since is not null and first_reply_at is null`);
  await client.query(
    `update ticket set running_resolution_due_at = urgency_at where clock_running_since is not null and first_reply_at is not null and resolved_at is null`,
  );
  // One customer in five bought one-time fixes instead.
  await client.query(
    `update subscription s set plan_id = (select id from plan where kind = 'ONE_TIME_FIX') where s.customer_id in (select id from customer where email ~ '^merchant[0-9]*[05]@')`,
  );
  // Allowances as a real desk sees them: Premium contracts that started 24 months and 25 days
  // ago (the current month's window holds the last 25 days), one-time fixes bought a year or more
  // ago and used up (their windows closed) except one in a hundred bought ten days ago. Each
  // ticket counts in the month it was filed. 1,000 heavy Premium customers (2%) file a third of
  // the current month's tickets, so about that many are at their limit of 10.
  await client.query(`
    update subscription s set months = 36, contract_start = date_trunc('day', now()) - interval '24 months 25 days'
      from plan p where p.id = s.plan_id and p.kind = 'PREMIUM_MONTHLY'`);
  await client.query(`
    update subscription s set months = 12,
           contract_start = (case when c.email ~ '^merchant[0-9]*05@' then date_trunc('day', now()) - interval '10 days' else date_trunc('day', now()) - interval '800 days' end)
      from plan p, customer c where p.id = s.plan_id and p.kind = 'ONE_TIME_FIX' and c.id = s.customer_id`);
  await client.query(`
    with heavy as (
      select c.id as customer_id, s.id as subscription_id, row_number() over (order by c.email) - 1 as n
        from customer c join subscription s on s.customer_id = c.id
       where substring(c.email from '^merchant([0-9]+)@')::int % 50 = 1)
    update ticket t set customer_id = h.customer_id, subscription_id = h.subscription_id
      from heavy h
     where t.created_at >= date_trunc('day', now()) - interval '25 days' and t.serial % 3 = 0
       and h.n = (t.serial / 3) % (select count(*) from heavy)`);
  await client.query(`
    update ticket t set
      category = (array['INSTALLATION_SETUP','STORE_CONFIGURATION','MODULE_CONFIGURATION','SHIPPING_CONFIGURATION','PAYMENT_PROVIDER_CONFIGURATION','BUG_FIX','BUG_FIX','ISSUE_PROFILING'])[1 + t.serial % 8]::ticket_category,
      team = (case when t.serial % 5 = 0 then 'SUPPORT' else 'DEVELOPMENT' end)::staff_team,
      sla_guaranteed = t.serial % 5 <> 0,
      not_english = t.serial % 97 = 0,
      platform_flags = (case when t.serial % 11 = 0 then '{NON_NATIVE_PORT}' when t.serial % 13 = 0 then '{LEGACY_VERSION}' when t.serial % 17 = 0 then '{WRONG_MODULE_VERSION}' else '{}' end)::platform_flag[],
      environment = jsonb_build_object(
        'platform', (array['NATIVE','NATIVE','NATIVE','NATIVE','NATIVE','NATIVE','NATIVE','NATIVE','NATIVE','NATIVE','MIJOSHOP','OCSTORE'])[1 + t.serial % 12],
        'opencartVersion', (array['1.5.6.4','2.3.0.2','3.0.2.0','3.0.3.8','3.0.3.9','3.0.4.0','4.0.2.3','4.1.0.0','4.1.0.3'])[1 + t.serial % 9],
        'phpVersion', (array['5.6.40','7.4.33','8.0.30','8.1.27','8.2.12','8.3.4'])[1 + t.serial % 6]),
      -- Each ticket counts in the contract month it was filed in.
      period_index = (extract(year from age(t.created_at at time zone 'America/New_York', s.contract_start at time zone 'America/New_York')) * 12
                      + extract(month from age(t.created_at at time zone 'America/New_York', s.contract_start at time zone 'America/New_York')))::int
      from subscription s
     where s.id = t.subscription_id`);
  // Refund requests over the two years (one in fifty tickets), and some bans.
  await client.query(`delete from refund where details = 'Bench refund.'`);
  await client.query(`
    insert into refund (id, created_at, updated_at, subscription_id, customer_id, period_index, period_start, period_end, amount, currency, reason, details, status, rule, decided_at)
    select gen_random_uuid(), t.created_at + interval '2 days', t.created_at + interval '2 days', t.subscription_id, t.customer_id, t.serial, t.created_at, t.created_at + interval '1 month',
           4900, 'USD', (array['SERVICE_NOT_DELIVERED','STOLEN_CARD','OTHER'])[1 + t.serial % 3]::refund_reason, 'Bench refund.',
           (array['PENDING','APPROVED','REJECTED'])[1 + t.serial % 3]::refund_status,
           (array['PROMISE_BROKEN','STOLEN_CARD_NO_QUESTIONS','NO_PROMISE_BROKEN','ADMIN_DECISION'])[1 + t.serial % 4]::refund_rule,
           case when t.serial % 3 <> 0 then t.created_at + interval '3 days' end
      from ticket t where t.serial % 50 = 0`);
  await client.query(`
    update customer set status = 'BANNED', ban_reason = (array['ABUSE','FALSIFIED_DATA','ACCOUNT_FORGERY'])[1 + length(email) % 3]::ban_reason,
           banned_at = now() - (length(email) % 700) * interval '1 day'
     where email ~ '^merchant[0-9]*77@'`);
  // The rewrite ran without triggers: the roll-ups are refilled from the rows, as their migration fills them.
  await client.query(`select stats_rollups_rebuild()`);
  await client.query('commit');
  await client.query('vacuum analyze');
}

/**
 * CPU time (user + system, ms) used so far by the API process and every PostgreSQL process of
 * the bench's own cluster (the postmaster's children: the backends answering the API): on a
 * shared machine the wall time says how long a dashboard waits, the CPU time what an answer costs.
 */
function cpuMs(apiPid: number, postmaster: number): number {
  const ticks = (pid: number): { cpu: number; ppid: number } | null => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return { ppid: Number(fields[1]), cpu: Number(fields[11]) + Number(fields[12]) };
    } catch {
      return null;
    }
  };
  let total = (ticks(apiPid)?.cpu ?? 0) + (ticks(postmaster)?.cpu ?? 0);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const proc = ticks(Number(entry));
    if (proc && proc.ppid === postmaster) total += proc.cpu;
  }
  // Linux reports clock ticks of 10 ms (USER_HZ = 100).
  return total * 10;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

async function graphql(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: unknown };
  if (response.status !== 200 || body.errors) throw new Error(`the API answered ${response.status}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the API did not answer /healthz within 120 s');
}

/** EXPLAIN ANALYZE of every statement of every section; true when one reads a whole table of tickets (or their messages or facts). */
async function explainSections(client: pg.Client, scope: StatsScope, calendar: SupportCalendar): Promise<boolean> {
  let seqScan = false;
  for (const section of Object.keys(DASHBOARD_SECTIONS).filter(chosen)) {
    const queries = new StatsQueries(
      async (statement) => {
        const { text, values } = statement.toPostgres();
        const started = performance.now();
        const plan = (await client.query({ text: `explain (analyze, costs off) ${text}`, values })).rows.map((r) => r['QUERY PLAN'] as string);
        const ms = performance.now() - started;
        const scans = plan
          .filter((line) => /Scan/.test(line))
          .map((line) =>
            line
              .trim()
              .replace(/^->\s*/, '')
              .replace(/\s+\(actual.*$/, ''),
          );
        const whole = scans.some((line) => /^(Parallel )?Seq Scan on (ticket|ticket_message|ticket_stats_fact)\b/.test(line));
        seqScan ||= whole;
        log(`explain ${section.padEnd(14)} ${whole ? 'SEQ SCAN' : 'index   '} ${ms.toFixed(0).padStart(5)} ms  ${[...new Set(scans)].join(' | ')}`);
        if (process.env.BENCH_SHOW_PLANS) log(plan.join('\n'));
        return [];
      },
      scope,
      calendar,
    );
    await (queries[section as keyof StatsQueries] as () => Promise<unknown>).call(queries);
  }
  return seqScan;
}

const keptDir = options['data-dir'] ? path.resolve(options['data-dir']) : null;
const workDir = keptDir ?? mkdtempSync(path.join(os.tmpdir(), 'support-desk-bench-dashboard-'));
mkdirSync(workDir, { recursive: true });
chmodSync(workDir, 0o755);
// What a kept folder holds: the ticket count it was seeded with (no secret: the token is issued afresh).
const seededFile = path.join(workDir, 'bench-dashboard.json');
const logger = createLogger('warn');
const calendar = new SupportCalendar();
let db: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
let api: ChildProcess | undefined;
let client: pg.Client | undefined;
const BENCH_ADMIN = 'bench-admin@support.local';

try {
  const kept = existsSync(seededFile) ? (JSON.parse(readFileSync(seededFile, 'utf8')) as { tickets: number; spread: boolean }) : null;
  if (kept && kept.tickets !== TICKETS) throw new Error(`${workDir} holds ${kept.tickets} tickets, not ${TICKETS}: choose another --data-dir`);
  db = await startEmbeddedPostgres({ dataDir: path.join(workDir, 'db'), port: await findFreePort(), logger });
  const orm = await openOrm(db.url);
  await prepareDatabase(orm);
  await ensureFirstAdmin(orm, BENCH_ADMIN);
  await orm.close();

  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  // The bench's admin gets a new token each run, so none has to be stored with the data.
  const issued = issueToken(STAFF_TOKEN_PREFIX);
  await client.query(`update staff_member set token_hash = $1 where email = $2`, [issued.hash, BENCH_ADMIN]);
  const adminToken = issued.token;
  let started = performance.now();
  if (!kept) {
    const size = seedSize(TICKETS);
    log(`seeding ${size.tickets} tickets, ${size.customers} customers…`);
    await seed(client, size, calendar, DateTime.now());
    // Marked once the (long) seed commits, so a failed spread is redone from here.
    writeFileSync(seededFile, JSON.stringify({ tickets: TICKETS, seededAt: new Date().toISOString(), spread: false }));
  }
  if (!kept?.spread || options.reshape) {
    log("spreading the tickets over the dashboard's groups…");
    await diversify(client);
    writeFileSync(seededFile, JSON.stringify({ tickets: TICKETS, seededAt: new Date().toISOString(), spread: true }));
    log(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } else {
    log(`reusing the ${TICKETS} tickets kept in ${workDir}`);
  }

  const now = DateTime.now().setZone(calendar.config.zone);
  const periods = [
    { name: 'last 30 days by day', period: { from: now.minus({ days: 30 }).startOf('day'), to: now.endOf('day') }, bucket: StatsBucket.DAY },
    { name: 'last quarter by week', period: { from: now.minus({ months: 3 }).startOf('week'), to: now.endOf('day') }, bucket: StatsBucket.WEEK },
  ];

  let seqScan = false;
  if (options.explain) {
    for (const { name, period, bucket } of periods) {
      log(`explain: ${name}`);
      const scope: StatsScope = { from: period.from.toJSDate(), to: period.to.toJSDate(), bucket, zone: calendar.config.zone, now: new Date(), filter: {} };
      seqScan = (await explainSections(client, scope, calendar)) || seqScan;
    }
    log(seqScan ? 'explain: some statement reads the whole ticket table' : 'explain: no statement reads the whole ticket table');
  }
  // The postmaster: the parent of this connection's backend.
  const backend = Number((await client.query('select pg_backend_pid() as pid')).rows[0].pid);
  const postmaster = Number(readFileSync(`/proc/${backend}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
  await client.end();
  client = undefined;

  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  // BENCH_API_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") go to the API's Node, as in npm run bench.
  api = spawn(process.execPath, [...(process.env.BENCH_API_NODE_ARGS?.split(' ').filter(Boolean) ?? []), 'server/start.mjs'], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: workDir,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      VAULT_MASTER_KEY: randomBytes(32).toString('base64'),
      RATE_LIMIT_ENABLED: 'false',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitForHealth(url, api);

  const rows: Record<string, unknown>[] = [];
  for (const { name, period, bucket } of periods) {
    for (const [section, selection] of Object.entries(DASHBOARD_SECTIONS).filter(([name]) => chosen(name))) {
      const query = `query($period: StatsPeriodInput!, $bucket: StatsBucket!) { supportStats(period: $period, bucket: $bucket) { ${selection} } }`;
      const variables = { period: { from: period.from.toISO(), to: period.to.toISO() }, bucket };
      for (let i = 0; i < 3; i += 1) await graphql(`${url}/graphql`, adminToken, query, variables);
      const latencies: number[] = [];
      const cpuBefore = cpuMs(api.pid!, postmaster);
      const loadBefore = os.loadavg()[0]!;
      for (let i = 0; i < REQUESTS; i += 1) {
        started = performance.now();
        await graphql(`${url}/graphql`, adminToken, query, variables);
        latencies.push(performance.now() - started);
      }
      const cpuPerAnswer = (cpuMs(api.pid!, postmaster) - cpuBefore) / REQUESTS;
      latencies.sort((a, b) => a - b);
      const row = {
        scenario: 'dashboard',
        tickets: TICKETS,
        period: name,
        section,
        requests: REQUESTS,
        p50Ms: +percentile(latencies, 0.5).toFixed(1),
        p99Ms: +percentile(latencies, 0.99).toFixed(1),
        cpuMsPerAnswer: +cpuPerAnswer.toFixed(1),
        loadAverage: +((loadBefore + os.loadavg()[0]!) / 2).toFixed(1),
      };
      rows.push(row);
      log(JSON.stringify(row));
    }
  }
  log('');
  log('| period | section | p50 ms | p99 ms | CPU ms per answer | load average |');
  log('|---|---|---:|---:|---:|---:|');
  for (const row of rows) log(`| ${row.period} | \`${row.section}\` | ${row.p50Ms} | ${row.p99Ms} | ${row.cpuMsPerAnswer} | ${row.loadAverage} |`);
  const worst = Math.max(...rows.map((row) => Number(row.p99Ms)));
  log(
    `worst p99: ${worst} ms (target ≤ 500 ms)${options.explain ? `; ${seqScan ? 'a statement scans the ticket table' : 'no statement scans the ticket table'}` : ''}`,
  );
} finally {
  if (api && api.exitCode === null) {
    api.kill('SIGTERM');
    await new Promise((resolve) => api!.once('exit', resolve));
  }
  // An open connection would keep PostgreSQL from shutting down.
  await client?.end().catch(() => undefined);
  await db?.stop();
  if (!options.keep) rmSync(workDir, { recursive: true, force: true });
  else log(`kept the data set in ${workDir}`);
}
