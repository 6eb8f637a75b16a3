import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileTicket, gql } from '../support/helpdesk';
import { createMerchant, createStaff, createTestApp, DEFAULT_NOW, type Merchant, type TestApp } from '../support/test-app';

/** The merchant rates a finished ticket: 1 to 5 and a comment, changeable for 7 days, shown to both sides. */
let app: TestApp;
let merchant: Merchant;
let agent: { id: string; token: string };

beforeAll(async () => {
  app = await createTestApp();
  merchant = await createMerchant(app);
  agent = await createStaff(app, 'AGENT');
});
afterAll(() => app?.close());

const RATE = `mutation($input: TicketRateInput!) { ticketRate(input: $input) {
  ticket { id satisfaction { rating comment ratedAt updatedAt changeableUntil } } userErrors { field message code } } }`;
const SHOWN_TO_MERCHANT = `query($id: ID!) { node(id: $id) { ... on Ticket { satisfaction { rating comment } } } }`;
const SHOWN = `query($id: ID!) { node(id: $id) { ... on Ticket { satisfaction { rating comment ratedAt changeableUntil } events(first: 100) { nodes { action details } } } } }`;

async function rate(token: string, input: Record<string, unknown>) {
  return (await gql(app, token, RATE, { input })).ticketRate;
}
async function resolvedTicket(m: Merchant = merchant) {
  const t = await fileTicket(app, m);
  await app.admin.TicketStatusChange({ input: { ticketId: t.id, status: 'RESOLVED' as never } });
  return t;
}

describe('rating a ticket', () => {
  it('a resolved ticket is rated once, with a comment; merchant and staff both see it; audited and published', async () => {
    app.setNow(DEFAULT_NOW);
    const t = await resolvedTicket();
    const r = await rate(merchant.token, { ticketId: t.id, rating: 4, comment: '  Quick and clear, thank you.  ' });
    expect(r.userErrors).toEqual([]);
    expect(r.ticket.satisfaction).toEqual({
      rating: 4,
      comment: 'Quick and clear, thank you.',
      ratedAt: DEFAULT_NOW.toUTC().toISO(),
      updatedAt: DEFAULT_NOW.toUTC().toISO(),
      // 7 × 24 hours: the clocks went forward on March 8 in New York, so that is 11:00 there.
      changeableUntil: DEFAULT_NOW.plus({ hours: 168 }).toUTC().toISO(),
    });
    const byStaff = (await gql(app, agent.token, SHOWN, { id: t.id })).node;
    expect(byStaff.satisfaction).toMatchObject({ rating: 4, comment: 'Quick and clear, thank you.' });
    // Facts only in the trail: the rating, never the merchant's words.
    expect(byStaff.events.nodes).toContainEqual({ action: 'TICKET_RATED', details: { rating: 4, previousRating: null, withComment: true } });
    const byMerchant = (
      await gql(
        app,
        merchant.token,
        `query($id: ID!) { node(id: $id) { ... on Ticket { satisfaction { rating } events(first: 100) { nodes { action } } } } }`,
        { id: t.id },
      )
    ).node;
    expect(byMerchant.satisfaction.rating).toBe(4);
    expect(byMerchant.events.nodes.map((e: { action: string }) => e.action)).toContain('TICKET_RATED');
    const published = await app.orm.em.fork().getConnection().execute(`select data from outbox_event where type = 'TICKET_RATED'`);
    expect(published).toContainEqual({ data: expect.objectContaining({ ticketNumber: t.number, rating: 4, previousRating: null }) });
  });

  it('can be changed for 7 days after it is given, then it is final', async () => {
    app.setNow(DEFAULT_NOW);
    const t = await resolvedTicket();
    await app.admin.TicketStatusChange({ input: { ticketId: t.id, status: 'CLOSED' as never } });
    expect((await rate(merchant.token, { ticketId: t.id, rating: 2 })).userErrors).toEqual([]);
    app.setNow(DEFAULT_NOW.plus({ days: 6 }));
    const changed = await rate(merchant.token, { ticketId: t.id, rating: 5, comment: 'It works now.' });
    expect(changed.userErrors).toEqual([]);
    expect(changed.ticket.satisfaction).toMatchObject({
      rating: 5,
      comment: 'It works now.',
      ratedAt: DEFAULT_NOW.toUTC().toISO(),
      updatedAt: DEFAULT_NOW.plus({ days: 6 }).toUTC().toISO(),
    });
    app.setNow(DEFAULT_NOW.plus({ hours: 168, minutes: 1 }));
    const late = await rate(merchant.token, { ticketId: t.id, rating: 1 });
    app.setNow(DEFAULT_NOW);
    expect(late.ticket).toBeNull();
    expect(late.userErrors[0]).toMatchObject({ code: 'CLOSED', field: ['input', 'ticketId'] });
    expect(late.userErrors[0].message).toMatch(/final: a rating can be changed for 7 days/);
    const shown = (await gql(app, agent.token, SHOWN, { id: t.id })).node;
    expect(shown.satisfaction).toMatchObject({ rating: 5, comment: 'It works now.' });
    expect(shown.events.nodes.filter((e: { action: string }) => e.action.startsWith('TICKET_RATING_CHANGED'))).toEqual([
      { action: 'TICKET_RATING_CHANGED', details: { rating: 5, previousRating: 2, withComment: true } },
    ]);
  });
});

describe('what cannot be rated', () => {
  it("a ticket still being worked on, another merchant's ticket, or a merged duplicate", async () => {
    const open = await fileTicket(app, merchant);
    const early = await rate(merchant.token, { ticketId: open.id, rating: 5 });
    expect(early.userErrors[0]).toMatchObject({ code: 'INVALID_TRANSITION', field: ['input', 'ticketId'] });
    expect(early.userErrors[0].message).toMatch(/not finished yet/);

    const other = await createMerchant(app);
    const theirs = await resolvedTicket(other);
    const foreign = await rate(merchant.token, { ticketId: theirs.id, rating: 1 });
    expect(foreign.userErrors[0]).toMatchObject({ code: 'NOT_FOUND' });
    expect((await gql(app, other.token, SHOWN_TO_MERCHANT, { id: theirs.id })).node.satisfaction).toBeNull();

    const target = await fileTicket(app, merchant);
    const duplicate = await fileTicket(app, merchant);
    await gql(app, agent.token, `mutation($input: TicketMergeInput!) { ticketMerge(input: $input) { userErrors { message } } }`, {
      input: { ticketId: duplicate.id, intoTicketId: target.id },
    });
    const merged = await rate(merchant.token, { ticketId: duplicate.id, rating: 3 });
    expect(merged.userErrors[0]).toMatchObject({ code: 'INVALID_TRANSITION' });
    expect(merged.userErrors[0].message).toBe(`${duplicate.number} was merged into ${target.number}: rate that ticket instead.`);
    expect((await gql(app, merchant.token, SHOWN_TO_MERCHANT, { id: open.id })).node.satisfaction).toBeNull();
  });

  it('ratings are 1 to 5, comments at most 2000 characters; staff cannot rate', async () => {
    const t = await resolvedTicket();
    for (const rating of [0, 6]) {
      const r = await rate(merchant.token, { ticketId: t.id, rating });
      expect(r.userErrors).toEqual([{ code: 'INVALID', field: ['input', 'rating'], message: 'rating must be 1 to 5' }]);
    }
    const long = await rate(merchant.token, { ticketId: t.id, rating: 3, comment: 'x'.repeat(2001) });
    expect(long.userErrors).toEqual([{ code: 'INVALID', field: ['input', 'comment'], message: 'comment must be at most 2000 characters' }]);
    const asStaff = await app.raw(RATE, { input: { ticketId: t.id, rating: 5 } }, agent.token);
    expect(asStaff.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gql(app, merchant.token, SHOWN_TO_MERCHANT, { id: t.id })).node.satisfaction).toBeNull();
  });
});

describe('ratings in supportStats', () => {
  const STATS = `query($period: StatsPeriodInput!, $filter: SupportStatsFilter) { supportStats(period: $period, bucket: WEEK, filter: $filter) {
    satisfaction { rated average withComment byRating { key count } byBucket { bucketStart rated average } } } }`;

  it('counts the ratings first given in the period, by rating and by week, as a direct count does; the filter applies', async () => {
    app.setNow(DEFAULT_NOW.plus({ days: 14 }));
    const later = await resolvedTicket();
    expect((await rate(merchant.token, { ticketId: later.id, rating: 1, comment: 'Too slow.' })).userErrors).toEqual([]);
    app.setNow(DEFAULT_NOW);
    const period = { from: DEFAULT_NOW.minus({ days: 30 }).toISO(), to: DEFAULT_NOW.plus({ days: 30 }).toISO() };
    const stats = (await gql(app, agent.token, STATS, { period })).supportStats.satisfaction;

    const direct = (await app.orm.em
      .fork()
      .getConnection()
      .execute(
        `select rating, count(*)::int as n, count(*) filter (where comment is not null)::int as c from ticket_satisfaction where created_at >= ? and created_at < ? group by rating`,
        [period.from, period.to],
      )) as Array<{ rating: number; n: number; c: number }>;
    const total = direct.reduce((sum, row) => sum + row.n, 0);
    expect(total).toBeGreaterThanOrEqual(3);
    expect(stats.rated).toBe(total);
    expect(stats.withComment).toBe(direct.reduce((sum, row) => sum + row.c, 0));
    expect(stats.byRating).toEqual([1, 2, 3, 4, 5].map((r) => ({ key: String(r), count: direct.find((row) => row.rating === r)?.n ?? 0 })));
    const sum = direct.reduce((acc, row) => acc + row.rating * row.n, 0);
    expect(stats.average).toBeCloseTo(sum / total, 2);
    // Two weeks apart: the later rating has a week of its own, starting Monday in the support zone.
    expect(stats.byBucket.at(-1)).toEqual({ bucketStart: '2026-03-16T00:00:00.000-04:00', rated: 1, average: 1 });
    expect(stats.byBucket.reduce((n: number, b: { rated: number }) => n + b.rated, 0)).toBe(total);

    const none = (await gql(app, agent.token, STATS, { period, filter: { category: 'THEME_CUSTOMISATION' } })).supportStats.satisfaction;
    expect(none).toMatchObject({ rated: 0, average: null, byBucket: [] });
    const merchantTry = await app.raw(STATS, { period }, merchant.token);
    expect(merchantTry.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
