import { DateTime } from 'luxon';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opencartLine } from '../../server/modules/platform/opencart-version';
import { BanReason, Platform, PlanKind, RefundReason, RefundStatus, TicketCategory, TicketStatus } from '../sdk/generated';
import { createMerchant, createStaff, createTestApp, type Merchant, type TestApp } from '../support/test-app';

/**
 * Fixed history over five weeks of February–March 2026 in New York: Presidents' Day (Monday
 * February 16, a US federal holiday: support is closed) and the switch to summer time (Sunday
 * March 8). Every figure of supportStats is compared with a count made here from the tickets as
 * the API shows them one by one (their own `sla` view, computed by the SLA clock in JavaScript),
 * and a few with durations worked out by hand.
 */
const NY = 'America/New_York';
const at = (iso: string) => DateTime.fromISO(iso, { zone: NY });
const PERIOD = { from: '2026-02-09T00:00:00.000-05:00', to: '2026-03-16T00:00:00.000-04:00' };
const NOW = at('2026-03-11T06:00');

let app: TestApp;
let db: pg.Client;
let dev: Awaited<ReturnType<typeof createStaff>>;
let support: Awaited<ReturnType<typeof createStaff>>;
let premium: Merchant;
let premium2: Merchant;
let oneTime: Merchant;
let busy: Merchant;
const ids: Record<string, string> = {};

async function file(
  merchant: Merchant,
  when: string,
  input: { category?: TicketCategory; environment?: Record<string, unknown> | null; subject?: string; description?: string },
) {
  app.setNow(at(when));
  const created = await merchant.sdk.TicketCreate({
    input: {
      subject: input.subject ?? 'Checkout page is blank',
      description: input.description ?? 'Guests who pay with PayPal see a blank page after confirming the order.',
      category: input.category ?? TicketCategory.BugFix,
      ...(input.environment === null
        ? {}
        : { environment: (input.environment ?? { platform: Platform.Native, opencartVersion: '3.0.3.8', phpVersion: '8.1.27' }) as never }),
    },
  });
  expect(created.ticketCreate.userErrors).toEqual([]);
  return created.ticketCreate.ticket!.id;
}

async function waive(id: string) {
  const r = await app.admin.TicketAccessWaive({ input: { ticketId: id, reason: 'Screenshots are enough for this one.' } });
  expect(r.ticketAccessWaive.userErrors).toEqual([]);
}

async function reply(staff: typeof dev, id: string, when: string) {
  app.setNow(at(when));
  const r = await staff.sdk.TicketReply({ input: { ticketId: id, body: 'We are looking into it and will report back shortly.' } });
  expect(r.ticketReply.userErrors).toEqual([]);
}

async function setStatus(staff: typeof dev, id: string, status: TicketStatus, when: string) {
  app.setNow(at(when));
  const r = await staff.sdk.TicketStatusChange({ input: { ticketId: id, status } });
  expect(r.ticketStatusChange.userErrors).toEqual([]);
}

beforeAll(async () => {
  app = await createTestApp({ now: at('2026-01-20T05:00') });
  db = new pg.Client({ connectionString: app.databaseUrl });
  await db.connect();
  dev = await createStaff(app, 'AGENT', 'DEVELOPMENT');
  support = await createStaff(app, 'AGENT', 'SUPPORT');
  const contract = { contractStart: at('2026-01-15T00:00'), months: 6 };
  premium = await createMerchant(app, contract);
  premium2 = await createMerchant(app, contract);
  busy = await createMerchant(app, contract);
  oneTime = await createMerchant(app, { plan: PlanKind.OneTimeFix, contractStart: at('2026-01-15T00:00') });

  // Friday before Presidents' Day, 11:00: one support hour that day, none on the holiday.
  ids.friday = await file(premium, '2026-02-13T11:00', {});
  await waive(ids.friday);
  await app.admin.TicketAssign({ input: { ticketId: ids.friday, assigneeId: dev.id } });
  await reply(dev, ids.friday, '2026-02-17T03:30'); // 60 + 30 = 90 support minutes: met
  await setStatus(dev, ids.friday, TicketStatus.Resolved, '2026-02-17T05:00'); // 60 + 120 = 180: met

  // Filed on the holiday itself: the clock starts on Tuesday 03:00, and a Wednesday 04:00 reply is late (600).
  ids.holiday = await file(premium, '2026-02-16T09:00', {
    category: TicketCategory.ModuleConfiguration,
    environment: { platform: Platform.Native, opencartVersion: '4.0.2.3', phpVersion: '8.2.10' },
  });
  await waive(ids.holiday);
  await app.admin.TicketAssign({ input: { ticketId: ids.holiday, assigneeId: dev.id } });
  await reply(dev, ids.holiday, '2026-02-18T04:00');

  // Monday of the week before the switch to summer time: late reply (480 + 120 = 600), late resolution.
  ids.late = await file(premium2, '2026-03-02T04:00', { environment: { platform: Platform.Native, opencartVersion: '3.0.2.0', phpVersion: '7.4.33' } });
  await waive(ids.late);
  await app.admin.TicketAssign({ input: { ticketId: ids.late, assigneeId: dev.id } });
  await reply(dev, ids.late, '2026-03-03T05:00');
  await setStatus(dev, ids.late, TicketStatus.Resolved, '2026-03-04T04:00');

  // A one-time fix on a MijoShop port, Friday 10:00 EST; replied Monday 04:00 EDT: 120 + 60 = 180 across the DST switch.
  ids.port = await file(oneTime, '2026-03-06T10:00', {
    category: TicketCategory.ModuleConfiguration,
    environment: { platform: Platform.Mijoshop, opencartVersion: '1.5.6.4', phpVersion: '5.6.40' },
  });
  await waive(ids.port);
  await app.admin.TicketAssign({ input: { ticketId: ids.port, assigneeId: support.id } });
  await reply(support, ids.port, '2026-03-09T04:00');

  // Monday after the switch: answered in 30 minutes, then waits on the merchant.
  ids.question = await file(premium, '2026-03-09T03:00', { environment: { platform: Platform.Native, opencartVersion: '4.1.0.0', phpVersion: '8.3.4' } });
  await waive(ids.question);
  await reply(dev, ids.question, '2026-03-09T03:30');
  await setStatus(dev, ids.question, TicketStatus.WaitingOnCustomer, '2026-03-09T03:31');

  // Not in English, no environment, no access yet: waits for access, its clock never started.
  ids.german = await file(premium2, '2026-03-10T05:00', {
    environment: null,
    subject: 'Kasse zeigt eine leere Seite',
    description: 'Seit dem letzten Update sehen Gäste, die mit PayPal bezahlen, nach der Bestellung nur eine leere Seite. Bitte helfen Sie uns schnell.',
  });

  // Filed and withdrawn before any reply: neither met, breached nor running.
  ids.withdrawn = await file(premium2, '2026-03-10T06:00', { environment: { platform: Platform.Native, opencartVersion: '3.0.3.8', phpVersion: '8.1.27' } });
  const withdrawn = await premium2.sdk.TicketWithdraw({ input: { ticketId: ids.withdrawn, reason: 'Fixed it myself.' } as never });
  expect(withdrawn.ticketWithdraw.userErrors).toEqual([]);

  // A merchant who used the whole month's allowance (10 tickets), waiting for access.
  for (let i = 0; i < 10; i += 1) {
    await file(busy, `2026-03-10T07:${String(i).padStart(2, '0')}`, {
      category: TicketCategory.InstallationSetup,
      environment: { platform: Platform.Ocstore, opencartVersion: '2.3.0.2.3', phpVersion: '7.1.33' },
    });
  }

  // Filed an hour before "now" with the clock running: its first reply is due Thursday 05:00 (420 + 120).
  ids.fresh = await file(premium, '2026-03-11T05:00', { category: TicketCategory.PaymentProviderConfiguration });
  await waive(ids.fresh);

  // Refunds: the late guaranteed reply, and a stolen card; one ban.
  app.setNow(at('2026-03-05T05:00'));
  const late = await premium2.sdk.RefundRequest({
    input: { subscriptionId: premium2.subscriptionId, reason: RefundReason.ServiceNotDelivered, details: 'The guaranteed reply came a day late.' },
  });
  expect(late.refundRequest.userErrors).toEqual([]);
  await app.admin.RefundDecide({ input: { refundId: late.refundRequest.refund!.id, decision: RefundStatus.Approved } });
  app.setNow(at('2026-03-10T08:00'));
  const stolen = await oneTime.sdk.RefundRequest({ input: { subscriptionId: oneTime.subscriptionId, reason: RefundReason.StolenCard } });
  expect(stolen.refundRequest.userErrors).toEqual([]);
  const banned = await createMerchant(app, contract);
  await app.admin.CustomerBan({ input: { customerId: banned.customerId, reason: BanReason.Abuse, note: 'Threatened the staff repeatedly.' } });

  app.setNow(NOW);
}, 120_000);

afterAll(async () => {
  await db?.end();
  await app?.close();
});

const STATS = `
  query Stats($period: StatsPeriodInput!, $bucket: StatsBucket!, $filter: SupportStatsFilter) {
    supportStats(period: $period, bucket: $bucket, filter: $filter) {
      period { from to bucket zone asOf }
      slaAttainment {
        firstReply { ...Target }
        resolution { ...Target }
      }
      backlog {
        total
        byStatus { key count } byTeam { key count } byAssignee { key label count } byAge { key count } byWaitingReason { key count }
      }
    }
  }
  fragment Counts on SlaFigures { met breached running rate }
  fragment Target on SlaTargetStats {
    total { ...Counts }
    byBucket { bucketStart ...Counts }
    byAssignee { key label ...Counts }
    byTeam { key ...Counts }
    byCategory { key ...Counts }
    byPlanKind { key ...Counts }
    byGuarantee { key ...Counts }
  }`;

interface ApiTicket {
  id: string;
  createdAt: string;
  status: string;
  team: string;
  category: string;
  slaGuaranteed: boolean;
  assignee: { id: string; name: string } | null;
  subscription: { plan: { kind: string } };
  sla: {
    firstReply: { met: boolean; breached: boolean; minutesTaken: number | null };
    resolution: { met: boolean; breached: boolean; minutesTaken: number | null };
  };
}

async function allTickets(): Promise<ApiTicket[]> {
  const r = await app.raw(
    `{ tickets(first: 100) { totalCount nodes { id createdAt status team category slaGuaranteed assignee { id name } subscription { plan { kind } }
        sla { firstReply { met breached minutesTaken } resolution { met breached minutesTaken } } } } }`,
    {},
    app.adminToken,
  );
  expect(r.body.errors).toBeUndefined();
  expect(r.body.data!.tickets.totalCount).toBeLessThanOrEqual(100);
  return r.body.data!.tickets.nodes;
}

async function stats(variables: Record<string, unknown>, token = app.adminToken) {
  const r = await app.raw(STATS, { period: PERIOD, bucket: 'WEEK', ...variables }, token);
  if (r.body.errors)
    console.log(
      app.logs
        .filter((l) => /"level":50/.test(l))
        .slice(-2)
        .join('\n')
        .slice(0, 3000),
    );
  expect(r.body.errors).toBeUndefined();
  return r.body.data!.supportStats;
}

/** The state the ticket's own SLA view gives a target (null: closed without reaching it). */
function stateOf(ticket: ApiTicket, target: 'firstReply' | 'resolution'): 'MET' | 'BREACHED' | 'RUNNING' | null {
  const view = ticket.sla[target];
  if (view.breached) return 'BREACHED';
  if (view.met) return 'MET';
  const finished = target === 'firstReply' ? ['RESOLVED', 'CLOSED'] : ['CLOSED'];
  return finished.includes(ticket.status) ? null : 'RUNNING';
}

function countStates(tickets: ApiTicket[], target: 'firstReply' | 'resolution') {
  const states = tickets.map((t) => stateOf(t, target));
  const met = states.filter((s) => s === 'MET').length;
  const breached = states.filter((s) => s === 'BREACHED').length;
  return { met, breached, running: states.filter((s) => s === 'RUNNING').length, rate: met + breached ? met / (met + breached) : null };
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

const inPeriod = (t: ApiTicket) =>
  DateTime.fromISO(t.createdAt) >= DateTime.fromISO(PERIOD.from) && DateTime.fromISO(t.createdAt) < DateTime.fromISO(PERIOD.to);
const weekOf = (t: ApiTicket) => DateTime.fromISO(t.createdAt).setZone(NY).startOf('week').toISO()!;

describe('supportStats: SLA attainment', () => {
  it("counts met, breached and running targets as each ticket's own SLA view shows them, per week and per group", async () => {
    const tickets = (await allTickets()).filter(inPeriod);
    expect(tickets.length).toBe(18);
    const s = await stats({});
    expect(s.period).toEqual({ from: PERIOD.from, to: PERIOD.to, bucket: 'WEEK', zone: NY, asOf: NOW.toISO() });
    for (const target of ['firstReply', 'resolution'] as const) {
      const got = s.slaAttainment[target];
      expect(got.total).toEqual(countStates(tickets, target));
      const weeks = [...groupBy(tickets, weekOf)].sort(([a], [b]) => a.localeCompare(b));
      expect(got.byBucket).toEqual(weeks.map(([week, group]) => ({ bucketStart: week, ...countStates(group, target) })));
      const expectGroups = (rows: unknown, key: (t: ApiTicket) => string) =>
        expect(rows).toEqual(
          [...groupBy(tickets, key)]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, group]) => expect.objectContaining({ key: k, ...countStates(group, target) })),
        );
      expectGroups(got.byAssignee, (t) => t.assignee?.id ?? 'UNASSIGNED');
      expectGroups(got.byTeam, (t) => t.team);
      expectGroups(got.byCategory, (t) => t.category);
      expectGroups(got.byPlanKind, (t) => t.subscription.plan.kind);
      expectGroups(got.byGuarantee, (t) => (t.slaGuaranteed ? 'GUARANTEED' : 'BEST_EFFORT'));
    }
  });

  it('cuts weeks at Monday midnight New York time, across the DST switch, and knows the holiday', async () => {
    const s = await stats({});
    expect(s.slaAttainment.firstReply.byBucket.map((b: { bucketStart: string }) => b.bucketStart)).toEqual([
      '2026-02-09T00:00:00.000-05:00',
      '2026-02-16T00:00:00.000-05:00',
      '2026-03-02T00:00:00.000-05:00',
      '2026-03-09T00:00:00.000-04:00',
    ]);
    // Worked out by hand: the Friday ticket's 90-minute reply is met (the holiday is not counted),
    // the holiday ticket's Wednesday reply is late.
    const [friday, holiday] = s.slaAttainment.firstReply.byBucket;
    expect(friday).toMatchObject({ met: 1, breached: 0, running: 0, rate: 1 });
    expect(holiday).toMatchObject({ met: 0, breached: 1, running: 0, rate: 0 });
    // The holiday ticket was never resolved: its resolution budget (one support day) ran out while running.
    expect(s.slaAttainment.resolution.byBucket[1]).toMatchObject({ met: 0, breached: 1, running: 0 });
  });

  it('a running target turns breached once its stored due time passes, without any write', async () => {
    const before = (await stats({})).slaAttainment.firstReply.byBucket.at(-1);
    app.setNow(at('2026-03-12T04:59'));
    try {
      expect((await stats({})).slaAttainment.firstReply.byBucket.at(-1)).toEqual(before);
      app.setNow(at('2026-03-12T05:00'));
      const after = await stats({});
      expect(after.slaAttainment.firstReply.byBucket.at(-1)).toEqual({
        ...before,
        running: before.running - 1,
        breached: before.breached + 1,
        rate: before.met / (before.met + before.breached + 1),
      });
      expect(after.slaAttainment.firstReply.total).toEqual(countStates((await allTickets()).filter(inPeriod), 'firstReply'));
    } finally {
      app.setNow(NOW);
    }
  });

  it('filters narrow every figure: team, assignee, category, plan kind, platform, OpenCart line', async () => {
    const tickets = (await allTickets()).filter(inPeriod);
    const envs = new Map<string, { platform: string | null; version: string | null }>(
      (await db.query(`select id, environment->>'platform' as platform, environment->>'opencartVersion' as version from ticket`)).rows.map((r) => [r.id, r]),
    );
    const dbId = (t: ApiTicket) => Buffer.from(t.id, 'base64url').toString('utf8').split(':')[1]!;
    const cases: [Record<string, unknown>, (t: ApiTicket) => boolean][] = [
      [{ team: 'SUPPORT' }, (t) => t.team === 'SUPPORT'],
      [{ assigneeId: dev.id }, (t) => t.assignee?.id === dev.id],
      [{ category: 'MODULE_CONFIGURATION' }, (t) => t.category === 'MODULE_CONFIGURATION'],
      [{ planKind: 'ONE_TIME_FIX' }, (t) => t.subscription.plan.kind === 'ONE_TIME_FIX'],
      [{ platform: 'MIJOSHOP' }, (t) => envs.get(dbId(t))?.platform === 'MIJOSHOP'],
      [{ opencartLine: '3.0' }, (t) => opencartLine(envs.get(dbId(t))?.version ?? '') === '3.0'],
      [{ opencartLine: '2.x', team: 'DEVELOPMENT' }, (t) => opencartLine(envs.get(dbId(t))?.version ?? '') === '2.x' && t.team === 'DEVELOPMENT'],
    ];
    for (const [filter, keep] of cases) {
      const s = await stats({ filter });
      const expected = tickets.filter(keep);
      expect(expected.length, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(s.slaAttainment.firstReply.total, JSON.stringify(filter)).toEqual(countStates(expected, 'firstReply'));
      expect(s.slaAttainment.resolution.total, JSON.stringify(filter)).toEqual(countStates(expected, 'resolution'));
    }
  });
});

describe('supportStats: backlog now', () => {
  it('counts unfinished tickets by status, team, assignee, support-day age and what they wait for', async () => {
    const r = await app.raw(
      `{ tickets(first: 100) { nodes { id status team createdAt assignee { id } accessState quote { status } portReview { pending surchargeStatus } } } }`,
      {},
      app.adminToken,
    );
    const open = (r.body.data!.tickets.nodes as any[]).filter((t) => !['RESOLVED', 'CLOSED'].includes(t.status));
    const s = await stats({});
    const b = s.backlog;
    expect(b.total).toBe(open.length);
    const counts = (key: (t: any) => string) =>
      [...groupBy(open, key)].map(([k, g]) => ({ key: k, count: g.length })).sort((x, y) => y.count - x.count || x.key.localeCompare(y.key));
    expect(b.byStatus).toEqual(counts((t) => t.status));
    expect(b.byTeam).toEqual(counts((t) => t.team));
    expect(b.byAssignee.map(({ key, count }: any) => ({ key, count }))).toEqual(counts((t) => t.assignee?.id ?? 'UNASSIGNED'));
    const waiting = (t: any) =>
      t.status === 'AWAITING_ACCESS'
        ? 'ACCESS'
        : t.portReview?.pending || t.portReview?.surchargeStatus === 'PENDING'
          ? 'PORT_DECISION'
          : t.quote?.status === 'PENDING'
            ? 'QUOTE'
            : t.status === 'WAITING_ON_CUSTOMER'
              ? 'CUSTOMER'
              : 'SUPPORT';
    expect(b.byWaitingReason).toEqual(counts(waiting));
    // Age in support days at Wednesday 2026-03-11 06:00 EDT (180 support minutes into the day), by hand:
    // the ten filed Tue 03-10 07:00-07:09 → 300 + 180 < 540 → 0-1, and the one filed an hour ago; the German one, Tue 05:00 → 420 + 180 = 600 → 1-2;
    // Mon 03-09 03:00 → 540 + 540 + 180 = 1260 → 2-3; Fri 03-06 10:00 EST → 120 + 540 + 540 + 180 = 1380 → 2-3;
    // filed on the holiday, 02-16 → 10+.
    expect(b.byAge).toEqual([
      { key: '0-1', count: 11 },
      { key: '1-2', count: 1 },
      { key: '2-3', count: 2 },
      { key: '10+', count: 1 },
    ]);
  });
});

describe('supportStats: who may ask', () => {
  it('merchants are refused with FORBIDDEN, anonymous callers with UNAUTHENTICATED', async () => {
    const merchant = await app.raw(`query($p: StatsPeriodInput!) { supportStats(period: $p) { period { zone } } }`, { p: PERIOD }, premium.token);
    expect(merchant.body.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect(merchant.body.data?.supportStats ?? null).toBeNull();
    const anonymous = await app.raw(`query($p: StatsPeriodInput!) { supportStats(period: $p) { period { zone } } }`, { p: PERIOD }, null);
    expect(anonymous.body.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
  });

  it('an empty or too long period is refused as bad input', async () => {
    const backwards = await app.raw(
      `query($p: StatsPeriodInput!) { supportStats(period: $p) { period { zone } } }`,
      { p: { from: PERIOD.to, to: PERIOD.from } },
      app.adminToken,
    );
    expect(backwards.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    const years = await app.raw(
      `query($p: StatsPeriodInput!) { supportStats(period: $p, bucket: DAY) { period { zone } } }`,
      { p: { from: '2024-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } },
      app.adminToken,
    );
    expect(years.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(years.body.errors![0]!.message).toContain('at most 366 buckets');
  });
});

/** percentile_cont: linear interpolation between the two nearest ranks. */
function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = p * (sorted.length - 1);
  const low = Math.floor(pos);
  const high = Math.ceil(pos);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (pos - low);
}

const SECTIONS = `
  query Sections($period: StatsPeriodInput!, $bucket: StatsBucket!, $filter: SupportStatsFilter) {
    supportStats(period: $period, bucket: $bucket, filter: $filter) {
      responseTimes {
        firstReply { count median p90 } resolution { count median p90 }
        byBucket { bucketStart firstReply { count median p90 } resolution { count median p90 } }
      }
      volume {
        total byCategory { key count } byCoverage { key count } byPlatform { key count } byOpencartLine { key count }
        byOpencartVersion { key count } byPhpVersion { key count } byFlag { key count }
      }
      allowance { atLimitCount atLimit { customerId name subscriptionId planKind used limit } ticketsPerCustomer { tickets customers } }
      refunds { total byBucket { bucketStart rule decision count amount { amount currencyCode } } bansByReason { key count } }
    }
  }`;

async function sections(variables: Record<string, unknown> = {}) {
  const r = await app.raw(SECTIONS, { period: PERIOD, bucket: 'WEEK', ...variables }, app.adminToken);
  expect(r.body.errors).toBeUndefined();
  return r.body.data!.supportStats;
}

describe('supportStats: reply and resolution times', () => {
  it('median and p90 in support minutes, per week and over the period, as the tickets show them', async () => {
    const tickets = (await allTickets()).filter(inPeriod);
    const summary = (group: ApiTicket[], target: 'firstReply' | 'resolution') => {
      const minutes = group
        .map((t) => t.sla[target])
        .filter((v) => v.met)
        .map((v) => v.minutesTaken!);
      return { count: minutes.length, median: percentile(minutes, 0.5), p90: percentile(minutes, 0.9) };
    };
    const s = await sections();
    expect(s.responseTimes.firstReply).toEqual(summary(tickets, 'firstReply'));
    expect(s.responseTimes.resolution).toEqual(summary(tickets, 'resolution'));
    const weeks = [...groupBy(tickets, weekOf)].sort(([a], [b]) => a.localeCompare(b));
    expect(s.responseTimes.byBucket).toEqual(
      weeks.map(([week, group]) => ({ bucketStart: week, firstReply: summary(group, 'firstReply'), resolution: summary(group, 'resolution') })),
    );
    // By hand: Friday 11:00 → Tuesday 03:30 across Presidents' Day is 90 support minutes, resolved at 180.
    expect(s.responseTimes.byBucket[0]).toEqual({
      bucketStart: '2026-02-09T00:00:00.000-05:00',
      firstReply: { count: 1, median: 90, p90: 90 },
      resolution: { count: 1, median: 180, p90: 180 },
    });
    // The week before the DST switch: 600 (late) and the MijoShop ticket's 180 across the switch.
    expect(s.responseTimes.byBucket[2].firstReply).toEqual({ count: 2, median: 390, p90: 558 });
  });
});

describe('supportStats: volume', () => {
  it("counts the period's tickets by category, coverage, platform, line, version, PHP and flags", async () => {
    const r = await app.raw(`{ tickets(first: 100) { nodes { id createdAt category coverage platformFlags notEnglish } } }`, {}, app.adminToken);
    const tickets = (r.body.data!.tickets.nodes as any[]).filter((t) => inPeriod(t));
    const env = new Map<string, any>((await db.query(`select id, environment from ticket`)).rows.map((row) => [row.id, row.environment]));
    const envOf = (t: any) => env.get(Buffer.from(t.id, 'base64url').toString('utf8').split(':')[1]!) ?? null;
    const counts = (keys: string[]) =>
      [...groupBy(keys, (k) => k)].map(([key, g]) => ({ key, count: g.length })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
    const v = (await sections()).volume;
    expect(v.total).toBe(tickets.length);
    expect(v.byCategory).toEqual(counts(tickets.map((t) => t.category)));
    expect(v.byCoverage).toEqual(counts(tickets.map((t) => t.coverage)));
    expect(v.byPlatform).toEqual(counts(tickets.map((t) => envOf(t)?.platform ?? 'UNKNOWN')));
    expect(v.byOpencartLine).toEqual(counts(tickets.map((t) => opencartLine(envOf(t)?.opencartVersion ?? '') ?? 'UNKNOWN')));
    expect(v.byOpencartVersion).toEqual(counts(tickets.map((t) => envOf(t)?.opencartVersion ?? 'UNKNOWN')));
    expect(v.byPhpVersion).toEqual(counts(tickets.map((t) => /^\d+\.\d+/.exec(envOf(t)?.phpVersion ?? '')?.[0] ?? 'UNKNOWN')));
    expect(v.byFlag).toEqual(counts([...tickets.flatMap((t) => t.platformFlags), ...tickets.filter((t) => t.notEnglish).map(() => 'NOT_ENGLISH')]));
    expect(v.byFlag).toContainEqual({ key: 'NOT_ENGLISH', count: 1 });
    expect(v.byPlatform).toContainEqual({ key: 'OCSTORE', count: 10 });
    expect(v.byOpencartLine).toContainEqual({ key: '1.5', count: 1 });
  });
});

describe('supportStats: allowance', () => {
  it('lists the subscriptions whose current allowance is used up, and tickets per customer', async () => {
    const merchants = [premium, premium2, busy, oneTime];
    const details = await Promise.all(merchants.map((m) => app.admin.SubscriptionDetail({ id: m.subscriptionId })));
    const full = details.map((d) => d.node as any).filter((s) => s.status === 'ACTIVE' && s.allowance && s.allowance.remaining === 0);
    const a = (await sections()).allowance;
    expect(a.atLimitCount).toBe(full.length);
    expect(a.atLimit.map((x: any) => x.subscriptionId).sort()).toEqual(full.map((s) => s.id).sort());
    expect(a.atLimit).toContainEqual(
      expect.objectContaining({ subscriptionId: busy.subscriptionId, customerId: busy.customerId, planKind: 'PREMIUM_MONTHLY', used: 10, limit: 10 }),
    );
    const r = await app.raw(`{ tickets(first: 100) { nodes { createdAt customer { id } } } }`, {}, app.adminToken);
    const perCustomer = [
      ...groupBy(
        (r.body.data!.tickets.nodes as any[]).filter((t) => inPeriod(t)),
        (t) => t.customer.id,
      ).values(),
    ].map((g) => g.length);
    expect(a.ticketsPerCustomer).toEqual(
      [...groupBy(perCustomer, String)].map(([n, g]) => ({ tickets: Number(n), customers: g.length })).sort((x, y) => x.tickets - y.tickets),
    );
    // Only the plan kind narrows the allowance.
    const oneTimeOnly = (await sections({ filter: { planKind: 'ONE_TIME_FIX' } })).allowance;
    expect(oneTimeOnly.atLimit.every((x: any) => x.planKind === 'ONE_TIME_FIX')).toBe(true);
  });

  it('pages through the subscriptions at their limit, most used first, each once', async () => {
    const PAGE = `query($period: StatsPeriodInput!, $after: String) { supportStats(period: $period, bucket: WEEK) {
      allowance(atLimitFirst: 1, atLimitAfter: $after) { atLimitCount atLimitEndCursor atLimit { subscriptionId name used } } } }`;
    // Premium lowered to one ticket a month for this check (by hand: no mutation edits a plan), so several are at the limit.
    const { rows } = await db.query(`select ticket_allowance from plan where kind = 'PREMIUM_MONTHLY'`);
    await db.query(`update plan set ticket_allowance = 1 where kind = 'PREMIUM_MONTHLY'`);
    try {
      const whole = (await sections()).allowance;
      expect(whole.atLimitCount).toBeGreaterThanOrEqual(3);
      expect(whole.atLimit).toHaveLength(whole.atLimitCount);
      const paged: { subscriptionId: string; used: number }[] = [];
      let after: string | null = null;
      do {
        const r = await app.raw(PAGE, { period: PERIOD, after }, app.adminToken);
        expect(r.body.errors).toBeUndefined();
        const page: any = r.body.data!.supportStats.allowance;
        expect(page.atLimitCount).toBe(whole.atLimitCount);
        expect(page.atLimit).toHaveLength(1);
        paged.push(...page.atLimit);
        after = page.atLimitEndCursor;
      } while (after && paged.length <= whole.atLimitCount);
      expect(paged.map((x) => x.subscriptionId)).toEqual(whole.atLimit.map((x: any) => x.subscriptionId));
      expect(paged.map((x) => x.used)).toEqual([...paged.map((x) => x.used)].sort((a, b) => b - a));
      const bad = await app.raw(PAGE, { period: PERIOD, after: 'not-a-cursor' }, app.adminToken);
      expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    } finally {
      await db.query(`update plan set ticket_allowance = $1 where kind = 'PREMIUM_MONTHLY'`, [rows[0].ticket_allowance]);
    }
  });
});

describe('supportStats: refunds and bans', () => {
  it('counts refund requests and their amounts by week, rule and decision, and bans by reason', async () => {
    const { rows } = await db.query(`select created_at, rule::text, status::text, currency, amount from refund`);
    const expected = [
      ...groupBy(rows, (row) => [DateTime.fromJSDate(row.created_at).setZone(NY).startOf('week').toISO(), row.rule, row.status, row.currency].join('|')),
    ]
      .map(([key, g]) => {
        const [bucketStart, rule, decision, currency] = key.split('|');
        return { bucketStart, rule, decision, count: g.length, amount: { amount: g.reduce((sum, row) => sum + row.amount, 0), currencyCode: currency } };
      })
      .sort((x, y) => x.bucketStart!.localeCompare(y.bucketStart!) || x.rule!.localeCompare(y.rule!));
    const s = (await sections()).refunds;
    expect(rows.length).toBe(2);
    expect(s.total).toBe(2);
    expect(s.byBucket).toEqual(expected);
    expect(s.byBucket.map((b: any) => b.decision)).toContain('APPROVED');
    expect(s.bansByReason).toEqual([{ key: 'ABUSE', count: 1 }]);
    // A period without them counts none.
    const r = await app.raw(SECTIONS, { period: { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' }, bucket: 'MONTH' }, app.adminToken);
    expect(r.body.data!.supportStats.refunds).toEqual({ total: 0, byBucket: [], bansByReason: [] });
  });
});

describe('supportStats: query cost', () => {
  const FULL = `{ supportStats(period: { from: "${PERIOD.from}", to: "${PERIOD.to}" }) {
    slaAttainment { firstReply { total { met } byAssignee { key met } } }
    responseTimes { firstReply { median } } backlog { total } volume { total } allowance { atLimitCount } refunds { total } } }`;

  it("each section counts as a database query in the operation's cost, so a dashboard fits and a flood of them does not", async () => {
    const one = await app.raw(FULL, {}, app.adminToken);
    expect(one.body.errors).toBeUndefined();
    // 30 aliased copies (the most root fields a staff operation may have) cost over staff's 10000.
    const many = `{ ${Array.from({ length: 30 }, (_, i) => `s${i}: ${FULL.slice(2, -2)}`).join('\n')} }`;
    const refused = await app.raw(many, {}, app.adminToken);
    expect(refused.status).toBe(400);
    expect(refused.body.errors![0]!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', caller: 'staff' });
    expect(Number(refused.body.errors![0]!.extensions!.cost)).toBeGreaterThan(30 * 600);
  });
});
