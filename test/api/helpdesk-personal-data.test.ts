import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromGlobalId } from '../../server/common/global-id';
import { fileTicket, gql } from '../support/helpdesk';
import { createMerchant, createStaff, createTestApp, type TestApp } from '../support/test-app';

/** An admin exports all data of a customer, and erases it on request: pseudonyms stay, the ban stays. */
let app: TestApp;
let agent: { id: string; token: string };

beforeAll(async () => {
  app = await createTestApp();
  agent = await createStaff(app, 'AGENT');
});
afterAll(() => app?.close());

const ERASE = `mutation($input: CustomerEraseInput!) { customerErase(input: $input) {
  customer { id name email company storeUrl status erasedAt }
  summary { ticketsErased ticketsClosed messagesErased attachmentsDeleted accessShredded apiKeysRevoked auditEntriesScrubbed banKept }
  userErrors { field message code } } }`;

const SECRET_PASSWORD = 'Temp-Admin-Pa55word-4-export';
const LOG_LINE = 'PHP Fatal error in catalog/controller/checkout/confirm.php line 42';

/** A merchant with a ticket, a conversation (a file and an internal note), stored access, a changed store URL, a rating and a refund. */
async function richMerchant(name: string) {
  const email = `${name.toLowerCase()}.owner+shop@example-${name.toLowerCase()}.com`;
  const m = await createMerchant(app, { email, storeUrl: `https://www.${name.toLowerCase()}-oldshop.com` });
  await gql(app, app.adminToken, `mutation($input: CustomerUpdateInput!) { customerUpdate(input: $input) { userErrors { message } } }`, {
    input: { customerId: m.customerId, name: `${name} Fairweather`, storeUrl: `https://${name.toLowerCase()}-shop.com` },
  });
  const ticket = await fileTicket(app, m, { subject: `${name}'s checkout is blank`, description: `Customers of ${name} see a blank page after paying.` });
  await gql(app, m.token, `mutation($input: TicketReplyInput!) { ticketReply(input: $input) { userErrors { message } } }`, {
    input: {
      ticketId: ticket.id,
      body: `Call me on +351 912 345 678, ${name}.`,
      attachments: [{ fileName: 'error.log', contentBase64: Buffer.from(`${LOG_LINE}\n`).toString('base64') }],
    },
  });
  app.setNow(app.now().plus({ minutes: 5 }));
  await app.sdk(agent.token).TicketReply({ input: { ticketId: ticket.id, body: `${name} sounds upset; be gentle.`, internal: true } });
  const second = await m.sdk.TicketCreate({
    input: { subject: 'Second problem here', description: 'The shipping rates page is empty now.', category: 'BUG_FIX' as never },
  });
  const provided = await m.sdk.TicketAccessProvide({
    input: {
      ticketId: second.ticketCreate.ticket!.id,
      storeAdmin: { url: `https://${name.toLowerCase()}-shop.com/admin/`, username: 'support', password: SECRET_PASSWORD },
      fileAccess: {
        protocol: 'SFTP' as never,
        host: `${name.toLowerCase()}-shop.com`,
        username: 'support',
        password: SECRET_PASSWORD,
        rootPath: '/public_html',
      },
    },
  });
  expect(provided.ticketAccessProvide.userErrors).toEqual([]);
  await app.admin.TicketStatusChange({ input: { ticketId: ticket.id, status: 'RESOLVED' as never } });
  await gql(app, m.token, `mutation($input: TicketRateInput!) { ticketRate(input: $input) { userErrors { message } } }`, {
    input: { ticketId: ticket.id, rating: 2, comment: `${name} expected more.` },
  });
  const refund = await m.sdk.RefundRequest({
    input: { subscriptionId: m.subscriptionId, reason: 'STOLEN_CARD' as never, details: `${name}'s card was stolen in Lisbon.` },
  });
  expect(refund.refundRequest.userErrors).toEqual([]);
  return { ...m, email, name, ticket, secondTicketId: second.ticketCreate.ticket!.id };
}

async function exportOf(customerId: string, token: string | null = app.adminToken) {
  const response = await fetch(`${app.url}/personal-data/customers/${customerId}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

async function sql<T = any>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: app.databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

const uuid = (globalId: string) => fromGlobalId(globalId)!.id;

describe("exporting a customer's data", () => {
  it('an admin gets one JSON document: profile, plans, keys, tickets with messages and files, rating, refunds, audit trail; never a credential', async () => {
    const m = await richMerchant('Olivia');
    const { status, text, headers } = await exportOf(m.customerId);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^application\/json/);
    expect(headers.get('cache-control')).toBe('private, no-store');
    const doc = JSON.parse(text);
    expect(doc.format).toBe('opencart-support-desk/personal-data/1');
    expect(doc.customer).toMatchObject({
      email: m.email.replace('+shop', '+shop'),
      name: 'Olivia Fairweather',
      storeUrl: 'https://olivia-shop.com',
      erasedAt: null,
    });
    expect(doc.subscriptions).toHaveLength(1);
    expect(doc.subscriptions[0]).toMatchObject({ planKind: 'PREMIUM_MONTHLY' });
    expect(doc.apiKeys).toEqual([expect.objectContaining({ name: 'OpenCart admin', prefix: expect.any(String) })]);
    expect(doc.tickets).toHaveLength(2);
    const first = doc.tickets.find((t: { number: string }) => t.number === m.ticket.number);
    expect(first).toMatchObject({ subject: "Olivia's checkout is blank", satisfaction: { rating: 2, comment: 'Olivia expected more.' } });
    expect(first.messages.map((x: { body: string }) => x.body)).toEqual(['Call me on +351 912 345 678, Olivia.', 'Olivia sounds upset; be gentle.']);
    expect(first.messages[1]).toMatchObject({ internal: true, authorKind: 'STAFF' });
    expect(first.attachments).toHaveLength(1);
    expect(Buffer.from(first.attachments[0].contentBase64, 'base64').toString()).toBe(`${LOG_LINE}\n`);
    const second = doc.tickets.find((t: { id: string }) => t.id === uuid(m.secondTicketId));
    expect(second.storeAccess).toMatchObject({ protocol: 'SFTP', shreddedAt: null });
    expect(doc.refunds).toEqual([expect.objectContaining({ reason: 'STOLEN_CARD', status: 'APPROVED', details: "Olivia's card was stolen in Lisbon." })]);
    expect(doc.auditEvents.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['CUSTOMER_CREATED', 'CUSTOMER_UPDATED', 'TICKET_RATED', 'PERSONAL_DATA_EXPORTED']),
    );
    // No secret of the vault, no key or its hash, ever.
    expect(text).not.toContain(SECRET_PASSWORD);
    expect(text).not.toContain(m.token);
    const [key] = await sql(`select token_hash from merchant_api_key where customer_id = $1`, [uuid(m.customerId)]);
    expect(text).not.toContain(key.token_hash);
    expect(text).not.toMatch(/sealed|wrappedDataKey|tokenHash/);
  });

  it('only admins export; an unknown customer is 404', async () => {
    const m = await createMerchant(app);
    expect((await exportOf(m.customerId, agent.token)).status).toBe(403);
    expect((await exportOf(m.customerId, m.token)).status).toBe(403);
    expect((await exportOf(m.customerId, null)).status).toBe(401);
    expect((await exportOf(m.subscriptionId)).status).toBe(404);
    const events = await gql(app, app.adminToken, `query($id: ID!) { node(id: $id) { ... on Customer { events(first: 50) { nodes { action } } } } }`, {
      id: m.customerId,
    });
    expect(events.node.events.nodes.map((e: { action: string }) => e.action)).not.toContain('PERSONAL_DATA_EXPORTED');
  });
});

describe('erasing a customer on request', () => {
  it('removes or pseudonymises personal data everywhere; the audit trail, refunds and ticket figures stay', async () => {
    const m = await richMerchant('Pablo');
    const before = JSON.parse((await exportOf(m.customerId)).text);
    const wrong = await gql(app, app.adminToken, ERASE, { input: { customerId: m.customerId, confirmEmail: 'someone@else.com' } });
    expect(wrong.customerErase.userErrors).toEqual([
      { code: 'INVALID', field: ['input', 'confirmEmail'], message: "confirmEmail must be the customer's email address, to confirm who is erased." },
    ]);
    const asAgent = await app.raw(ERASE, { input: { customerId: m.customerId, confirmEmail: m.email } }, agent.token);
    expect(asAgent.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.parse((await exportOf(m.customerId)).text).customer.name).toBe('Pablo Fairweather');

    const erased = await gql(app, app.adminToken, ERASE, { input: { customerId: m.customerId, confirmEmail: m.email.toUpperCase() } });
    expect(erased.customerErase.userErrors).toEqual([]);
    const tag = uuid(m.customerId).replace(/-/g, '').slice(0, 12);
    expect(erased.customerErase.customer).toMatchObject({
      name: `Erased customer ${tag}`,
      email: `erased-${tag}@erased.invalid`,
      company: null,
      storeUrl: null,
      erasedAt: expect.any(String),
    });
    expect(erased.customerErase.summary).toMatchObject({
      ticketsErased: 2,
      ticketsClosed: 2,
      messagesErased: 2,
      attachmentsDeleted: 1,
      accessShredded: 1,
      apiKeysRevoked: 1,
      banKept: false,
    });
    expect(erased.customerErase.summary.auditEntriesScrubbed).toBeGreaterThan(0);

    const { text } = await exportOf(m.customerId);
    const after = JSON.parse(text);
    for (const personal of ['Pablo', 'pablo', 'Fairweather', 'Lisbon', '912 345 678', LOG_LINE, 'oldshop', 'example-pablo'])
      expect(text).not.toContain(personal);
    expect(after.tickets.map((t: { subject: string; description: string }) => [t.subject, t.description])).toEqual([
      ['[erased]', '[erased]'],
      ['[erased]', '[erased]'],
    ]);
    expect(after.tickets.every((t: { status: string }) => t.status === 'CLOSED')).toBe(true);
    const rated = (doc: { tickets: Array<{ id: string }> }) => doc.tickets.find((t) => t.id === uuid(m.ticket.id)) as any;
    expect(rated(after).messages.map((x: { body: string }) => x.body)).toEqual(['[erased]', '[erased]']);
    expect(rated(after).attachments).toEqual([]);
    expect(rated(after).satisfaction).toMatchObject({ rating: 2, comment: null });
    expect(rated(after)).toMatchObject({
      number: m.ticket.number,
      category: 'BUG_FIX',
      resolvedAt: rated(before).resolvedAt,
      resolutionMinutes: rated(before).resolutionMinutes,
    });
    expect(after.tickets.find((t: { id: string }) => t.id === uuid(m.secondTicketId)).storeAccess).toMatchObject({
      shreddedAt: expect.any(String),
      shredReason: 'CUSTOMER_ERASED',
    });
    // Accounting keeps the amount, period and decision.
    const [refundBefore] = before.refunds;
    expect(after.refunds).toEqual([{ ...refundBefore, details: '[erased]', updatedAt: expect.any(String) }]);
    // Every audit entry is still there, in the same order with the same actions; free text is gone.
    const actions = (doc: { auditEvents: Array<{ id: string; action: string }> }) => doc.auditEvents.map((e) => `${e.id}:${e.action}`);
    expect(actions(after).slice(0, before.auditEvents.length)).toEqual(actions(before));
    expect(after.auditEvents.map((e: { action: string }) => e.action)).toContain('CUSTOMER_ERASED');
    const updated = after.auditEvents.find((e: { action: string }) => e.action === 'CUSTOMER_UPDATED');
    expect(updated.details).toMatchObject({ previousStoreUrl: '[erased]', fields: ['name', 'storeUrl'] });

    // The merchant's key no longer works; the erasure cannot run twice.
    const asMerchant = await app.raw('{ viewer { kind } }', {}, m.token);
    expect(asMerchant.status).toBe(401);
    const again = await gql(app, app.adminToken, ERASE, { input: { customerId: m.customerId, confirmEmail: `erased-${tag}@erased.invalid` } });
    expect(again.customerErase.userErrors[0]).toMatchObject({ code: 'INVALID_TRANSITION' });
    // Search no longer finds the erased words either (its documents follow the tickets).
    const left = await sql(
      `select count(*)::int as n from ticket_message m join ticket t on t.id = m.ticket_id where t.customer_id = $1 and m.body <> '[erased]'`,
      [uuid(m.customerId)],
    );
    expect(left).toEqual([{ n: 0 }]);
    // The email is free again: someone may register with it as a new customer.
    const reused = await app.admin.CustomerCreate({ input: { email: m.email, name: 'New Owner' } });
    expect(reused.customerCreate.userErrors).toEqual([]);
  });

  it("the audit trail stays append-only outside an erasure, and an erasure may change an entry's details only", async () => {
    const m = await createMerchant(app);
    const [entry] = await sql(`select id from audit_event where customer_id = $1 limit 1`, [uuid(m.customerId)]);
    await expect(sql(`update audit_event set details = '{}' where id = $1`, [entry.id])).rejects.toThrow(/append-only/);
    await expect(
      sql(`begin; select set_config('support_desk.erasing', 'on', true); update audit_event set action = 'FORGED' where id = '${entry.id}'; commit;`),
    ).rejects.toThrow(/append-only/);
    await expect(
      sql(`begin; select set_config('support_desk.erasing', 'on', true); delete from audit_event where id = '${entry.id}'; commit;`),
    ).rejects.toThrow(/append-only/);
  });

  it("a banned customer's ban survives erasure: the same email or store is refused again, kept only as hashes", async () => {
    const m = await richMerchant('Quentin');
    const ban = await app.admin.CustomerBan({ input: { customerId: m.customerId, reason: 'ABUSE' as never, note: 'Quentin insulted the team.' } });
    expect(ban.customerBan.userErrors).toEqual([]);
    const erased = await gql(app, app.adminToken, ERASE, { input: { customerId: m.customerId, confirmEmail: m.email } });
    expect(erased.customerErase.userErrors).toEqual([]);
    expect(erased.customerErase.customer.status).toBe('BANNED');
    expect(erased.customerErase.summary.banKept).toBe(true);

    const kept = await sql<{ kind: string; value: string }>(`select kind, value from banned_identity where customer_id = $1`, [uuid(m.customerId)]);
    expect(kept.length).toBeGreaterThanOrEqual(3); // the email, the store and the store it used before
    for (const key of kept) expect(key.value).toMatch(/^sha256:[0-9a-f]{64}$/);
    const banNote = await sql(`select ban_note from customer where id = $1`, [uuid(m.customerId)]);
    expect(banNote).toEqual([{ ban_note: '[erased]' }]);

    // Coming back under the same email (another +tag), the same store, a subdomain of it, or the store used before.
    const attempts = [
      { email: 'quentin.owner+again@example-quentin.com', name: 'Q', storeUrl: 'https://fresh-start.com' },
      { email: 'new.person@fresh.com', name: 'Q', storeUrl: 'https://quentin-shop.com' },
      { email: 'new.person2@fresh.com', name: 'Q', storeUrl: 'https://eu.quentin-shop.com' },
      { email: 'new.person3@fresh.com', name: 'Q', storeUrl: 'http://quentin-oldshop.com' },
    ];
    for (const input of attempts) {
      const r = await app.admin.CustomerCreate({ input });
      expect(r.customerCreate.customer).toBeNull();
      expect(r.customerCreate.userErrors[0]).toMatchObject({ code: 'BANNED' });
    }
    // Another account filing for the banned store is refused too.
    const other = await createMerchant(app);
    const filed = await other.sdk.TicketCreate({
      input: {
        subject: 'Store down',
        description: 'The banned store asks again.',
        category: 'BUG_FIX' as never,
        environment: { platform: 'NATIVE' as never, opencartVersion: '4.0.2.3', storeUrl: 'https://quentin-shop.com' },
      },
    });
    expect(filed.ticketCreate.userErrors[0]).toMatchObject({ code: 'BANNED' });
  });
});
