import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromGlobalId } from '../../server/common/global-id';
import { ATTACHMENT_LIMITS } from '../../server/modules/attachment/attachment-limits';
import { fileTicket, gql } from '../support/helpdesk';
import { createMerchant, createStaff, createTestApp, DEFAULT_NOW, type Merchant, type TestApp } from '../support/test-app';

/** Staff merge a duplicate ticket into another of the same merchant. */
let app: TestApp;
let merchant: Merchant;
let agent: { id: string; token: string };

beforeAll(async () => {
  app = await createTestApp();
  merchant = await createMerchant(app);
  agent = await createStaff(app, 'AGENT');
});
afterAll(() => app?.close());

const MERGE = `mutation($input: TicketMergeInput!) { ticketMerge(input: $input) {
  ticket { id number status } mergedTicket { id status mergedInto { into { id number } messagesMoved } }
  messagesMoved notices { code message } userErrors { field message code } } }`;

const DETAIL = `query($id: ID!) { node(id: $id) { ... on Ticket { id number status
  mergedInto { into { id number } mergedAt messagesMoved }
  messages(first: 100) { nodes { body internal createdAt author { kind } } }
  events(first: 100) { nodes { action rule } } } } }`;

const fromGlobal = (id: string) => fromGlobalId(id)!.id;

async function detail(token: string, id: string) {
  return (await gql(app, token, DETAIL, { id })).node;
}
async function merge(token: string, input: Record<string, unknown>) {
  return (await gql(app, token, MERGE, { input })).ticketMerge;
}
async function remaining(m: Merchant): Promise<number> {
  const sub = await gql(app, m.token, `query($id: ID!) { node(id: $id) { ... on PlanSubscription { allowance { remaining } } } }`, { id: m.subscriptionId });
  return sub.node.allowance.remaining;
}

describe('merging a duplicate', () => {
  it('moves the messages in order of time, closes the duplicate pointing at the other, returns its allowance, audits both and tells the merchant', async () => {
    const m = await createMerchant(app);
    app.setNow(DEFAULT_NOW);
    const original = await fileTicket(app, m, { subject: 'Checkout is blank' });
    app.setNow(DEFAULT_NOW.plus({ minutes: 10 }));
    const duplicate = await fileTicket(app, m, { subject: 'Checkout page empty' });
    app.setNow(DEFAULT_NOW.plus({ minutes: 20 }));
    const withFile = await gql(app, m.token, `mutation($input: TicketReplyInput!) { ticketReply(input: $input) { userErrors { message } } }`, {
      input: {
        ticketId: duplicate.id,
        body: 'It happens with PayPal only.',
        attachments: [{ fileName: 'error.log', contentBase64: Buffer.from('PHP Notice: blank page\n').toString('base64') }],
      },
    });
    expect(withFile.ticketReply.userErrors).toEqual([]);
    app.setNow(DEFAULT_NOW.plus({ minutes: 30 }));
    await app.sdk(agent.token).TicketReply({ input: { ticketId: original.id, body: 'We are looking at it.' } });
    app.setNow(DEFAULT_NOW.plus({ minutes: 40 }));
    await app.sdk(agent.token).TicketReply({ input: { ticketId: duplicate.id, body: 'Staff note on the duplicate.', internal: true } });
    const before = await remaining(m);

    app.setNow(DEFAULT_NOW.plus({ minutes: 50 }));
    const result = await merge(agent.token, { ticketId: duplicate.id, intoTicketId: original.id, reason: 'Same problem filed twice.' });
    app.setNow(DEFAULT_NOW);
    expect(result.userErrors).toEqual([]);
    expect(result.messagesMoved).toBe(2);
    expect(result.ticket).toMatchObject({ id: original.id, status: 'OPEN' });
    expect(result.mergedTicket).toMatchObject({ status: 'CLOSED', mergedInto: { into: { id: original.id, number: original.number }, messagesMoved: 2 } });
    expect(result.notices[0]).toMatchObject({ code: 'MERGED' });
    expect(await remaining(m)).toBe(before + 1);

    // Staff see every message on the original, oldest first, the moved ones among them.
    const staffView = await detail(agent.token, original.id);
    expect(staffView.messages.nodes.map((n: { body: string }) => n.body)).toEqual([
      'It happens with PayPal only.',
      'We are looking at it.',
      'Staff note on the duplicate.',
      expect.stringContaining(`${duplicate.number} ("Checkout page empty") was merged into this ticket`),
    ]);
    const times = staffView.messages.nodes.map((n: { createdAt: string }) => Date.parse(n.createdAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(staffView.events.nodes).toContainEqual({ action: 'TICKET_MERGED_IN', rule: null });
    // The file sent with a moved message moved with it, and downloads from the ticket it is on now.
    const files = await gql(app, m.token, `query($id: ID!) { node(id: $id) { ... on Ticket { attachments { fileName downloadUrl } } } }`, { id: original.id });
    expect(files.node.attachments).toHaveLength(1);
    expect(files.node.attachments[0].fileName).toBe('error.log');
    const download = await fetch(`${app.url}${files.node.attachments[0].downloadUrl}`, { headers: { authorization: `Bearer ${m.token}` } });
    expect(download.status).toBe(200);
    expect(await download.text()).toContain('PHP Notice: blank page');
    // Consumers (email, notifications, webhooks) learn of it through the outbox, committed with the merge.
    const events = await app.orm.em
      .fork()
      .getConnection()
      .execute(`select data from outbox_event where type = 'TICKET_MERGED' and ticket_id = ?`, [fromGlobal(original.id)]);
    expect(events).toEqual([
      { data: expect.objectContaining({ mergedTicketNumber: duplicate.number, ticketNumber: original.number, messagesMoved: 2, allowanceReturned: true }) },
    ]);

    // The merchant: the internal note stays hidden; each ticket says what happened.
    const merchantView = await detail(m.token, original.id);
    expect(merchantView.messages.nodes.map((n: { body: string }) => n.body)).not.toContain('Staff note on the duplicate.');
    expect(merchantView.messages.nodes.at(-1)).toMatchObject({ author: { kind: 'SYSTEM' } });
    const mergedView = await detail(m.token, duplicate.id);
    expect(mergedView.status).toBe('CLOSED');
    expect(mergedView.mergedInto).toMatchObject({ into: { number: original.number }, messagesMoved: 2 });
    expect(mergedView.messages.nodes).toHaveLength(1);
    expect(mergedView.messages.nodes[0].body).toBe(
      `This ticket was merged into ${original.number} ("Checkout is blank"), where the conversation continues. It is closed and uses none of your allowance.`,
    );
    expect(mergedView.events.nodes).toContainEqual({ action: 'TICKET_MERGED', rule: 'ALLOWANCE_RETURNED' });
    expect(mergedView.events.nodes).toContainEqual({ action: 'STATUS_CHANGED', rule: null });
    // A ticket never merged points nowhere.
    expect((await detail(m.token, original.id)).mergedInto).toBeNull();
  });

  it("schedules the merged ticket's stored access for shredding, as on resolution", async () => {
    const m = await createMerchant(app);
    const original = await fileTicket(app, m);
    const created = await m.sdk.TicketCreate({
      input: { subject: 'Same again', description: 'The checkout is still blank for guests.', category: 'BUG_FIX' as never },
    });
    const duplicate = created.ticketCreate.ticket!.id;
    const provided = await m.sdk.TicketAccessProvide({
      input: {
        ticketId: duplicate,
        storeAdmin: { url: 'https://shop.example/admin/', username: 'support', password: 'temporary-admin-password' },
        fileAccess: { protocol: 'SFTP' as never, host: 'shop.example', username: 'support', password: 'temporary-sftp-password', rootPath: '/public_html' },
      },
    });
    expect(provided.ticketAccessProvide.userErrors).toEqual([]);
    expect((await merge(agent.token, { ticketId: duplicate, intoTicketId: original.id })).userErrors).toEqual([]);
    const access = await gql(
      app,
      agent.token,
      `query($id: ID!) { node(id: $id) { ... on Ticket { access { shredAfter } events(first: 100) { nodes { action } } } } }`,
      { id: duplicate },
    );
    expect(access.node.access.shredAfter).not.toBeNull();
    expect(access.node.events.nodes.map((e: { action: string }) => e.action)).toContain('ACCESS_SHRED_SCHEDULED');
  });
});

describe('what cannot be merged', () => {
  it("refuses a self-merge, another merchant's ticket, a finished target and a closed duplicate, changing nothing", async () => {
    const a = await fileTicket(app, merchant);
    const b = await fileTicket(app, merchant);
    const other = await createMerchant(app);
    const foreign = await fileTicket(app, other);

    const self = await merge(agent.token, { ticketId: a.id, intoTicketId: a.id });
    expect(self.userErrors).toEqual([{ code: 'INVALID', field: ['input', 'intoTicketId'], message: 'A ticket cannot be merged into itself.' }]);
    const across = await merge(agent.token, { ticketId: a.id, intoTicketId: foreign.id });
    expect(across.userErrors[0]).toMatchObject({ code: 'INVALID', field: ['input', 'intoTicketId'] });
    expect(across.userErrors[0].message).toMatch(/different merchants/);

    const resolved = await fileTicket(app, merchant);
    await app.admin.TicketStatusChange({ input: { ticketId: resolved.id, status: 'RESOLVED' as never } });
    const intoResolved = await merge(agent.token, { ticketId: a.id, intoTicketId: resolved.id });
    expect(intoResolved.userErrors[0]).toMatchObject({ code: 'INVALID_TRANSITION', field: ['input', 'intoTicketId'] });
    const closed = await fileTicket(app, merchant);
    await app.admin.TicketStatusChange({ input: { ticketId: closed.id, status: 'CLOSED' as never } });
    const intoClosed = await merge(agent.token, { ticketId: a.id, intoTicketId: closed.id });
    expect(intoClosed.userErrors[0]).toMatchObject({ code: 'CLOSED', field: ['input', 'intoTicketId'] });
    const fromClosed = await merge(agent.token, { ticketId: closed.id, intoTicketId: b.id });
    expect(fromClosed.userErrors[0]).toMatchObject({ code: 'CLOSED', field: ['input', 'ticketId'] });
    const unknown = await merge(agent.token, { ticketId: merchant.customerId, intoTicketId: b.id });
    expect(unknown.userErrors[0]).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'ticketId'] });

    for (const id of [a.id, b.id, foreign.id]) {
      const t = await detail(agent.token, id);
      expect(t.status).toBe('OPEN');
      expect(t.mergedInto).toBeNull();
      expect(t.events.nodes.map((e: { action: string }) => e.action)).not.toContain('TICKET_MERGED');
    }
    const published = await app.orm.em
      .fork()
      .getConnection()
      .execute(
        `select count(*)::int as n from outbox_event where type = 'TICKET_MERGED' and ticket_id in (?, ?, ?, ?)`,
        [a.id, b.id, resolved.id, closed.id].map(fromGlobal),
      );
    expect(published).toEqual([{ n: 0 }]);
  });

  it('merchants cannot merge, not even their own tickets', async () => {
    const a = await fileTicket(app, merchant);
    const b = await fileTicket(app, merchant);
    const r = await app.raw(MERGE, { input: { ticketId: a.id, intoTicketId: b.id } }, merchant.token);
    expect(r.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await detail(merchant.token, a.id)).status).toBe('OPEN');
  });
});

describe(`the ticket merged into keeps its attachment limits (${ATTACHMENT_LIMITS.ticketFiles} files, ${ATTACHMENT_LIMITS.ticketBytes} bytes)`, () => {
  const REPLY = `mutation($input: TicketReplyInput!) { ticketReply(input: $input) { userErrors { message } } }`;
  const FILES = `query($id: ID!) { node(id: $id) { ... on Ticket { status attachments { id } messages(first: 100) { totalCount }
    events(first: 100) { nodes { action } } } } }`;

  /** `count` small text files on the ticket, sent by the merchant in replies of at most five. */
  async function attach(m: Merchant, ticketId: string, count: number, label: string) {
    for (let sent = 0; sent < count; sent += ATTACHMENT_LIMITS.messageFiles) {
      const batch = Array.from({ length: Math.min(ATTACHMENT_LIMITS.messageFiles, count - sent) }, (_, i) => ({
        fileName: `${label}-${sent + i}.log`,
        contentBase64: Buffer.from(`${label} line ${sent + i}\n`).toString('base64'),
      }));
      const replied = await gql(app, m.token, REPLY, { input: { ticketId, body: `Files ${label} ${sent}.`, attachments: batch } });
      expect(replied.ticketReply.userErrors).toEqual([]);
    }
  }
  async function state(id: string) {
    const node = (await gql(app, agent.token, FILES, { id })).node;
    return {
      status: node.status,
      files: node.attachments.length,
      messages: node.messages.totalCount,
      merged: node.events.nodes.some((e: { action: string }) => e.action.startsWith('TICKET_MERGED')),
    };
  }

  it('refuses a merge that would give the ticket more files than it may have, changing nothing; one that reaches the limit exactly goes through', async () => {
    const m = await createMerchant(app);
    const target = await fileTicket(app, m, { subject: 'Checkout is blank' });
    const duplicate = await fileTicket(app, m, { subject: 'Checkout page empty' });
    const smaller = await fileTicket(app, m, { subject: 'Checkout still empty' });
    await attach(m, target.id, ATTACHMENT_LIMITS.ticketFiles - 4, 'target');
    await attach(m, duplicate.id, 5, 'duplicate');
    await attach(m, smaller.id, 4, 'smaller');
    const before = { target: await state(target.id), duplicate: await state(duplicate.id), allowance: await remaining(m) };

    const refused = await merge(agent.token, { ticketId: duplicate.id, intoTicketId: target.id });
    expect(refused.ticket).toBeNull();
    expect(refused.userErrors).toEqual([
      {
        code: 'ATTACHMENT_LIMIT_REACHED',
        field: ['input', 'intoTicketId'],
        message: `${target.number} has 26 files and ${duplicate.number} 5: merged, ${target.number} would have 31, and a ticket may have at most 30. Nothing was merged: keep both tickets, or answer on one and close the other with a reply that points to it.`,
      },
    ]);
    expect({ target: await state(target.id), duplicate: await state(duplicate.id), allowance: await remaining(m) }).toEqual(before);
    expect(before.duplicate).toMatchObject({ status: 'OPEN', files: 5, merged: false });

    const fits = await merge(agent.token, { ticketId: smaller.id, intoTicketId: target.id });
    expect(fits.userErrors).toEqual([]);
    expect(await state(target.id)).toMatchObject({ files: ATTACHMENT_LIMITS.ticketFiles, merged: true });
    expect(await state(smaller.id)).toMatchObject({ status: 'CLOSED', files: 0 });
  });

  it('refuses a merge that would make the ticket carry more bytes than it may', async () => {
    const m = await createMerchant(app);
    const target = await fileTicket(app, m, { subject: 'Checkout is blank' });
    const duplicate = await fileTicket(app, m, { subject: 'Checkout page empty' });
    // Arranged in the database (ten 5 MiB uploads would only make the test slow): the ticket carries a file 10 bytes short of its limit.
    const heavy = ATTACHMENT_LIMITS.ticketBytes - 10;
    await app.orm.em
      .fork()
      .getConnection()
      .execute(
        `insert into attachment (id, ticket_id, file_name, content_type, byte_size, storage, sha256, uploader_kind)
         values (gen_random_uuid(), ?, 'dump.txt', 'text/plain; charset=utf-8', ?, 'postgres', repeat('0', 64), 'CUSTOMER')`,
        [fromGlobal(target.id), heavy],
      );
    await attach(m, duplicate.id, 1, 'dup');
    const refused = await merge(agent.token, { ticketId: duplicate.id, intoTicketId: target.id });
    expect(refused.userErrors).toHaveLength(1);
    expect(refused.userErrors[0]).toMatchObject({ code: 'ATTACHMENT_LIMIT_REACHED', field: ['input', 'intoTicketId'] });
    expect(refused.userErrors[0].message).toMatch(
      new RegExp(
        `^${target.number} carries 52,428,790 bytes of files and ${duplicate.number} \\d+ bytes: merged, ${target.number} would carry [\\d,]+ bytes, and a ticket may carry at most 52,428,800 bytes \\(50 MiB\\)\\. Nothing was merged`,
      ),
    );
    expect(await state(duplicate.id)).toMatchObject({ status: 'OPEN', files: 1, merged: false });
  });
});
