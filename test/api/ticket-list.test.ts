import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOfType } from '../../server/common/global-id';
import { createMerchant, createTestApp, type Merchant, type TestApp } from '../support/test-app';

/**
 * The ticket list's own SQL read path: every ordering pages through exactly the rows PostgreSQL
 * orders the same way, scoped to the caller, and `totalCount` (from the status tally when only
 * statuses narrow the list) always equals a direct count, rolled-back changes included.
 */
let app: TestApp;
let merchants: Merchant[];
let db: pg.Client;

const STATUSES = ['AWAITING_ACCESS', 'OPEN', 'IN_PROGRESS', 'WAITING_ON_CUSTOMER', 'RESOLVED', 'CLOSED'];
const PRIORITIES = ['LOW', 'NORMAL', 'HIGH', 'URGENT'];

beforeAll(async () => {
  app = await createTestApp();
  db = new pg.Client({ connectionString: app.databaseUrl });
  await db.connect();
  merchants = [await createMerchant(app), await createMerchant(app)];
  let n = 0;
  for (const merchant of merchants) {
    for (let t = 0; t < 6; t += 1) {
      n += 1;
      const created = await merchant.sdk.TicketCreate({
        input: { subject: `List ${n}`, description: 'A realistic problem description for the list.', category: 'BUG_FIX' as never },
      });
      const id = created.ticketCreate.ticket!.id;
      await app.raw(
        `mutation($id: ID!, $p: TicketPriority) { ticketUpdate(input: { ticketId: $id, priority: $p }) { userErrors { code } } }`,
        { id, p: PRIORITIES[n % 4] },
        app.adminToken,
      );
      const status = STATUSES[n % STATUSES.length]!;
      if (status !== 'AWAITING_ACCESS') {
        const changed = await app.raw(
          `mutation($id: ID!, $s: TicketStatus!) { ticketStatusChange(input: { ticketId: $id, status: $s }) { userErrors { code message } } }`,
          { id, s: status },
          app.adminToken,
        );
        expect(changed.body.errors).toBeUndefined();
      }
    }
  }
});
afterAll(async () => {
  await db?.end();
  await app?.close();
});

/** Every page of a list, `first` at a time: the ticket numbers in order, and each page's totalCount. */
async function allPages(orderBy: string, filter: string, token: string, first = 4) {
  const numbers: string[] = [];
  const counts = new Set<number>();
  let after: string | null = null;
  for (let page = 0; page < 20; page += 1) {
    const { body } = await app.raw(
      `query($after: String) { tickets(first: ${first}, after: $after, orderBy: ${orderBy}, filter: ${filter}) {
         totalCount pageInfo { hasNextPage endCursor } edges { cursor node { number } } } }`,
      { after },
      token,
    );
    expect(body.errors).toBeUndefined();
    const list = body.data!.tickets;
    numbers.push(...list.edges.map((e: { node: { number: string } }) => e.node.number));
    counts.add(list.totalCount);
    if (!list.pageInfo.hasNextPage) break;
    after = list.pageInfo.endCursor;
  }
  return { numbers, counts: [...counts] };
}

const SQL_ORDER: Record<string, string> = {
  NEWEST: 'created_at desc, id desc',
  OLDEST: 'created_at asc, id asc',
  MOST_URGENT: 'priority desc, urgency_at asc, id asc',
  RECENTLY_UPDATED: 'updated_at desc, id desc',
};

async function expected(orderBy: string, where: string, params: unknown[] = []): Promise<string[]> {
  const { rows } = await db.query(`select 'OC-' || lpad(serial::text, 6, '0') as number from ticket where ${where} order by ${SQL_ORDER[orderBy]}`, params);
  return rows.map((r) => r.number as string);
}

describe('tickets(): the list read path', () => {
  it.each(Object.keys(SQL_ORDER))('%s: staff page through every ticket once, in the database order, with the exact count', async (orderBy) => {
    const all = await allPages(orderBy, '{}', app.adminToken);
    const want = await expected(orderBy, 'true');
    expect(want).toHaveLength(12);
    expect(all.numbers).toEqual(want);
    expect(all.counts).toEqual([12]);

    const open = await allPages(orderBy, '{ statuses: [OPEN, IN_PROGRESS, WAITING_ON_CUSTOMER] }', app.adminToken, 3);
    expect(open.numbers).toEqual(await expected(orderBy, `status in ('OPEN', 'IN_PROGRESS', 'WAITING_ON_CUSTOMER')`));
    expect(open.counts).toEqual([open.numbers.length]);
  });

  it('a merchant pages through their own tickets only, counted exactly', async () => {
    for (const merchant of merchants) {
      const mine = await allPages('NEWEST', '{}', merchant.token, 4);
      const customerId = idOfType(merchant.customerId, 'Customer');
      expect(customerId).not.toBeNull();
      expect(mine.numbers).toEqual(await expected('NEWEST', 'customer_id = $1', [customerId]));
      expect(mine.counts).toEqual([6]);
    }
  });

  it('refuses a cursor of another ordering, and answers an empty page past the end with the count', async () => {
    const newest = await app.raw(`{ tickets(first: 2, orderBy: NEWEST) { pageInfo { endCursor } } }`, {}, app.adminToken);
    const refused = await app.raw(
      `query($after: String) { tickets(first: 2, after: $after, orderBy: MOST_URGENT) { totalCount } }`,
      { after: newest.body.data!.tickets.pageInfo.endCursor },
      app.adminToken,
    );
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const last = await app.raw(`{ tickets(first: 100, orderBy: OLDEST) { pageInfo { endCursor } } }`, {}, app.adminToken);
    const past = await app.raw(
      `query($after: String) { tickets(first: 5, after: $after, orderBy: OLDEST) { totalCount pageInfo { hasNextPage hasPreviousPage } edges { node { number } } } }`,
      { after: last.body.data!.tickets.pageInfo.endCursor },
      app.adminToken,
    );
    expect(past.body.data!.tickets).toEqual({ totalCount: 12, pageInfo: { hasNextPage: false, hasPreviousPage: true }, edges: [] });
  });

  it('counts by status stay exact through bulk writes, a rollback and the folding of the tally', async () => {
    const countOf = async (filter: string) =>
      (await app.raw(`{ tickets(first: 1, filter: ${filter}) { totalCount } }`, {}, app.adminToken)).body.data!.tickets.totalCount as number;
    const direct = async (status: string) => Number((await db.query(`select count(*) from ticket where status = $1`, [status])).rows[0].count);
    const check = async () => {
      for (const status of STATUSES) expect(await countOf(`{ statuses: [${status}] }`)).toBe(await direct(status));
      expect(await countOf('{}')).toBe(Number((await db.query(`select count(*) from ticket`)).rows[0].count));
    };
    await check();

    // A change rolled back leaves no trace in the counts.
    await db.query('begin');
    await db.query(`update ticket set status = 'CLOSED' where status = 'OPEN'`);
    await db.query('rollback');
    await check();

    // Bulk SQL (one statement over several rows and statuses), as a data fix would do.
    await db.query(`update ticket set status = 'CLOSED' where status in ('RESOLVED', 'WAITING_ON_CUSTOMER')`);
    await check();
    await db.query(`insert into ticket (id, serial, customer_id, subscription_id, subject, description, category, coverage, status, platform_flags)
      select gen_random_uuid(), serial + 1000, customer_id, subscription_id, subject, description, category, coverage, 'OPEN', platform_flags from ticket`);
    await check();

    // Folding keeps the sums and leaves at most one row per status.
    await db.query('select ticket_status_tally_fold()');
    const rows = Number((await db.query(`select count(*) from ticket_status_tally`)).rows[0].count);
    expect(rows).toBeLessThanOrEqual(STATUSES.length);
    await check();

    await db.query(`delete from ticket where serial > 1000`);
    await check();
  });
});
