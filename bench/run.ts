/**
 * npm run bench [-- --tickets 10000] [--seconds 4] [--rounds 3] [--connections 10] [--only staff-queue,node] [--no-cold-start]
 * --explain: EXPLAIN of the statements the API runs for every ordering × filter of `tickets`.
 * BENCH_API_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the API process under load.
 *
 * The project's performance record (README, "Performance"). On a throw-away embedded PostgreSQL
 * it seeds a data set with bulk SQL (seed.ts), starts the API as `npm start` runs it and the
 * hand-written baseline (baseline.ts), checks that both give the same answer to every scenario,
 * then loads them in turns (API, baseline, baseline, API, …) with the same number of concurrent
 * connections, and prints a table and one JSON line per scenario; then the cold start of
 * `npm start` to its first GraphQL answer, with an empty and with an existing data folder.
 * Timings live here, never in `npm test`.
 */
import 'reflect-metadata';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import pg from 'pg';
import { PROJECT_ROOT } from '../server/app/config';
import { systemClock } from '../server/common/clock';
import { startEmbeddedPostgres } from '../server/app/database';
import { startHttpApp } from '../server/app/http';
import { DEFAULT_RATE_LIMITS } from '../server/app/rate-limit';
import { createLogger } from '../server/app/logger';
import { Vault } from '../server/modules/vault/vault';
import { ensureFirstAdmin, openOrm, prepareDatabase } from '../server/app/runtime';
import { toGlobalId } from '../server/common/global-id';
import { findFreePort } from '../server/common/ports';
import { issueToken, MERCHANT_KEY_PREFIX } from '../server/common/tokens';
import { SupportCalendar } from '../server/modules/support-hours/support-calendar';
import { OPEN_STATUSES, scenarios, type Scenario } from './scenarios';
import { seed, seedSize } from './seed';
import { coldStarts } from './cold-start';

const { values: options } = parseArgs({
  options: {
    tickets: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    'no-cold-start': { type: 'boolean', default: false },
    /** Only these scenarios (comma-separated). */
    only: { type: 'string' },
    /** EXPLAIN the API's own statements for every ticket ordering and filter (and say whether any scans the table). */
    explain: { type: 'boolean', default: false },
  },
});
const TICKETS = Number(options.tickets);
const SLICE_SECONDS = Number(options.seconds);
const ROUNDS = Number(options.rounds);
const CONNECTIONS = Number(options.connections);

const log = (message: string) => process.stderr.write(`${message}\n`);

// ---------- HTTP load ----------

const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });

interface Answer {
  status: number;
  body: string;
}

function post(url: string, token: string, payload: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), authorization: `Bearer ${token}` },
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      // A kept-alive connection the server closed while it sat idle (the other side's turn ran
      // past the server's keep-alive timeout on a loaded machine): sent again on a new one.
      if (request.reusedSocket && error.code === 'ECONNRESET') post(url, token, payload).then(resolve, reject);
      else reject(error);
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.end(payload);
  });
}

interface Target {
  url: string;
  token: string;
  payload: string;
  /** The server process answering, whose CPU time is counted. */
  pid?: number;
}

interface LoadResult {
  latencies: number[];
  failures: number;
  seconds: number;
  /** CPU time the server process spent meanwhile (user + system). */
  cpuMs: number;
}

/** CPU time of a process so far, in ms, from /proc (clock ticks of 10 ms). */
function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // After "pid (comm) ": state is field 0, utime 11, stime 12.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** `connections` clients sending one request after another for `seconds`. */
async function load(target: Target, seconds: number, into: LoadResult): Promise<void> {
  const start = performance.now();
  const end = start + seconds * 1000;
  const cpuBefore = cpuMsOf(target.pid);
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < end) {
        const sent = performance.now();
        const answer = await post(target.url, target.token, target.payload);
        into.latencies.push(performance.now() - sent);
        if (answer.status !== 200 || !answer.body.startsWith('{"data"') || answer.body.includes('"errors"')) into.failures += 1;
      }
    }),
  );
  into.seconds += (performance.now() - start) / 1000;
  into.cpuMs += cpuMsOf(target.pid) - cpuBefore;
}

function percentile(sorted: number[], q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

// ---------- processes ----------

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${what} did not come up within ${timeoutMs} ms`);
}

const FIRST_ANSWER = JSON.stringify({ query: '{ supportHours(zone: "UTC") { open } }' });

async function answersGraphql(url: string): Promise<boolean> {
  const answer = await new Promise<Answer>((resolve, reject) => {
    const request = http.request(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    request.on('error', reject);
    request.on('response', (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.end(FIRST_ANSWER);
  });
  return answer.status === 200 && answer.body.includes('"open"');
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** `npm start` as a process (node server/start.mjs, the compiled server). */
function startApi(env: Record<string, string | undefined>): ChildProcess {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete merged[name];
  const nodeArgs = process.env.BENCH_API_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  return spawn(process.execPath, [...nodeArgs, 'server/start.mjs'], { cwd: PROJECT_ROOT, env: merged, stdio: ['ignore', 'ignore', 'inherit'] });
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 1024);
}

// ---------- SQL statements per request ----------

/**
 * What the server runs on its own meanwhile: the job queue, the outbox relay and webhook
 * deliveries polling (and their transactions and lock); the measured requests only read, in no transaction.
 */
const BACKGROUND = [
  `query not ilike '%pgboss%'`,
  `query not ilike '%pg_stat_statements%'`,
  `query not ilike '%outbox_%'`,
  `query not ilike '%webhook_delivery%'`,
  `query not ilike '%pg_try_advisory_xact_lock%'`,
  `query not in ('BEGIN', 'COMMIT', 'ROLLBACK')`,
].join(' and ');

async function statementsPerRequest(client: pg.Client, target: Target, requests = 20): Promise<number> {
  const byStatement = async () =>
    new Map<string, number>((await client.query(`select query, calls::int from pg_stat_statements where ${BACKGROUND}`)).rows.map((r) => [r.query, r.calls]));
  const before = await byStatement();
  for (let i = 0; i < requests; i += 1) await post(target.url, target.token, target.payload);
  const after = await byStatement();
  let calls = 0;
  for (const [query, n] of after) {
    const delta = n - (before.get(query) ?? 0);
    calls += delta;
    // BENCH_SHOW_SQL=1 lists them, to see where a request's round trips go.
    if (delta && process.env.BENCH_SHOW_SQL) log(`  ${(delta / requests).toFixed(1)} × ${query.replace(/\s+/g, ' ').slice(0, 160)}`);
  }
  return Math.round((calls / requests) * 10) / 10;
}

// ---------- the run ----------

const calendar = new SupportCalendar();
const workDir = mkdtempSync(path.join(os.tmpdir(), 'support-desk-bench-'));
chmodSync(workDir, 0o755);
const children: ChildProcess[] = [];
let db: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
const logger = createLogger('warn');

try {
  log('building the server (npm run build)…');
  const build = spawnSync(process.execPath, ['server/start.mjs', '--build'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');

  // A throw-away cluster with pg_stat_statements (it counts the statements of each request).
  const pgDir = path.join(workDir, 'db');
  const pgPort = await findFreePort();
  db = await startEmbeddedPostgres({ dataDir: pgDir, port: pgPort, logger });
  {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(`alter system set shared_preload_libraries = 'pg_stat_statements'`);
    await client.end();
    await db.stop();
    db = await startEmbeddedPostgres({ dataDir: pgDir, port: pgPort, logger });
  }
  const orm = await openOrm(db.url);
  await prepareDatabase(orm);
  const adminToken = (await ensureFirstAdmin(orm, 'bench-admin@support.local'))!;
  await orm.close();

  const size = seedSize(TICKETS);
  log(`seeding ${size.tickets} tickets (${size.openTickets} open), ${size.customers} customers, ${size.tickets * 3} messages…`);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const seeding = performance.now();
  await seed(client, size, calendar, DateTime.now());
  log(`seeded in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);
  // The seeded clocks' SLA escalations count as published already: otherwise the measured server
  // spends the run catching up on thousands of them (events, notifications), which no request costs.
  await client.query(
    `insert into sla_escalation (ticket_id, target, kind, reached_at, published_at)
     select t.id, target, kind, now(), now() from ticket t
       cross join (values ('FIRST_REPLY'), ('RESOLUTION')) targets(target) cross join (values ('AT_75_PERCENT'), ('BREACHED')) kinds(kind)
     where t.sla_guaranteed and t.urgency_at < '9999-12-31 00:00:00+00'
     on conflict do nothing`,
  );
  await client.query('create extension if not exists pg_stat_statements');

  // The merchant of the list scenario, with an API key; the ticket of the node scenario.
  const merchant = issueToken(MERCHANT_KEY_PREFIX);
  await client.query(
    `insert into merchant_api_key (id, customer_id, name, token_hash, prefix)
     select gen_random_uuid(), id, 'Bench', $1, $2 from customer where email = 'merchant1@shop.bench'`,
    [merchant.hash, merchant.prefix],
  );
  const { rows: newest } = await client.query(`select id from ticket order by serial desc limit 1`);
  const ticketId = toGlobalId('Ticket', newest[0].id);

  if (options.explain) await explainLists(db.url, adminToken, client);

  const apiPort = await findFreePort();
  const api = startApi({
    DATABASE_URL: db.url,
    PORT: String(apiPort),
    HOST: '127.0.0.1',
    DATA_DIR: workDir,
    LOG_LEVEL: 'info',
    NODE_ENV: 'production',
    VAULT_MASTER_KEY: randomBytes(32).toString('base64'),
    // The limiter stays on (its statement is part of every request) but never refuses the load.
    RATE_LIMIT_REQUESTS: '1000000',
  });
  children.push(api);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  await waitFor(() => answersGraphql(apiUrl), 60_000, 'the API');

  const baseline = spawn(process.execPath, ['--import', 'tsx', 'bench/baseline.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, BENCH_DATABASE_URL: db.url, PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(baseline);
  const baselinePort = await new Promise<number>((resolve, reject) => {
    baseline.stdout!.on('data', (chunk: Buffer) => {
      const port = /listening (\d+)/.exec(chunk.toString())?.[1];
      if (port) resolve(Number(port));
    });
    baseline.once('exit', () => reject(new Error('the baseline server exited')));
  });

  const rows: Record<string, unknown>[] = [];
  const only = options.only?.split(',');
  for (const scenario of scenarios(ticketId).filter((s) => !only || only.includes(s.name))) {
    const token = scenario.caller === 'staff' ? adminToken : merchant.token;
    const payload = JSON.stringify({ query: scenario.query, variables: scenario.variables ?? {} });
    const apiTarget: Target = { url: `${apiUrl}/graphql`, token, payload, pid: api.pid };
    const baselineTarget: Target = { url: `http://127.0.0.1:${baselinePort}/${scenario.name}`, token, payload, pid: baseline.pid };
    await checkSameAnswer(scenario, apiTarget, baselineTarget);

    // Warm both up, count statements, then load them in turns.
    for (const target of [apiTarget, baselineTarget]) await load(target, 1, { latencies: [], failures: 0, seconds: 0, cpuMs: 0 });
    const apiSql = await statementsPerRequest(client, apiTarget);
    const baselineSql = await statementsPerRequest(client, baselineTarget);
    const apiLoad: LoadResult = { latencies: [], failures: 0, seconds: 0, cpuMs: 0 };
    const baselineLoad: LoadResult = { latencies: [], failures: 0, seconds: 0, cpuMs: 0 };
    for (let round = 0; round < ROUNDS; round += 1) {
      const turns: [Target, LoadResult][] = [
        [apiTarget, apiLoad],
        [baselineTarget, baselineLoad],
      ];
      if (round % 2 === 1) turns.reverse();
      for (const [target, into] of turns) await load(target, SLICE_SECONDS, into);
    }
    if (apiLoad.failures || baselineLoad.failures)
      throw new Error(`${scenario.name}: ${apiLoad.failures} API and ${baselineLoad.failures} baseline answers were not 200 with data`);
    const apiSorted = [...apiLoad.latencies].sort((a, b) => a - b);
    const baselineSorted = [...baselineLoad.latencies].sort((a, b) => a - b);
    const apiRps = apiLoad.latencies.length / apiLoad.seconds;
    const baselineRps = baselineLoad.latencies.length / baselineLoad.seconds;
    const row = {
      scenario: scenario.name,
      tickets: TICKETS,
      apiRps: round1(apiRps),
      baselineRps: round1(baselineRps),
      ratio: Math.round((apiRps / baselineRps) * 100) / 100,
      p50Ms: round1(percentile(apiSorted, 0.5)),
      p99Ms: round1(percentile(apiSorted, 0.99)),
      baselineP50Ms: round1(percentile(baselineSorted, 0.5)),
      baselineP99Ms: round1(percentile(baselineSorted, 0.99)),
      // CPU of each server process per answer: unlike req/s, it hardly moves with other load on the machine.
      apiCpuMsPerRequest: round1(apiLoad.cpuMs / apiLoad.latencies.length),
      baselineCpuMsPerRequest: round1(baselineLoad.cpuMs / baselineLoad.latencies.length),
      cpuRatio: Math.round((baselineLoad.cpuMs / baselineLoad.latencies.length / (apiLoad.cpuMs / apiLoad.latencies.length)) * 100) / 100,
      sqlPerRequest: apiSql,
      baselineSqlPerRequest: baselineSql,
      rssMb: rssMb(api.pid!),
    };
    rows.push(row);
    log(`${scenario.name}: ${JSON.stringify(row)}`);
  }
  await client.end();
  for (const child of children.splice(0)) await stopChild(child);

  const cold: Record<string, unknown> = { scenario: 'cold-start' };
  if (!options['no-cold-start']) {
    // `npm start` on a data folder of its own: the first start creates the cluster, the next ones reuse it.
    Object.assign(cold, await coldStarts(workDir, 3));
  }

  printTable(rows, cold);
  for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
  if (!options['no-cold-start']) process.stdout.write(`${JSON.stringify(cold)}\n`);
} finally {
  for (const child of children) await stopChild(child);
  agent.destroy();
  await db?.stop();
  rmSync(workDir, { recursive: true, force: true });
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/**
 * Both must answer the same JSON. Due times and remaining minutes depend on the clock, so a
 * pair straddling a minute (or a ticket falling due in between) is asked again.
 */
async function checkSameAnswer(scenario: Scenario, apiTarget: Target, baselineTarget: Target): Promise<void> {
  let last: { api: unknown; baseline: unknown } | undefined;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const api = JSON.parse((await post(apiTarget.url, apiTarget.token, apiTarget.payload)).body);
    const baseline = JSON.parse((await post(baselineTarget.url, baselineTarget.token, baselineTarget.payload)).body);
    if (api.errors) throw new Error(`${scenario.name}: the API answered with errors: ${JSON.stringify(api.errors)}`);
    if (isDeepStrictEqual(api, baseline)) {
      log(`${scenario.name}: API and baseline give the same answer (${JSON.stringify(api.data).length} characters of JSON)`);
      return;
    }
    last = { api, baseline };
  }
  const file = path.join(os.tmpdir(), `bench-${scenario.name}-mismatch.json`);
  writeFileSync(file, JSON.stringify(last, null, 2));
  throw new Error(`${scenario.name}: the baseline's answer differs from the API's (both in ${file})`);
}

function printTable(rows: Record<string, unknown>[], cold: Record<string, unknown>): void {
  const columns = [
    'scenario',
    'apiRps',
    'baselineRps',
    'ratio',
    'p50Ms',
    'p99Ms',
    'baselineP50Ms',
    'baselineP99Ms',
    'apiCpuMsPerRequest',
    'baselineCpuMsPerRequest',
    'cpuRatio',
    'sqlPerRequest',
    'rssMb',
  ];
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ')} |`;
  process.stdout.write(`\n${TICKETS} tickets, ${CONNECTIONS} connections, ${ROUNDS} × ${SLICE_SECONDS} s per side, ${os.cpus().length} CPUs\n\n`);
  process.stdout.write(`${line(columns)}\n|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|\n`);
  for (const row of rows) process.stdout.write(`${line(columns.map((c) => String(row[c])))}\n`);
  if (cold.emptyDataFolderS !== undefined) {
    process.stdout.write(
      `\ncold start to the first GraphQL answer: ${cold.existingDataFolderS} s with an existing data folder (median of 3), ${cold.emptyDataFolderS} s with an empty one\n\n`,
    );
  }
}

/**
 * Every ordering of `tickets` alone and with each filter: the API runs in this process with its
 * statements captured, and each statement on the ticket table is EXPLAINed on the seeded data.
 */
async function explainLists(url: string, token: string, client: pg.Client): Promise<void> {
  const captured: string[] = [];
  const orm = await openOrm(url, (message) => captured.push(message));
  // A vault with a random in-memory key: the measured lists never open stored access.
  const vault = Vault.forTests({ clock: systemClock, logger });
  const app = await startHttpApp({
    orm,
    logger,
    clock: systemClock,
    calendar,
    vault,
    host: '127.0.0.1',
    port: 0,
    rateLimits: { ...DEFAULT_RATE_LIMITS, enabled: false },
  });
  try {
    const { rows } = await client.query(
      `select (select id from customer order by email limit 1) as customer, (select id from staff_member where email like 'agent%' order by email limit 1) as agent`,
    );
    const filters: Record<string, string> = {
      none: '{}',
      statuses: `{ statuses: [${['OPEN', 'IN_PROGRESS'].join(', ')}] }`,
      openQueue: `{ statuses: [${OPEN_STATUSES.join(', ')}] }`,
      categories: '{ categories: [BUG_FIX] }',
      priorities: '{ priorities: [URGENT, HIGH] }',
      team: '{ team: SUPPORT }',
      customerId: `{ customerId: "${toGlobalId('Customer', rows[0].customer)}" }`,
      assigneeId: `{ assigneeId: "${toGlobalId('StaffMember', rows[0].agent)}" }`,
      unassigned: '{ unassigned: true }',
      assigned: '{ unassigned: false }',
      overdue: '{ overdue: true }',
      notOverdue: '{ overdue: false }',
      createdRange: `{ createdAfter: "${DateTime.now().minus({ days: 30 }).toISO()}", createdBefore: "${DateTime.now().toISO()}" }`,
    };
    let scans = 0;
    for (const orderBy of ['NEWEST', 'OLDEST', 'MOST_URGENT', 'RECENTLY_UPDATED']) {
      for (const [name, filter] of Object.entries(filters)) {
        captured.length = 0;
        const query = JSON.stringify({ query: `{ tickets(first: 50, orderBy: ${orderBy}, filter: ${filter}) { totalCount edges { node { number } } } }` });
        const answer = await post(`${app.url}/graphql`, token, query);
        if (!answer.body.startsWith('{"data"')) throw new Error(`${orderBy} ${name}: ${answer.body}`);
        for (const line of captured) {
          const sql = /\[query\] (.*?)(?: \[took [^\]]*\])?$/s.exec(line)?.[1];
          if (!sql || !/from "ticket"/.test(sql)) continue;
          // The log inlines every value but the page size.
          const statement = sql.replace(/ limit \$\d+/, ' limit 51');
          const plan = (await client.query(`explain ${/\$\d/.test(statement) ? '(generic_plan) ' : ''}${statement}`)).rows.map(
            (r) => r['QUERY PLAN'] as string,
          );
          const seq = plan.some((l) => /Seq Scan on ticket\b/.test(l));
          if (seq) scans += 1;
          const kind = /^select count/.test(statement) ? 'count' : 'page ';
          log(
            `explain ${orderBy.padEnd(16)} ${name.padEnd(12)} ${kind} ${seq ? 'SEQ SCAN ' : 'index    '} ${plan
              .filter((l) => /Scan/.test(l))
              .map((l) => l.trim().replace(/\s+\(cost.*$/, ''))
              .join(' | ')}`,
          );
        }
      }
    }
    log(`explain: ${scans} statement(s) scan the whole ticket table`);
  } finally {
    await app.stop();
    await orm.close();
  }
}
