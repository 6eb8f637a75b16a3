import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opencartLine } from '../../server/modules/platform/opencart-version';
import { gql } from '../support/helpdesk';
import { BanReason, PlanKind, RefundReason, RefundStatus, TicketCategory, TicketStatus } from '../sdk/generated';
import { createMerchant, createStaff, createTestApp, DEFAULT_NOW, type Merchant, type TestApp } from '../support/test-app';

/**
 * supportStats reads roll-ups kept by triggers (ticket_stats_fact, allowance_usage). Every way
 * the API writes a ticket is taken here, one after another; after each, the roll-ups must equal
 * a rebuild from the rows, and the dashboard's figures must equal counts made directly over the
 * tickets (and the API's own allowance per subscription).
 */
let app: TestApp;
let db: pg.Client;
let dev: Awaited<ReturnType<typeof createStaff>>;
let dev2: Awaited<ReturnType<typeof createStaff>>;
let premium: Merchant & { email: string };
let leaving: Merchant & { email: string };
let oneTime: Merchant;
const PERIOD = { from: '2026-01-01T00:00:00Z', to: '2026-06-01T00:00:00Z' };

beforeAll(async () => {
  app = await createTestApp({ now: DEFAULT_NOW });
  db = new pg.Client({ connectionString: app.databaseUrl });
  await db.connect();
  dev = await createStaff(app, 'AGENT', 'DEVELOPMENT');
  dev2 = await createStaff(app, 'AGENT', 'DEVELOPMENT');
  const email = () => `rollup-${randomUUID().slice(0, 8)}@shop.test`;
  const premiumEmail = email();
  premium = { ...(await createMerchant(app, { email: premiumEmail })), email: premiumEmail };
  const leavingEmail = email();
  leaving = { ...(await createMerchant(app, { email: leavingEmail })), email: leavingEmail };
  oneTime = await createMerchant(app, { plan: PlanKind.OneTimeFix });
}, 60_000);
afterAll(async () => {
  await db?.end();
  await app?.close();
});

let minute = 0;
/** Each write a minute after the previous one, so every step has its own instant. */
function tick() {
  minute += 7;
  app.setNow(DEFAULT_NOW.plus({ minutes: minute }));
}

async function file(merchant: Merchant, opencartVersion: string, category = TicketCategory.BugFix): Promise<string> {
  tick();
  const created = await merchant.sdk.TicketCreate({
    input: {
      subject: `Blank checkout on ${opencartVersion}`,
      description: 'Guests who pay with PayPal see a blank page.',
      category,
      environment: { opencartVersion, phpVersion: '8.1.27' } as never,
    },
  });
  expect(created.ticketCreate.userErrors).toEqual([]);
  const id = created.ticketCreate.ticket!.id;
  await app.admin.TicketAccessWaive({ input: { ticketId: id, reason: 'Screenshots are enough.' } });
  return id;
}

/** Incremental roll-ups equal a rebuild from the rows (taken in a transaction that is rolled back). */
async function expectRollupsEqualRebuild(): Promise<void> {
  await db.query('begin');
  try {
    await db.query(`create temporary table fact_before on commit drop as select * from ticket_stats_fact`);
    // A window emptied by a move keeps its row at 0; a rebuild writes no row for it.
    await db.query(`create temporary table usage_before on commit drop as select * from allowance_usage where used <> 0`);
    // Per-day cells and counts of minutes: one emptied by a change keeps its row at 0.
    await db.query(
      `create temporary table daily_before on commit drop as select * from ticket_stats_daily
        where tickets <> 0 or first_reply_met <> 0 or first_reply_breached <> 0 or resolution_met <> 0 or resolution_breached <> 0`,
    );
    await db.query(`create temporary table minutes_before on commit drop as select * from ticket_stats_minutes where tickets <> 0`);
    await db.query(`select stats_rollups_rebuild()`);
    const fact = await db.query(
      `select count(*)::int as n from ((table fact_before except table ticket_stats_fact) union all (table ticket_stats_fact except table fact_before)) d`,
    );
    const usage = await db.query(
      `select count(*)::int as n from ((table usage_before except table allowance_usage) union all (table allowance_usage except table usage_before)) d`,
    );
    const daily = await db.query(
      `select count(*)::int as n from ((table daily_before except table ticket_stats_daily) union all (table ticket_stats_daily except table daily_before)) d`,
    );
    const minutes = await db.query(
      `select count(*)::int as n from ((table minutes_before except table ticket_stats_minutes) union all (table ticket_stats_minutes except table minutes_before)) d`,
    );
    const rows = await db.query(`select (select count(*) from ticket_stats_fact)::int as facts, (select count(*) from ticket)::int as tickets`);
    expect({
      factRowsDiffering: fact.rows[0].n,
      usageRowsDiffering: usage.rows[0].n,
      dailyRowsDiffering: daily.rows[0].n,
      minuteCountsDiffering: minutes.rows[0].n,
    }).toEqual({ factRowsDiffering: 0, usageRowsDiffering: 0, dailyRowsDiffering: 0, minuteCountsDiffering: 0 });
    expect(rows.rows[0].facts).toBe(rows.rows[0].tickets);
  } finally {
    await db.query('rollback');
  }
}

const STATS = `query($period: StatsPeriodInput!) { supportStats(period: $period, bucket: MONTH) {
  backlog { total byStatus { key count } byAssignee { key count } byWaitingReason { key count } }
  volume { total byCategory { key count } byOpencartLine { key count } }
  responseTimes { firstReply { count median } resolution { count median } }
  slaAttainment { firstReply { total { met breached running } } resolution { total { met breached running } } }
  allowance { atLimit { subscriptionId used limit } ticketsPerCustomer { tickets customers } }
} }`;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = (sorted.length - 1) / 2;
  return (sorted[Math.floor(mid)]! + sorted[Math.ceil(mid)]!) / 2;
}

/** The dashboard's figures against counts made here from the ticket rows and the API's own views. */
async function expectStatsMatchTickets(): Promise<void> {
  const stats = (await gql(app, app.adminToken, STATS, { period: PERIOD })).supportStats;
  const { rows: tickets } = await db.query(
    `select id, customer_id, status::text, assignee_id, category::text, environment, first_reply_minutes, resolution_minutes, first_reply_at, resolved_at
       from ticket where created_at >= $1 and created_at < $2`,
    [PERIOD.from, PERIOD.to],
  );
  const open = tickets.filter((t) => t.status !== 'RESOLVED' && t.status !== 'CLOSED');
  expect(stats.backlog.total).toBe(open.length);
  const byStatus: Record<string, number> = {};
  for (const t of open) byStatus[t.status] = (byStatus[t.status] ?? 0) + 1;
  expect(Object.fromEntries(stats.backlog.byStatus.map((row: { key: string; count: number }) => [row.key, row.count]))).toEqual(byStatus);
  expect(stats.backlog.byAssignee.reduce((sum: number, row: { count: number }) => sum + row.count, 0)).toBe(open.length);

  expect(stats.volume.total).toBe(tickets.length);
  const byLine: Record<string, number> = {};
  for (const t of tickets) {
    const line = opencartLine(t.environment?.opencartVersion ?? '') ?? 'UNKNOWN';
    byLine[line] = (byLine[line] ?? 0) + 1;
  }
  expect(Object.fromEntries(stats.volume.byOpencartLine.map((row: { key: string; count: number }) => [row.key, row.count]))).toEqual(byLine);
  const byCategory: Record<string, number> = {};
  for (const t of tickets) byCategory[t.category] = (byCategory[t.category] ?? 0) + 1;
  expect(Object.fromEntries(stats.volume.byCategory.map((row: { key: string; count: number }) => [row.key, row.count]))).toEqual(byCategory);

  const replied = tickets.filter((t) => t.first_reply_at !== null).map((t) => t.first_reply_minutes as number);
  const resolved = tickets.filter((t) => t.resolved_at !== null).map((t) => t.resolution_minutes as number);
  expect(stats.responseTimes.firstReply).toEqual({ count: replied.length, median: median(replied) });
  expect(stats.responseTimes.resolution).toEqual({ count: resolved.length, median: median(resolved) });

  // Each ticket's own SLA view, as the API shows it (a target closed without being reached counts in none).
  const listed = (
    await gql(app, app.adminToken, `{ tickets(first: 100) { nodes { status sla { firstReply { met breached } resolution { met breached } } } } }`)
  ).tickets.nodes as { status: string; sla: Record<'firstReply' | 'resolution', { met: boolean; breached: boolean }> }[];
  expect(listed.length).toBe(tickets.length);
  const sla = { firstReply: { met: 0, breached: 0, running: 0 }, resolution: { met: 0, breached: 0, running: 0 } };
  for (const t of listed) {
    for (const target of ['firstReply', 'resolution'] as const) {
      const finished = target === 'firstReply' ? ['RESOLVED', 'CLOSED'] : ['CLOSED'];
      if (t.sla[target].breached) sla[target].breached += 1;
      else if (t.sla[target].met) sla[target].met += 1;
      else if (!finished.includes(t.status)) sla[target].running += 1;
    }
  }
  expect(stats.slaAttainment.firstReply.total).toEqual(sla.firstReply);
  expect(stats.slaAttainment.resolution.total).toEqual(sla.resolution);

  const perCustomer: Record<string, number> = {};
  for (const t of tickets) perCustomer[t.customer_id] = (perCustomer[t.customer_id] ?? 0) + 1;
  const distribution: Record<number, number> = {};
  for (const n of Object.values(perCustomer)) distribution[n] = (distribution[n] ?? 0) + 1;
  expect(stats.allowance.ticketsPerCustomer).toEqual(
    Object.entries(distribution)
      .map(([tickets, customers]) => ({ tickets: Number(tickets), customers }))
      .sort((a, b) => a.tickets - b.tickets),
  );
  // At the limit: exactly the subscriptions whose own allowance has nothing left.
  const full: string[] = [];
  for (const m of [premium, leaving, oneTime]) {
    const detail = await gql(app, app.adminToken, `query($id: ID!) { node(id: $id) { ... on PlanSubscription { status allowance { remaining } } } }`, {
      id: m.subscriptionId,
    });
    if (detail.node.status === 'ACTIVE' && detail.node.allowance?.remaining === 0) full.push(m.subscriptionId);
  }
  expect(stats.allowance.atLimit.map((row: { subscriptionId: string }) => row.subscriptionId).sort()).toEqual(full.sort());
}

const ids: Record<string, string> = {};

describe('supportStats roll-ups follow every write path', () => {
  it('filing tickets', async () => {
    ids.a = await file(premium, '3.0.3.8');
    ids.b = await file(premium, '4.0.2.3', TicketCategory.StoreConfiguration);
    ids.dup = await file(premium, '4.0.2.3');
    ids.c = await file(leaving, '1.5.6.4');
    ids.d = await file(leaving, 'v2.3.0.2');
    ids.fix = await file(oneTime, '3.0.4.0');
    await expectRollupsEqualRebuild();
    await expectStatsMatchTickets();
  });

  it('replies, status changes, reassignment and reclassification', async () => {
    tick();
    await dev.sdk.TicketReply({ input: { ticketId: ids.a!, body: 'We are looking at the PayPal callback.' } });
    await app.admin.TicketAssign({ input: { ticketId: ids.b!, assigneeId: dev.id } });
    tick();
    await dev.sdk.TicketReply({ input: { ticketId: ids.b!, body: 'Which shipping module?' } });
    await dev.sdk.TicketStatusChange({ input: { ticketId: ids.b!, status: TicketStatus.WaitingOnCustomer } });
    await expectRollupsEqualRebuild();
    tick();
    await app.admin.TicketAssign({ input: { ticketId: ids.b!, assigneeId: dev2.id } });
    const reclassified = await gql(
      app,
      app.adminToken,
      `mutation($input: TicketReclassifyInput!) { ticketReclassify(input: $input) { userErrors { message } } }`,
      { input: { ticketId: ids.c!, category: TicketCategory.ModuleConfiguration, reason: 'It is the module settings.' } },
    );
    expect(reclassified.ticketReclassify.userErrors).toEqual([]);
    tick();
    await dev.sdk.TicketStatusChange({ input: { ticketId: ids.a!, status: TicketStatus.Resolved } });
    tick();
    await dev.sdk.TicketStatusChange({ input: { ticketId: ids.a!, status: TicketStatus.Closed } });
    await expectRollupsEqualRebuild();
    await expectStatsMatchTickets();
  });

  it('a merge', async () => {
    tick();
    const merged = await gql(app, dev.token, `mutation($input: TicketMergeInput!) { ticketMerge(input: $input) { userErrors { message } } }`, {
      input: { ticketId: ids.dup!, intoTicketId: ids.b!, reason: 'Filed twice.' },
    });
    expect(merged.ticketMerge.userErrors).toEqual([]);
    await expectRollupsEqualRebuild();
    await expectStatsMatchTickets();
  });

  it('a refund decided and a ban', async () => {
    tick();
    const requested = await premium.sdk.RefundRequest({
      input: { subscriptionId: premium.subscriptionId, reason: RefundReason.StolenCard, details: 'The card was stolen.' },
    });
    expect(requested.refundRequest.userErrors).toEqual([]);
    if (requested.refundRequest.refund?.status === RefundStatus.Pending) {
      const decided = await app.admin.RefundDecide({ input: { refundId: requested.refundRequest.refund.id, decision: RefundStatus.Approved } });
      expect(decided.refundDecide.userErrors).toEqual([]);
    }
    await expectRollupsEqualRebuild();
    tick();
    const banned = await app.admin.CustomerBan({ input: { customerId: leaving.customerId, reason: BanReason.Abuse, note: 'Insulted the team.' } });
    expect(banned.customerBan.userErrors).toEqual([]);
    await expectRollupsEqualRebuild();
    await expectStatsMatchTickets();
  });

  it('an erasure', async () => {
    tick();
    const erased = await gql(app, app.adminToken, `mutation($input: CustomerEraseInput!) { customerErase(input: $input) { userErrors { message } } }`, {
      input: { customerId: leaving.customerId, confirmEmail: leaving.email },
    });
    expect(erased.customerErase.userErrors).toEqual([]);
    await expectRollupsEqualRebuild();
    await expectStatsMatchTickets();
  });

  it('the allowance fills up and is given back (a one-time fix, then a withdrawal)', async () => {
    // The one-time fix's purchase allows one ticket: it is at its limit.
    await expectStatsMatchTickets();
    tick();
    const withdrawn = await gql(app, oneTime.token, `mutation($input: TicketWithdrawInput!) { ticketWithdraw(input: $input) { userErrors { message } } }`, {
      input: { ticketId: ids.fix! },
    });
    expect(withdrawn.ticketWithdraw.userErrors).toEqual([]);
    await expectRollupsEqualRebuild();
    await expectStatsMatchTickets();
  });

  it('bulk SQL (a data fix by hand, a copied ticket) and a deleted ticket', async () => {
    const oldest = (await db.query(`select id from ticket order by created_at limit 1`)).rows[0].id;
    await db.query(`update ticket set environment = jsonb_build_object('opencartVersion', '4.1.0.0', 'platform', 'OCSTORE'), team = 'SUPPORT' where id = $1`, [
      oldest,
    ]);
    await expectRollupsEqualRebuild();
    const copy = await db.query(
      `insert into ticket select (jsonb_populate_record(null::ticket, to_jsonb(t) || jsonb_build_object('id', gen_random_uuid(), 'serial', 900001, 'idempotency_key', null))).*
         from ticket t where t.id = $1 returning id`,
      [oldest],
    );
    await expectRollupsEqualRebuild();
    await expectStatsMatchTickets();
    await db.query(`delete from ticket where id = $1`, [copy.rows[0].id]);
    await expectRollupsEqualRebuild();
    await expectStatsMatchTickets();
  });

  it("a plan's allowance changed by hand: the windows at the limit follow it", async () => {
    const plan = `(select s.plan_id from subscription s join customer c on c.id = s.customer_id where c.email = $1)`;
    const { rows } = await db.query(`select ticket_allowance from plan where id = ${plan}`, [premium.email]);
    try {
      // Down to what the Premium merchant has used: at the limit now, as its own allowance says.
      await db.query(
        `update plan set ticket_allowance = (select max(u.used) from allowance_usage u join subscription s on s.id = u.subscription_id join customer c on c.id = s.customer_id where c.email = $1)
          where id = ${plan}`,
        [premium.email],
      );
      await expectRollupsEqualRebuild();
      await expectStatsMatchTickets();
    } finally {
      await db.query(`update plan set ticket_allowance = $2 where id = ${plan}`, [premium.email, rows[0].ticket_allowance]);
    }
    await expectRollupsEqualRebuild();
    await expectStatsMatchTickets();
  });
});

describe('supportStats in the query cost limits', () => {
  const dashboard = (alias: string, from: string, to: string) => `${alias}: supportStats(period: { from: "${from}", to: "${to}" }, bucket: MONTH) {
    slaAttainment { firstReply { total { met } } } responseTimes { firstReply { median } } backlog { total } volume { total } allowance { atLimitCount } refunds { total } }`;
  async function refusedCost(copies: number, from: string, to: string): Promise<number> {
    const query = `{ ${Array.from({ length: copies }, (_, i) => dashboard(`s${i}`, from, to)).join('\n')} }`;
    const r = await app.raw(query, {}, app.adminToken);
    expect(r.status).toBe(400);
    expect(r.body.errors![0]!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', caller: 'staff' });
    return Number(r.body.errors![0]!.extensions!.cost) / copies;
  }

  it('each section weighs once per started quarter of the period: two years cost eight quarters', async () => {
    const quarter = await refusedCost(25, '2026-01-01T00:00:00Z', '2026-04-01T00:00:00Z');
    const twoYears = await refusedCost(3, '2024-06-01T00:00:00Z', '2026-06-01T00:00:00Z');
    // The root field costs 1; what it holds is multiplied.
    expect(twoYears - 1).toBe(8 * (quarter - 1));
    const one = await app.raw(`{ ${dashboard('one', '2024-06-01T00:00:00Z', '2026-06-01T00:00:00Z')} }`, {}, app.adminToken);
    expect(one.body.errors).toBeUndefined();
  });
});
