import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatError } from '../../server/app/http';
import { TicketCategory, TicketOrder, TicketPriority, TicketStatus } from '../sdk/generated';
import { createMerchant, createTestApp, type Merchant, type TestApp } from '../support/test-app';

let app: TestApp;
let merchant: Merchant;
const ids: string[] = [];

beforeAll(async () => {
  app = await createTestApp();
  merchant = await createMerchant(app);
  const categories = [TicketCategory.BugFix, TicketCategory.ModuleConfiguration, TicketCategory.ThemeCustomisation];
  for (let i = 0; i < 7; i += 1) {
    app.setNow(app.now().plus({ minutes: 10 }));
    const r = await merchant.sdk.TicketCreate({
      input: {
        subject: `Ticket ${i}`,
        description: 'Enough words to describe the problem.',
        category: categories[i % 3]!,
        priority: i === 5 ? TicketPriority.Urgent : TicketPriority.Normal,
      },
    });
    ids.push(r.ticketCreate.ticket!.id);
  }
});
afterAll(() => app?.close());

describe('Relay connections', () => {
  it('pages with first/after without overlap or gaps, newest first', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof merchant.sdk.Tickets>> = await merchant.sdk.Tickets({ first: 3, after });
      expect(page.tickets.totalCount).toBe(7);
      seen.push(...page.tickets.edges.map((e) => e.node.id));
      after = page.tickets.pageInfo.hasNextPage ? page.tickets.pageInfo.endCursor! : null;
      pages += 1;
    } while (after);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  it('filters by status and category, by created range, and orders by urgency', async () => {
    const custom = await merchant.sdk.Tickets({ first: 10, filter: { categories: [TicketCategory.ThemeCustomisation] } });
    expect(custom.tickets.totalCount).toBe(2);
    const waiting = await merchant.sdk.Tickets({ first: 10, filter: { statuses: [TicketStatus.AwaitingAccess] } });
    expect(waiting.tickets.totalCount).toBe(7);
    const none = await merchant.sdk.Tickets({ first: 10, filter: { statuses: [TicketStatus.Resolved] } });
    expect(none.tickets.totalCount).toBe(0);
    const urgent = await merchant.sdk.Tickets({ first: 1, orderBy: TicketOrder.MostUrgent });
    expect(urgent.tickets.edges[0]!.node.subject).toBe('Ticket 5');
    const all = await merchant.sdk.Tickets({ first: 10 });
    const third = all.tickets.edges[4]!.node.createdAt;
    const older = await merchant.sdk.Tickets({ first: 10, filter: { createdBefore: third } });
    expect(older.tickets.totalCount).toBe(2);
  });

  it('first must be 1 to 100, and a foreign cursor is refused clearly', async () => {
    const tooMany = await app.raw(`{ tickets(first: 101) { totalCount } }`, {}, merchant.token);
    expect(tooMany.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(tooMany.body.errors![0]!.message).toContain('first must be at most 100');
    const bogus = await app.raw(`{ tickets(first: 5, after: "not-a-cursor") { totalCount } }`, {}, merchant.token);
    expect(bogus.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });
});

describe('inputs, errors and IDs', () => {
  it('invalid mutation input comes back as userErrors naming each field, and nothing is written', async () => {
    const before = (await merchant.sdk.Tickets({ first: 1 })).tickets.totalCount;
    const r = await merchant.sdk.TicketCreate({ input: { subject: 'x', description: 'short', category: TicketCategory.BugFix } });
    expect(r.ticketCreate.ticket).toBeNull();
    expect(r.ticketCreate.userErrors).toEqual([
      { field: ['input', 'subject'], message: 'subject must be 3 to 200 characters', code: 'INVALID' },
      { field: ['input', 'description'], message: 'description must be 10 to 50000 characters', code: 'INVALID' },
    ]);
    expect((await merchant.sdk.Tickets({ first: 1 })).tickets.totalCount).toBe(before);
  });

  it('global IDs are opaque and typed: a customer ID is not a ticket ID', async () => {
    expect(ids[0]).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}/);
    const wrongType = await merchant.sdk.TicketReply({ input: { ticketId: merchant.customerId, body: 'hello' } });
    expect(wrongType.ticketReply.userErrors[0]).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'ticketId'] });
    const nodes = await app.raw(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [ids[0], 'garbage', ids[1]] }, merchant.token);
    expect(nodes.body.data!.nodes.map((n: { id: string } | null) => n?.id ?? null)).toEqual([ids[0], null, ids[1]]);
  });

  it('faults are masked: no stack, no SQL, no internals reach the client', () => {
    const leaked = new GraphQLError('insert into "ticket" failed: duplicate key value violates unique constraint', {
      originalError: new Error('select * from secret_table'),
    });
    const formatted = formatError({ message: leaked.message, extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] } }, leaked);
    expect(formatted).toEqual({ message: 'Internal server error', locations: undefined, path: undefined, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('every request gets a request id, echoed in a header and in the JSON log, with no token in the log', async () => {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${merchant.token}`, 'x-request-id': 'trace-123' },
      body: JSON.stringify({ query: '{ viewer { kind } }' }),
    });
    expect(response.headers.get('x-request-id')).toBe('trace-123');
    const lines = app.logs.map((l) => JSON.parse(l) as { req?: { id?: string } });
    expect(lines.some((l) => l.req?.id === 'trace-123')).toBe(true);
    expect(app.logs.join('\n')).not.toContain(merchant.token);
    expect(app.logs.join('\n')).not.toContain(app.adminToken);
  });

  it('client mistakes that would reach the database are refused clearly, and the log keeps no merchant text', async () => {
    const marker = 'Zq7-private-merchant-text';
    const nul = await app.raw(
      `mutation($i: TicketCreateInput!) { ticketCreate(input: $i) { ticket { id } userErrors { code field message } } }`,
      { i: { subject: 'Bad\u0000byte', description: `${marker} with enough words`, category: 'BUG_FIX' } },
      merchant.token,
    );
    // In a mutation it is invalid input like any other: a userError naming the field.
    expect(nul.body.errors).toBeUndefined();
    expect(nul.body.data!.ticketCreate.ticket).toBeNull();
    expect(nul.body.data!.ticketCreate.userErrors).toEqual([{ code: 'INVALID', field: ['input', 'subject'], message: expect.stringMatching(/NUL/) }]);
    const inQuery = await app.raw(`query($z: String!) { supportHours(zone: $z) { open } }`, { z: 'Europe/Ber\u0000lin' });
    expect(inQuery.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(app.logs.join('\n')).not.toContain(marker);

    const staffPage = await app.raw(`{ staffMembers(first: 1) { pageInfo { endCursor } } }`, {}, app.adminToken);
    const foreign = staffPage.body.data!.staffMembers.pageInfo.endCursor;
    const r = await app.raw(`query($a: String) { tickets(first: 5, after: $a) { totalCount } }`, { a: foreign }, app.adminToken);
    expect(r.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('nested input is validated too: the reported environment', async () => {
    const r = await app.raw(
      `mutation($i: TicketCreateInput!) { ticketCreate(input: $i) { ticket { id } userErrors { field message code } } }`,
      {
        i: {
          subject: 'Nested',
          description: 'Checking nested validation.',
          category: 'BUG_FIX',
          environment: { platform: 'NATIVE', opencartVersion: 'x'.repeat(500), extensions: [{ kind: 'EXTENSION', code: 'm', name: 'M', targetLine: 'bogus' }] },
        },
      },
      merchant.token,
    );
    expect(r.body.data!.ticketCreate.ticket).toBeNull();
    expect(r.body.data!.ticketCreate.userErrors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: ['input', 'environment', 'opencartVersion'], code: 'INVALID' }),
        { field: ['input', 'environment', 'extensions', '0', 'targetLine'], message: 'targetLine must be one of 1.5, 2.x, 3.0, 4.x', code: 'INVALID' },
      ]),
    );
  });

  it('two requests racing to create the same customer: one succeeds, the other is told TAKEN', async () => {
    const create = () => app.admin.CustomerCreate({ input: { email: 'race@shop.test', name: 'Racer' } });
    const results = await Promise.all([create(), create(), create()]);
    expect(results.filter((r) => r.customerCreate.customer).length).toBe(1);
    expect(results.flatMap((r) => r.customerCreate.userErrors.map((e) => e.code))).toEqual(['TAKEN', 'TAKEN']);
  });

  it('the health endpoint reports the database', async () => {
    const r = await fetch(`${app.url}/healthz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: 'ok', database: 'ok' });
  });
});
