import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessSecretField, FileProtocol, PlanKind, TicketCategory, UserErrorCode } from '../sdk/generated';
import { startReplicatedPostgres, type ReplicatedPostgres } from '../support/replica-postgres';
import { spawnServer } from '../support/server-process';
import { createMerchant, createTestApp, type Merchant, type TestApp } from '../support/test-app';

/**
 * DATABASE_REPLICA_URLS against a real physical standby of the primary. Replay is paused on the
 * standby to make its data visibly older than the primary's: whatever shows the newer data read
 * the primary, whatever does not read the standby. supportStats, search and the CSV exports
 * read the standby; everything that decides reads the primary.
 */
let db: ReplicatedPostgres;
let app: TestApp;
let merchant: Merchant;
const queries: string[] = [];
const WORD = 'zebrafinch';
const PERIOD = { from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' };

async function file(subject: string, who: Merchant = merchant) {
  const created = await who.sdk.TicketCreate({
    input: { subject, description: 'The checkout page stays blank after the update.', category: TicketCategory.BugFix },
  });
  expect(created.ticketCreate.userErrors).toEqual([]);
  app.setNow(app.now().plus({ minutes: 1 }));
  return created.ticketCreate.ticket!;
}

const STATS = `query($p: StatsPeriodInput!) { supportStats(period: $p, bucket: MONTH) { volume { total } } }`;

/** What a dashboard shows: tickets filed in the period (supportStats). */
async function statsTotal(): Promise<number> {
  const r = await app.raw(STATS, { p: PERIOD }, app.adminToken);
  expect(r.body.errors).toBeUndefined();
  return r.body.data!.supportStats.volume.total;
}

/** The numbers of the tickets a staff search finds, best match first, and its count. */
async function searched(): Promise<{ numbers: string[]; totalCount: number }> {
  const r = await app.raw(`query($s: String!) { tickets(first: 50, filter: { search: $s }) { totalCount nodes { number } } }`, { s: WORD }, app.adminToken);
  expect(r.body.errors).toBeUndefined();
  return { numbers: r.body.data!.tickets.nodes.map((n: { number: string }) => n.number).sort(), totalCount: r.body.data!.tickets.totalCount };
}

/** The ticket numbers of the period's CSV export. */
async function exported(kind: 'tickets' | 'refunds' = 'tickets'): Promise<Array<Record<string, string>>> {
  const url = new URL(`/export/${kind}.csv`, app.url);
  url.searchParams.set('from', PERIOD.from);
  url.searchParams.set('to', PERIOD.to);
  const response = await fetch(url, { headers: { authorization: `Bearer ${app.adminToken}` } });
  expect(response.status).toBe(200);
  return parse(await response.text(), { columns: true }) as Array<Record<string, string>>;
}

/** The staff's ticket list (no search): what agents and the OpenCart module work from. */
async function listed(): Promise<string[]> {
  const r = await app.raw(`{ tickets(first: 100) { nodes { number } } }`, {}, app.adminToken);
  expect(r.body.errors).toBeUndefined();
  return r.body.data!.tickets.nodes.map((n: { number: string }) => n.number);
}

const viaReplica = () => queries.filter((q) => q.includes('via read connection'));

beforeAll(async () => {
  db = await startReplicatedPostgres();
  app = await createTestApp({ adminUrl: db.primaryAdminUrl, replicaOf: db.replicaUrlOf, onQuery: (sql) => queries.push(sql) });
  merchant = await createMerchant(app, { plan: PlanKind.PremiumMonthly });
  await db.caughtUp();
}, 120_000);
afterAll(async () => {
  await app?.close();
  await db?.stop();
});

describe('supportStats, search and export read the replica', () => {
  it('a ticket the standby has not replayed yet is missing from them, while the list and the ticket itself (primary) show it; after replay it appears', async () => {
    const first = await file(`Blank checkout, ${WORD} theme`);
    await db.caughtUp();
    expect(await statsTotal()).toBe(1);
    queries.length = 0;
    expect(await searched()).toEqual({ numbers: [first.number], totalCount: 1 });
    // The ranking and the count went to the replica (the log names the connection).
    expect(viaReplica().map((q) => q.includes('ts_rank') || q.includes('count(*)'))).toEqual([true, true]);
    expect((await exported()).map((row) => row.number)).toEqual([first.number]);

    await db.pauseReplay();
    try {
      const second = await file(`Again the ${WORD} theme breaks checkout`);
      // The mutation's own re-read and the list are the primary's: the new ticket is there.
      expect(second.number).not.toBe(first.number);
      expect(await listed()).toContain(second.number);
      const found = await app.admin.TicketByNumber({ number: second.number });
      expect(found.ticketByNumber?.subject).toContain(WORD);
      // The dashboards' reads are the standby's: not yet.
      expect(await statsTotal()).toBe(1);
      expect(await searched()).toEqual({ numbers: [first.number], totalCount: 1 });
      expect((await exported()).map((row) => row.number)).toEqual([first.number]);

      await db.resumeReplay();
      expect(await statsTotal()).toBe(2);
      expect(await searched()).toEqual({ numbers: [first.number, second.number].sort(), totalCount: 2 });
      expect((await exported()).map((row) => row.number)).toEqual([first.number, second.number]);
    } finally {
      await db.resumeReplay();
    }
  });

  it('the refunds export reads the standby too', async () => {
    const refunding = await createMerchant(app);
    await db.pauseReplay();
    try {
      const refund = await refunding.sdk.RefundRequest({ input: { subscriptionId: refunding.subscriptionId, reason: 'STOLEN_CARD' as never } });
      expect(refund.refundRequest.userErrors).toEqual([]);
      expect(await exported('refunds')).toEqual([]);
      await db.resumeReplay();
      expect((await exported('refunds')).map((row) => row.reason)).toEqual(['STOLEN_CARD']);
    } finally {
      await db.resumeReplay();
    }
  });
});

describe('nothing that decides reads the replica', () => {
  it('filing up to the allowance, the list and the vault see what was just written, with replay paused; no statement of theirs goes to the replica', async () => {
    const small = await createMerchant(app, { plan: PlanKind.OneTimeFix });
    await db.pauseReplay();
    try {
      queries.length = 0;
      const only = await file('The one ticket a one-time fix covers', small);
      // The allowance counts the ticket the standby does not have yet: the second is refused.
      const second = await small.sdk.TicketCreate({
        input: { subject: 'One more', description: 'Another problem in the same store.', category: TicketCategory.BugFix },
      });
      expect(second.ticketCreate.userErrors[0]!.code).toBe(UserErrorCode.TicketLimitReached);
      expect(await small.sdk.Tickets({ first: 10 }).then((r) => r.tickets.edges.map((e) => e.node.number))).toEqual([only.number]);

      // The vault: access stored a moment ago is revealed from the primary.
      const password = 'store-admin-secret-42';
      const withAccess = await merchant.sdk.TicketCreateWithAccess({
        input: {
          subject: 'Needs a look at the admin',
          description: 'The admin dashboard shows an error after login.',
          category: TicketCategory.BugFix,
          access: {
            storeAdmin: { url: 'https://shop.example.com/admin', username: 'support-admin', password },
            fileAccess: { protocol: FileProtocol.Ftp, host: '127.0.0.1', port: 21, username: 'ftp-user', password: 'ftp-secret-42', rootPath: '/' },
          },
        },
      });
      expect(withAccess.ticketCreate.userErrors).toEqual([]);
      const revealed = await app.admin.TicketAccessReveal({
        input: { ticketId: withAccess.ticketCreate.ticket!.id, field: AccessSecretField.StoreAdminPassword },
      });
      expect(revealed.ticketAccessReveal.secret?.value).toBe(password);

      expect(queries.length).toBeGreaterThan(10);
      expect(viaReplica()).toEqual([]);
    } finally {
      await db.resumeReplay();
    }
  });
});

describe('a replica that is down', () => {
  it('supportStats, search and export are answered by the primary, with a warning that names no URL; once it is back, they read it again', async () => {
    const before = await statsTotal();
    await db.stopReplica();
    try {
      const logged = app.logs.length;
      const third = await file(`A third ${WORD} problem`);
      // Up to date: the primary answered.
      expect(await statsTotal()).toBe(before + 1);
      expect((await searched()).numbers).toContain(third.number);
      expect((await exported()).map((row) => row.number)).toContain(third.number);
      const warnings = app.logs.slice(logged).filter((line) => line.includes('a read replica could not answer'));
      expect(warnings.length).toBeGreaterThanOrEqual(3);
      expect(warnings.join('\n')).not.toContain(new URL(db.primaryAdminUrl).password);
    } finally {
      await db.startReplica();
    }

    await db.pauseReplay();
    try {
      const fourth = await file(`A fourth ${WORD} problem`);
      expect((await searched()).numbers).not.toContain(fourth.number);
      expect(await statsTotal()).toBe(before + 1);
    } finally {
      await db.resumeReplay();
    }
    expect(await statsTotal()).toBe(before + 2);
  });
});

describe('npm start with DATABASE_REPLICA_URLS', () => {
  it('the server process reads supportStats from the replica it was given', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'support-desk-replica-server-'));
    try {
      const server = await spawnServer(
        {
          DATABASE_URL: app.databaseUrl,
          DATABASE_REPLICA_URLS: db.replicaUrlOf(app.databaseUrl),
          DATA_DIR: dataDir,
          // The test app's master key: the database already holds access sealed under it.
          VAULT_MASTER_KEY: app.vault.keyring.current().key.toString('base64'),
        },
        90_000,
      );
      const total = async () => {
        const response = await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${app.adminToken}` },
          body: JSON.stringify({ query: STATS, variables: { p: PERIOD } }),
        });
        const body = (await response.json()) as { data: { supportStats: { volume: { total: number } } } };
        return body.data.supportStats.volume.total;
      };
      try {
        await db.caughtUp();
        const before = await total();
        expect(before).toBe(await statsTotal());
        await db.pauseReplay();
        try {
          await file(`Filed while the ${WORD} replica stands still`);
          expect(await total()).toBe(before);
        } finally {
          await db.resumeReplay();
        }
        expect(await total()).toBe(before + 1);
        expect(server.output()).not.toContain(new URL(db.primaryAdminUrl).password);
      } finally {
        await server.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
