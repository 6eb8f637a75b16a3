import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileTicket, gql } from '../support/helpdesk';
import { createMerchant, createStaff, createTestApp, type Merchant, type TestApp } from '../support/test-app';

/** Canned replies: admins keep the shared library, each staff member their own; placeholders filled on use. */
let app: TestApp;
let merchant: Merchant;
let agent: { id: string; token: string };
let otherAgent: { id: string; token: string };

beforeAll(async () => {
  app = await createTestApp();
  merchant = await createMerchant(app);
  agent = await createStaff(app, 'AGENT');
  otherAgent = await createStaff(app, 'AGENT');
});
afterAll(() => app?.close());

const FIELDS = 'cannedReply { id title body shared createdBy { name } } userErrors { field message code }';
const CREATE = `mutation($input: CannedReplyCreateInput!) { cannedReplyCreate(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation($input: CannedReplyUpdateInput!) { cannedReplyUpdate(input: $input) { ${FIELDS} } }`;
const DELETE = `mutation($input: CannedReplyDeleteInput!) { cannedReplyDelete(input: $input) { deletedCannedReplyId userErrors { field message code } } }`;
const LIST = `{ cannedReplies { id title shared } }`;
const RENDER = `query($ticketId: ID!, $cannedReplyId: ID!) { renderCannedReply(ticketId: $ticketId, cannedReplyId: $cannedReplyId) { body cannedReply { id } } }`;

async function create(token: string, input: Record<string, unknown>) {
  return (await gql(app, token, CREATE, { input })).cannedReplyCreate;
}
async function titles(token: string): Promise<string[]> {
  return (await gql(app, token, LIST)).cannedReplies.map((r: { title: string }) => r.title);
}

describe('who manages which canned replies', () => {
  it('an agent keeps their own, an admin shares with everyone; each sees the shared ones and their own only', async () => {
    const own = await create(agent.token, { title: 'Agent: need FTP', body: 'Hello {{merchant_name}}, please send FTP access.' });
    expect(own.userErrors).toEqual([]);
    expect(own.cannedReply).toMatchObject({ shared: false, createdBy: { name: expect.stringMatching(/^Staff /) } });
    const shared = await create(app.adminToken, { title: 'Shared: thanks', body: 'Thanks {{merchant_name}}, {{ticket_number}} is fixed.', shared: true });
    expect(shared.cannedReply.shared).toBe(true);
    const othersOwn = await create(otherAgent.token, { title: 'Other agent: private', body: 'Only mine.' });
    expect(othersOwn.userErrors).toEqual([]);

    expect(await titles(agent.token)).toEqual(expect.arrayContaining(['Agent: need FTP', 'Shared: thanks']));
    expect(await titles(agent.token)).not.toContain('Other agent: private');
    expect(await titles(otherAgent.token)).not.toContain('Agent: need FTP');
    // Another agent's reply answers like an ID that does not exist, by node() and on use.
    const node = await gql(app, agent.token, `query($id: ID!) { node(id: $id) { id } }`, { id: othersOwn.cannedReply.id });
    expect(node.node).toBeNull();
    const update = await gql(app, agent.token, UPDATE, { input: { cannedReplyId: othersOwn.cannedReply.id, title: 'Taken over' } });
    expect(update.cannedReplyUpdate.userErrors[0]).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'cannedReplyId'] });
  });

  it('an agent cannot add, change or delete shared replies; an admin can', async () => {
    const refused = await create(agent.token, { title: 'Mine for all', body: 'Hello.', shared: true });
    expect(refused.cannedReply).toBeNull();
    expect(refused.userErrors[0]).toMatchObject({ code: 'FORBIDDEN', field: ['input', 'shared'] });
    expect(await titles(agent.token)).not.toContain('Mine for all');

    const shared = (await create(app.adminToken, { title: 'Shared: hours', body: 'We answer 3 AM to 12 PM Eastern.', shared: true })).cannedReply;
    const change = await gql(app, agent.token, UPDATE, { input: { cannedReplyId: shared.id, body: 'Changed by an agent.' } });
    expect(change.cannedReplyUpdate.userErrors[0]).toMatchObject({ code: 'FORBIDDEN' });
    const remove = await gql(app, agent.token, DELETE, { input: { cannedReplyId: shared.id } });
    expect(remove.cannedReplyDelete).toMatchObject({ deletedCannedReplyId: null, userErrors: [{ code: 'FORBIDDEN' }] });
    expect(await titles(agent.token)).toContain('Shared: hours');

    const byAdmin = await gql(app, app.adminToken, UPDATE, { input: { cannedReplyId: shared.id, title: 'Shared: support hours' } });
    expect(byAdmin.cannedReplyUpdate.cannedReply).toMatchObject({ title: 'Shared: support hours', body: 'We answer 3 AM to 12 PM Eastern.' });
    const deleted = await gql(app, app.adminToken, DELETE, { input: { cannedReplyId: shared.id } });
    expect(deleted.cannedReplyDelete).toEqual({ deletedCannedReplyId: shared.id, userErrors: [] });
    expect(await titles(agent.token)).not.toContain('Shared: support hours');
  });

  it('an agent changes and deletes their own', async () => {
    const mine = (await create(agent.token, { title: 'Draft', body: 'Hello.' })).cannedReply;
    const changed = await gql(app, agent.token, UPDATE, { input: { cannedReplyId: mine.id, body: 'Hello {{merchant_name}}.' } });
    expect(changed.cannedReplyUpdate.cannedReply.body).toBe('Hello {{merchant_name}}.');
    const deleted = await gql(app, agent.token, DELETE, { input: { cannedReplyId: mine.id } });
    expect(deleted.cannedReplyDelete.deletedCannedReplyId).toBe(mine.id);
    expect(await titles(agent.token)).not.toContain('Draft');
  });

  it('merchants and anonymous callers cannot read or write canned replies', async () => {
    const asMerchant = await app.raw(LIST, {}, merchant.token);
    expect(asMerchant.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const writeAsMerchant = await app.raw(CREATE, { input: { title: 'x', body: 'y' } }, merchant.token);
    expect(writeAsMerchant.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await app.raw(LIST, {}, null);
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('placeholders and limits', () => {
  it('unknown placeholders and unbalanced braces are refused on save, naming them; nothing is written', async () => {
    const before = await titles(agent.token);
    const unknown = await create(agent.token, { title: 'Typo', body: 'Hi {{ merchant_nmae }}, see {{ticket_url}}.' });
    expect(unknown.cannedReply).toBeNull();
    expect(unknown.userErrors).toHaveLength(1);
    expect(unknown.userErrors[0]).toMatchObject({ code: 'INVALID', field: ['input', 'body'] });
    expect(unknown.userErrors[0].message).toMatch(/Unknown placeholders \{\{merchant_nmae\}\}, \{\{ticket_url\}\}/);
    expect(unknown.userErrors[0].message).toContain('{{merchant_name}}');
    const unbalanced = await create(agent.token, { title: 'Braces', body: 'Hi {{merchant_name}, your ticket.' });
    expect(unbalanced.userErrors[0]).toMatchObject({ code: 'INVALID', field: ['input', 'body'] });
    expect(unbalanced.userErrors[0].message).toMatch(/missing its opening \{\{ or closing \}\}/);
    expect(await titles(agent.token)).toEqual(before);

    const mine = (await create(agent.token, { title: 'Fine', body: 'Hello {{merchant_name}}.' })).cannedReply;
    const badUpdate = await gql(app, agent.token, UPDATE, { input: { cannedReplyId: mine.id, body: 'Hello {{customer_email}}.' } });
    expect(badUpdate.cannedReplyUpdate.userErrors[0]).toMatchObject({ code: 'INVALID', field: ['input', 'body'] });
    const kept = await gql(app, agent.token, `query($id: ID!) { node(id: $id) { ... on CannedReply { body } } }`, { id: mine.id });
    expect(kept.node.body).toBe('Hello {{merchant_name}}.');
  });

  it('title and body have maximum lengths', async () => {
    const long = await create(agent.token, { title: 't'.repeat(101), body: 'b'.repeat(5001) });
    expect(long.userErrors).toEqual([
      { field: ['input', 'title'], message: 'title must be 1 to 100 characters', code: 'INVALID' },
      { field: ['input', 'body'], message: 'body must be 1 to 5000 characters', code: 'INVALID' },
    ]);
    const empty = await create(agent.token, { title: 'Empty', body: '' });
    expect(empty.userErrors[0]).toMatchObject({ code: 'INVALID', field: ['input', 'body'] });
  });

  it('one staff member keeps at most 50 of their own', async () => {
    const busy = await createStaff(app, 'AGENT');
    for (let i = 1; i <= 50; i += 1) {
      const ok = await create(busy.token, { title: `Reply ${i}`, body: 'Hello.' });
      expect(ok.userErrors).toEqual([]);
    }
    const over = await create(busy.token, { title: 'Reply 51', body: 'Hello.' });
    expect(over.cannedReply).toBeNull();
    expect(over.userErrors[0]).toMatchObject({ code: 'INVALID' });
    expect(over.userErrors[0].message).toMatch(/already have 50 canned replies/);
    expect((await titles(busy.token)).filter((t) => t.startsWith('Reply '))).toHaveLength(50);
    // The limit is per person: someone else still adds theirs.
    expect((await create(otherAgent.token, { title: 'Still fine', body: 'Hello.' })).userErrors).toEqual([]);
  });
});

describe('using a canned reply on a ticket', () => {
  it('fills in the merchant, the ticket number and subject, the due time in the support zone and the agent', async () => {
    // Filed Tuesday 05:00 New York, access waived at once: the first reply is due one support day later.
    const ticket = await fileTicket(app, merchant, { subject: 'Blank checkout page' });
    const reply = (
      await create(agent.token, {
        title: 'Acknowledge',
        body: 'Hello {{merchant_name}} ({{ merchant_company }}),\nwe are on {{ticket_number}} "{{ticket_subject}}" and will answer by {{due_at}}.\n{{agent_name}}',
      })
    ).cannedReply;
    const customer = await gql(app, app.adminToken, `query($id: ID!) { node(id: $id) { ... on Customer { name company } } }`, { id: merchant.customerId });
    const agentName = (await gql(app, app.adminToken, `query($id: ID!) { node(id: $id) { ... on StaffMember { name } } }`, { id: agent.id })).node.name;
    const rendered = await gql(app, agent.token, RENDER, { ticketId: ticket.id, cannedReplyId: reply.id });
    expect(rendered.renderCannedReply.cannedReply.id).toBe(reply.id);
    expect(rendered.renderCannedReply.body).toBe(
      `Hello ${customer.node.name} (${customer.node.company}),\nwe are on ${ticket.number} "Blank checkout page" and will answer by Wed, Mar 4, 2026, 5:00 AM EST.\n${agentName}`,
    );
    // The stored reply keeps its placeholders for the next ticket.
    const stored = await gql(app, agent.token, `query($id: ID!) { node(id: $id) { ... on CannedReply { body } } }`, { id: reply.id });
    expect(stored.node.body).toContain('{{merchant_name}}');
  });

  it('once replied to, the due time is the resolution target; a paused ticket says it has none', async () => {
    const ticket = await fileTicket(app, merchant);
    const reply = (await create(agent.token, { title: 'Due', body: 'Due: {{due_at}}' })).cannedReply;
    await app.sdk(agent.token).TicketReply({ input: { ticketId: ticket.id, body: 'Looking into it.' } });
    const running = await gql(app, agent.token, RENDER, { ticketId: ticket.id, cannedReplyId: reply.id });
    expect(running.renderCannedReply.body).toBe('Due: Wed, Mar 4, 2026, 5:00 AM EST');
    await app.sdk(agent.token).TicketStatusChange({ input: { ticketId: ticket.id, status: 'WAITING_ON_CUSTOMER' as never } });
    const paused = await gql(app, agent.token, RENDER, { ticketId: ticket.id, cannedReplyId: reply.id });
    expect(paused.renderCannedReply.body).toBe('Due: not running while the ticket waits (no due time)');
  });

  it("another agent's reply or an unknown ticket answers null, like an ID that does not exist; merchants cannot render", async () => {
    const ticket = await fileTicket(app, merchant);
    const private_ = (await create(otherAgent.token, { title: 'Private', body: 'Hello.' })).cannedReply;
    const hidden = await app.raw(RENDER, { ticketId: ticket.id, cannedReplyId: private_.id }, agent.token);
    expect(hidden.body).toEqual({ data: { renderCannedReply: null } });
    const mine = (await create(agent.token, { title: 'Mine', body: 'Hello.' })).cannedReply;
    const noTicket = await app.raw(RENDER, { ticketId: mine.id, cannedReplyId: mine.id }, agent.token);
    expect(noTicket.body).toEqual({ data: { renderCannedReply: null } });
    const merchantTry = await app.raw(RENDER, { ticketId: ticket.id, cannedReplyId: mine.id }, merchant.token);
    expect(merchantTry.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
