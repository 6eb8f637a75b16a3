import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlanKind, TicketCategory, UserErrorCode } from '../sdk/generated';
import { spawnServer, type ServerProcess } from '../support/server-process';
import { createMerchant, createTestApp, type TestApp } from '../support/test-app';

const ticket = (n: number, category = TicketCategory.BugFix) => ({
  subject: `Problem number ${n}`,
  description: 'Something in the store does not work as it should.',
  category,
});

describe('"The monthly support is limited to 10 issues/tickets per month"', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app?.close());

  it('the 10th ticket is accepted and the 11th gets TICKET_LIMIT_REACHED saying when the allowance renews', async () => {
    const m = await createMerchant(app, { contractStart: DateTime.fromISO('2026-02-20T10:00:00-05:00') });
    for (let i = 1; i <= 10; i += 1) {
      const r = await m.sdk.TicketCreate({ input: ticket(i) });
      expect(r.ticketCreate.userErrors, `ticket ${i}`).toEqual([]);
    }
    const viewer = await m.sdk.Viewer();
    expect(viewer.viewer.customer!.allowance).toMatchObject({ used: 10, limit: 10, remaining: 0 });
    const eleventh = await m.sdk.TicketCreate({ input: ticket(11) });
    expect(eleventh.ticketCreate.ticket).toBeNull();
    expect(eleventh.ticketCreate.userErrors[0]!.code).toBe(UserErrorCode.TicketLimitReached);
    // The contract started on Feb 20 10:00 EST: the next month starts Mar 20 10:00 (EDT by then).
    expect(eleventh.ticketCreate.userErrors[0]!.message).toContain('20 March 2026, 10:00');
    expect(viewer.viewer.customer!.allowance!.renewsAt).toBe('2026-03-20T10:00:00.000-04:00');

    // A month later the allowance is fresh again.
    app.setNow(DateTime.fromISO('2026-03-20T10:00:00-04:00'));
    const renewed = await m.sdk.TicketCreate({ input: ticket(12) });
    expect(renewed.ticketCreate.userErrors).toEqual([]);
    app.setNow(DateTime.fromISO('2026-03-03T05:00:00-05:00'));
  });

  it('custom development uses no allowance: it can be filed with none left', async () => {
    const m = await createMerchant(app);
    for (let i = 1; i <= 10; i += 1) await m.sdk.TicketCreate({ input: ticket(i) });
    const custom = await m.sdk.TicketCreate({ input: ticket(11, TicketCategory.ThemeCustomisation) });
    expect(custom.ticketCreate.userErrors).toEqual([]);
    expect(custom.ticketCreate.ticket!.consumesAllowance).toBe(false);
    expect(custom.ticketCreate.notices.map((n) => n.code)).toContain('QUOTE_REQUIRED');
  });

  it('"a one time fix" allows exactly one ticket', async () => {
    const m = await createMerchant(app, { plan: PlanKind.OneTimeFix });
    expect((await m.sdk.TicketCreate({ input: ticket(1) })).ticketCreate.userErrors).toEqual([]);
    const second = await m.sdk.TicketCreate({ input: ticket(2) });
    expect(second.ticketCreate.userErrors[0]!.code).toBe(UserErrorCode.TicketLimitReached);
    expect(second.ticketCreate.userErrors[0]!.message).toMatch(/one-time fix covers exactly one ticket/i);
  });

  it('a customer with no active plan is refused with NO_ACTIVE_PLAN', async () => {
    const created = await app.admin.CustomerCreate({ input: { email: 'noplan@shop.test', name: 'No Plan' } });
    const key = await app.admin.MerchantApiKeyCreate({ input: { customerId: created.customerCreate.customer!.id, name: 'key' } });
    const r = await app.sdk(key.merchantApiKeyCreate.token).TicketCreate({ input: ticket(1) });
    expect(r.ticketCreate.userErrors[0]!.code).toBe(UserErrorCode.NoActivePlan);
  });

  it('a plan that ended is refused with PLAN_EXPIRED saying when; one that starts later says when it starts', async () => {
    const ended = await createMerchant(app, { contractStart: DateTime.fromISO('2025-11-10T09:00:00-05:00'), months: 2 });
    const late = await ended.sdk.TicketCreate({ input: ticket(1) });
    expect(late.ticketCreate.ticket).toBeNull();
    expect(late.ticketCreate.userErrors[0]!.code).toBe(UserErrorCode.PlanExpired);
    expect(late.ticketCreate.userErrors[0]!.message).toMatch(/ended on 10 January 2026.*Buy a one-time fix or Premium Support/);

    const early = await createMerchant(app, { contractStart: DateTime.fromISO('2026-03-16T00:00:00-04:00') });
    const notYet = await early.sdk.TicketCreate({ input: ticket(1) });
    expect(notYet.ticketCreate.userErrors[0]!.code).toBe(UserErrorCode.NoActivePlan);
    expect(notYet.ticketCreate.userErrors[0]!.message).toContain('starts on 16 March 2026');
  });

  it('server and external configuration is outside the agreement and refused', async () => {
    const m = await createMerchant(app);
    const r = await m.sdk.TicketCreate({ input: ticket(1, TicketCategory.ServerConfiguration) });
    expect(r.ticketCreate.userErrors[0]).toMatchObject({ code: UserErrorCode.OutsideAgreement, field: ['input', 'category'] });
  });

  it('ticketCreate with an idempotency key: a retry returns the first ticket and uses nothing more', async () => {
    const m = await createMerchant(app);
    const input = { ...ticket(1), idempotencyKey: 'module-submit-7f3a9c21' };
    const first = await m.sdk.TicketCreate({ input });
    const retry = await m.sdk.TicketCreate({ input });
    expect(retry.ticketCreate.ticket!.id).toBe(first.ticketCreate.ticket!.id);
    expect(retry.ticketCreate.notices.map((n) => n.code)).toContain('IDEMPOTENT_REPLAY');
    const viewer = await m.sdk.Viewer();
    expect(viewer.viewer.customer!.allowance!.used).toBe(1);
  });
});

describe('the limit holds under concurrency, across two server processes on one database', () => {
  let app: TestApp;
  let second: ServerProcess;
  beforeAll(async () => {
    // Both processes read the real clock here, so the contract must be current.
    app = await createTestApp({ now: DateTime.now().setZone('America/New_York') });
    second = await spawnServer({ DATABASE_URL: app.databaseUrl });
  }, 120_000);
  afterAll(async () => {
    await second?.stop();
    await app?.close();
  });

  it('30 simultaneous ticketCreate calls for one customer create exactly 10 tickets', async () => {
    const m = await createMerchant(app);
    const endpoints = [`${app.url}/graphql`, `${second.url}/graphql`];
    const query = `mutation($i: TicketCreateInput!) { ticketCreate(input: $i) { ticket { id } userErrors { code } } }`;
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, n) =>
        fetch(endpoints[n % 2]!, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${m.token}` },
          body: JSON.stringify({ query, variables: { i: ticket(n) } }),
        }).then((r) => r.json() as Promise<{ data: { ticketCreate: { ticket: { id: string } | null; userErrors: Array<{ code: string }> } } }>),
      ),
    );
    const created = results.filter((r) => r.data.ticketCreate.ticket);
    const refused = results.filter((r) => r.data.ticketCreate.userErrors[0]?.code === 'TICKET_LIMIT_REACHED');
    expect(created).toHaveLength(10);
    expect(refused).toHaveLength(20);
    const list = await m.sdk.Tickets({ first: 100 });
    expect(list.tickets.totalCount).toBe(10);
  });

  it('simultaneous retries with one idempotency key create one ticket', async () => {
    const m = await createMerchant(app);
    const endpoints = [`${app.url}/graphql`, `${second.url}/graphql`];
    const query = `mutation($i: TicketCreateInput!) { ticketCreate(input: $i) { ticket { id } userErrors { code } } }`;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, n) =>
        fetch(endpoints[n % 2]!, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${m.token}` },
          body: JSON.stringify({ query, variables: { i: { ...ticket(1), idempotencyKey: 'double-click-42abcdef' } } }),
        }).then((r) => r.json() as Promise<{ data: { ticketCreate: { ticket: { id: string } | null } } }>),
      ),
    );
    expect(new Set(results.map((r) => r.data.ticketCreate.ticket?.id)).size).toBe(1);
    expect((await m.sdk.Tickets({ first: 10 })).tickets.totalCount).toBe(1);
  });
});
