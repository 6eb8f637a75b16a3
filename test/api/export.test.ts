import { parse } from 'csv-parse/sync';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMerchant, createStaff, createTestApp, type Merchant, type TestApp } from '../support/test-app';

/**
 * The CSV exports as a support lead uses them: a period, the list's own filter, a file a
 * spreadsheet opens without running anything, and a record of who downloaded what.
 */
let app: TestApp;
let merchant: Merchant;
let agent: Awaited<ReturnType<typeof createStaff>>;
const numbers: Record<string, string> = {};

async function download(path: string, token: string | null, query: Record<string, string>) {
  const url = new URL(path, app.url);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    disposition: response.headers.get('content-disposition'),
    text: await response.text(),
  };
}

const rows = (text: string) => parse(text, { columns: true }) as Array<Record<string, string>>;

async function file(key: string, subject: string, environment?: Record<string, unknown>) {
  const created = await merchant.sdk.TicketCreate({
    input: {
      subject,
      description: 'Something is wrong with the store since the update.',
      category: 'BUG_FIX' as never,
      ...(environment ? { environment: environment as never } : {}),
    },
  });
  numbers[key] = created.ticketCreate.ticket!.number;
  app.setNow(app.now().plus({ minutes: 1 }));
}

const PERIOD = { from: '2026-03-01', to: '2026-04-01' };

beforeAll(async () => {
  app = await createTestApp();
  agent = await createStaff(app, 'AGENT');
  app.setNow('2026-02-27T10:00:00-05:00');
  merchant = await createMerchant(app);
  await file('february', 'Filed before the period');
  app.setNow('2026-03-03T05:00:00-05:00');
  await file('formula', '=HYPERLINK("http://evil.example","Click")', { platform: 'MIJOSHOP', opencartVersion: '3.0.3.8' });
  await file('plus', '+1 shipping rate', { platform: 'NATIVE', opencartVersion: '4.0.2.3' });
  await file('minus', '-2 items in cart, "quoted", with, commas', { platform: 'NATIVE', opencartVersion: '4.0.2.3' });
  await file('at', '@SUM(A1:A9) in the invoice', { platform: 'NATIVE', opencartVersion: '4.0.2.3' });
  const refund = await merchant.sdk.RefundRequest({ input: { subscriptionId: merchant.subscriptionId, reason: 'STOLEN_CARD' as never } });
  expect(refund.refundRequest.userErrors, JSON.stringify(refund.refundRequest.userErrors)).toEqual([]);
});
afterAll(() => app?.close());

describe('GET /export/tickets.csv', () => {
  it('streams the tickets created in the period, oldest first, with a header row', async () => {
    const response = await download('/export/tickets.csv', agent.token, PERIOD);
    expect(response.status).toBe(200);
    expect(response.type).toMatch(/^text\/csv/);
    expect(response.disposition).toBe('attachment; filename="tickets_2026-03-01_2026-04-01.csv"');
    const table = rows(response.text);
    expect(table.map((row) => row.number)).toEqual([numbers.formula, numbers.plus, numbers.minus, numbers.at]);
    const plus = table[1]!;
    expect(plus).toMatchObject({
      status: 'AWAITING_ACCESS',
      category: 'BUG_FIX',
      platform: 'NATIVE',
      opencart_version: '4.0.2.3',
      opencart_line: '4.x',
      customer_email: expect.stringMatching(/@shop\.test$/),
    });
    expect(Date.parse(plus.created_at!)).toBe(Date.parse('2026-03-03T10:01:00Z'));
  });

  it('writes cells a spreadsheet would run as formulas as text, and quotes the rest as CSV does', async () => {
    const subjects = rows((await download('/export/tickets.csv', agent.token, PERIOD)).text).map((row) => row.subject);
    expect(subjects).toEqual([
      `'=HYPERLINK("http://evil.example","Click")`,
      `'+1 shipping rate`,
      `'-2 items in cart, "quoted", with, commas`,
      `'@SUM(A1:A9) in the invoice`,
    ]);
  });

  it("takes the list's own filter, with its checks", async () => {
    const mijoshop = rows((await download('/export/tickets.csv', agent.token, { ...PERIOD, filter: JSON.stringify({ platforms: ['MIJOSHOP'] }) })).text);
    expect(mijoshop.map((row) => row.number)).toEqual([numbers.formula]);
    expect(mijoshop[0]!.flags).toContain('NON_NATIVE_PORT');
    const searched = rows((await download('/export/tickets.csv', agent.token, { ...PERIOD, filter: JSON.stringify({ search: 'invoice' }) })).text);
    expect(searched.map((row) => row.number)).toEqual([numbers.at]);

    const unknown = await download('/export/tickets.csv', agent.token, { ...PERIOD, filter: JSON.stringify({ platform: 'NATIVE' }) });
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.text).errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringContaining('platform') });
    const tooLong = await download('/export/tickets.csv', agent.token, { ...PERIOD, filter: JSON.stringify({ search: 'x'.repeat(201) }) });
    expect(tooLong.status).toBe(400);
    const badPeriod = await download('/export/tickets.csv', agent.token, { from: '2026-04-01', to: 'next week' });
    expect(badPeriod.status).toBe(400);
  });

  it('is for staff only', async () => {
    expect((await download('/export/tickets.csv', null, PERIOD)).status).toBe(401);
    expect((await download('/export/tickets.csv', 'ocs_not-a-real-token', PERIOD)).status).toBe(401);
    const asMerchant = await download('/export/tickets.csv', merchant.token, PERIOD);
    expect(asMerchant.status).toBe(403);
    expect(asMerchant.text).not.toContain(numbers.plus!);
  });

  it('records who exported what, when, and how many rows', async () => {
    const client = new pg.Client({ connectionString: app.databaseUrl });
    await client.connect();
    try {
      await client.query('delete from data_export');
      await download('/export/tickets.csv', agent.token, { ...PERIOD, filter: JSON.stringify({ opencartVersions: ['4.0.2.3'] }) });
      await download('/export/tickets.csv', merchant.token, PERIOD);
      const { rows: records } = await client.query(
        `select e.kind, e.filter, e.period_from, e.period_to, e.row_count, e.finished_at, s.email from data_export e join staff_member s on s.id = e.staff_member_id`,
      );
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ kind: 'tickets', filter: { opencartVersions: ['4.0.2.3'] }, row_count: 3 });
      expect(records[0].finished_at).not.toBeNull();
      expect(new Date(records[0].period_from).toISOString()).toBe('2026-03-01T00:00:00.000Z');
      expect(records[0].email).toMatch(/^staff/);
    } finally {
      await client.end();
    }
  });
});

describe('GET /export/refunds.csv', () => {
  it('lists the refunds requested in the period, filtered like refunds(filter:)', async () => {
    const table = rows((await download('/export/refunds.csv', app.adminToken, PERIOD)).text);
    expect(table).toHaveLength(1);
    expect(table[0]).toMatchObject({
      status: 'APPROVED',
      reason: 'STOLEN_CARD',
      rule: 'STOLEN_CARD_NO_QUESTIONS',
      customer_email: expect.stringMatching(/@shop\.test$/),
    });
    expect(table[0]!.amount).toMatch(/^\d+$/);
    expect(Date.parse(table[0]!.requested_at!)).toBe(Date.parse('2026-03-03T10:04:00Z'));

    const byRule = (rules: string[]) => JSON.stringify({ rules });
    expect(rows((await download('/export/refunds.csv', app.adminToken, { ...PERIOD, filter: byRule(['ONE_PER_PERIOD']) })).text)).toEqual([]);
    expect(rows((await download('/export/refunds.csv', app.adminToken, { ...PERIOD, filter: byRule(['STOLEN_CARD_NO_QUESTIONS']) })).text)).toHaveLength(1);
    expect(rows((await download('/export/refunds.csv', app.adminToken, { from: '2026-04-01', to: '2026-05-01' })).text)).toEqual([]);
  });

  it('the refunds list takes the same rule and date filters', async () => {
    const count = async (filter: Record<string, unknown>) => {
      const { body } = await app.raw('query($filter: RefundFilter) { refunds(first: 10, filter: $filter) { totalCount } }', { filter }, app.adminToken);
      expect(body.errors).toBeUndefined();
      return body.data!.refunds.totalCount as number;
    };
    expect(await count({ rules: ['STOLEN_CARD_NO_QUESTIONS'] })).toBe(1);
    expect(await count({ rules: ['ONE_PER_PERIOD', 'CURRENT_PERIOD_ONLY'] })).toBe(0);
    expect(await count({ requestedAfter: '2026-03-03T09:00:00Z', requestedBefore: '2026-03-03T11:00:00Z' })).toBe(1);
    expect(await count({ requestedAfter: '2026-03-03T11:00:00Z' })).toBe(0);
    expect(await count({ decidedAfter: '2026-03-03T09:00:00Z', decidedBefore: '2026-03-04T00:00:00Z' })).toBe(1);
    expect(await count({ decidedBefore: '2026-03-03T09:00:00Z' })).toBe(0);
    // A merchant's own refunds only, with the same filters.
    const other = await createMerchant(app);
    const { body } = await app.raw('query { refunds(first: 10, filter: { rules: [STOLEN_CARD_NO_QUESTIONS] }) { totalCount } }', {}, other.token);
    expect(body.data!.refunds.totalCount).toBe(0);
  });
});
