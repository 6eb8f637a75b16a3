import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMerchant, createStaff, createTestApp, type Merchant, type TestApp } from '../support/test-app';

/**
 * Full-text search as a merchant and a support agent use it: words of the subject, the
 * description and the conversation find the ticket (English stemming), best match first, and
 * nobody finds what they may not read.
 */
let app: TestApp;
let olivia: Merchant;
let bruno: Merchant;
let agent: Awaited<ReturnType<typeof createStaff>>;
const ids: Record<string, string> = {};

const SEARCH = `query($filter: TicketFilter, $orderBy: TicketOrder, $first: Int, $after: String) {
  tickets(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    edges { cursor node { id number subject } }
    pageInfo { hasNextPage endCursor }
  }
}`;

async function file(merchant: Merchant, key: string, subject: string, description: string) {
  // A minute apart, as tickets are filed: NEWEST then has one order (same instants would fall to random ids).
  app.setNow(app.now().plus({ minutes: 1 }));
  const created = await merchant.sdk.TicketCreate({ input: { subject, description, category: 'BUG_FIX' as never } });
  ids[key] = created.ticketCreate.ticket!.id;
}

async function search(token: string, text: string, extra: Record<string, unknown> = {}) {
  const { body } = await app.raw(SEARCH, { filter: { search: text }, ...extra }, token);
  expect(body.errors).toBeUndefined();
  return body.data!.tickets as {
    totalCount: number;
    edges: Array<{ cursor: string; node: { id: string; subject: string } }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

const subjects = (page: Awaited<ReturnType<typeof search>>) => page.edges.map((edge) => edge.node.subject);

beforeAll(async () => {
  app = await createTestApp();
  agent = await createStaff(app, 'AGENT');
  olivia = await createMerchant(app);
  bruno = await createMerchant(app);
  await file(olivia, 'paypal', 'PayPal checkout shows a blank page', 'Guests paying at checkout see a white screen after the shipping step.');
  await file(olivia, 'invoice', 'Invoices are not emailed', 'Customers stopped receiving their invoice emails last week.');
  await file(olivia, 'shipping', 'Shipping rates wrong for Canada', 'The flat rate is applied twice; customers complain about the checkout total.');
  await file(bruno, 'bruno', 'Refunds button missing in admin', 'Our staff cannot find where refunds are issued for PayPal orders.');
  await app.admin.TicketReply({ input: { ticketId: ids.invoice!, body: 'Please check the mail settings; the SMTP password may have expired.' } });
  await olivia.sdk.TicketReply({ input: { ticketId: ids.invoice!, body: 'The SMTP host changed when we moved to a new server.' } });
  await app.admin.TicketReply({ input: { ticketId: ids.shipping!, body: 'Looks like the geozone overlap from the tax class; escalating.', internal: true } });
});
afterAll(() => app?.close());

describe('tickets(filter: { search })', () => {
  it('finds words of the subject, the description and replies, with English stemming', async () => {
    expect(subjects(await search(olivia.token, 'blank'))).toEqual(['PayPal checkout shows a blank page']);
    expect(subjects(await search(olivia.token, 'screens'))).toEqual(['PayPal checkout shows a blank page']);
    expect(subjects(await search(olivia.token, 'smtp host'))).toEqual(['Invoices are not emailed']);
    expect(subjects(await search(agent.token, 'refund'))).toEqual(['Refunds button missing in admin']);
    expect((await search(olivia.token, 'nothing-like-this-anywhere')).totalCount).toBe(0);
  });

  it('ranks a match in the subject above one in the description, by default with a search', async () => {
    const page = await search(agent.token, 'checkout');
    expect(page.totalCount).toBe(2);
    expect(subjects(page)).toEqual(['PayPal checkout shows a blank page', 'Shipping rates wrong for Canada']);
    // An explicit ordering still applies to the same matches.
    const newest = await search(agent.token, 'checkout', { orderBy: 'NEWEST' });
    expect(subjects(newest)).toEqual(['Shipping rates wrong for Canada', 'PayPal checkout shows a blank page']);
  });

  it('pages through ranked results without overlap', async () => {
    const first = await search(agent.token, 'paypal', { first: 1 });
    expect(first.totalCount).toBe(2);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await search(agent.token, 'paypal', { first: 1, after: first.pageInfo.endCursor });
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(new Set([...subjects(first), ...subjects(second)])).toEqual(new Set(['PayPal checkout shows a blank page', 'Refunds button missing in admin']));
  });

  it('shows a merchant only their own tickets', async () => {
    // "paypal" is in a ticket of each merchant.
    expect(subjects(await search(olivia.token, 'paypal'))).toEqual(['PayPal checkout shows a blank page']);
    expect(subjects(await search(bruno.token, 'paypal'))).toEqual(['Refunds button missing in admin']);
    expect((await search(bruno.token, 'invoice')).totalCount).toBe(0);
  });

  it('never matches an internal note for the merchant; staff find the ticket by it', async () => {
    expect((await search(olivia.token, 'geozone')).totalCount).toBe(0);
    expect((await search(olivia.token, 'geozone', { orderBy: 'NEWEST' })).edges).toEqual([]);
    expect(subjects(await search(agent.token, 'geozone'))).toEqual(['Shipping rates wrong for Canada']);
  });

  it('follows later changes: a new reply is found at once', async () => {
    expect((await search(olivia.token, 'mariadb')).totalCount).toBe(0);
    await olivia.sdk.TicketReply({ input: { ticketId: ids.paypal!, body: 'We also upgraded MariaDB yesterday.' } });
    expect(subjects(await search(olivia.token, 'mariadb'))).toEqual(['PayPal checkout shows a blank page']);
  });

  it('takes what people type (quotes, minus, punctuation) and refuses text over 200 characters', async () => {
    expect(subjects(await search(agent.token, '"blank page" -refunds'))).toEqual(['PayPal checkout shows a blank page']);
    expect((await search(agent.token, `'); drop table ticket; --`)).totalCount).toBe(0);
    const { body } = await app.raw(SEARCH, { filter: { search: 'x'.repeat(201) } }, agent.token);
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const relevanceWithoutSearch = await app.raw(SEARCH, { orderBy: 'RELEVANCE' }, agent.token);
    expect(relevanceWithoutSearch.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a cursor of another ordering', async () => {
    const newest = await search(agent.token, 'paypal', { first: 1, orderBy: 'NEWEST' });
    const { body } = await app.raw(SEARCH, { filter: { search: 'paypal' }, first: 1, after: newest.pageInfo.endCursor }, agent.token);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
