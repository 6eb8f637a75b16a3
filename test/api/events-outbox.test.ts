import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessSecretField, FileProtocol, RefundReason, RefundStatus, TicketCategory, TicketStatus } from '../sdk/generated';
import { fromGlobalId } from '../../server/common/global-id';
import { createMerchant, createStaff, createTestApp, type Merchant, type TestApp } from '../support/test-app';

let app: TestApp;
let merchant: Merchant;
let agent: Awaited<ReturnType<typeof createStaff>>;
let closedPort: number;

const ADMIN_PASSWORD = 'temporary-admin-Pa55word';
const FTP_PASSWORD = 'temporary-ftp-Pa55word';

beforeAll(async () => {
  app = await createTestApp();
  merchant = await createMerchant(app);
  agent = await createStaff(app, 'AGENT', 'DEVELOPMENT');
  // A port nobody listens on: a login check is refused at once (outcome UNREACHABLE).
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  closedPort = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
});
afterAll(() => app?.close());

interface Row {
  id: string;
  type: string;
  ticket_id: string | null;
  customer_id: string | null;
  team: string | null;
  actor_kind: string;
  actor_id: string | null;
  staff_only: boolean;
  data: Record<string, unknown>;
}

let seen = '0';
/** The events written since the last call, in order. */
async function newEvents(): Promise<Row[]> {
  const rows = await app.orm.em.fork().execute<Row[]>('select * from outbox_event where id > ? order by id', [seen]);
  if (rows.length) seen = String(rows.at(-1)!.id);
  return rows;
}
const types = (rows: Row[]) => rows.map((r) => r.type);
const raw = (globalId: string) => fromGlobalId(globalId)!.id;

const access = (port?: number) => ({
  storeAdmin: { url: 'https://shop.example.com/admin', username: 'support-admin', password: ADMIN_PASSWORD },
  fileAccess: {
    protocol: FileProtocol.Ftp,
    host: '127.0.0.1',
    port: port ?? closedPort,
    username: 'ftp-user',
    password: FTP_PASSWORD,
    rootPath: '/public_html',
  },
});

describe('each change writes its domain events in its own transaction', () => {
  let ticketId: string;

  it('filing a ticket: TICKET_FILED with the ticket, its customer, its team and the merchant as actor', async () => {
    await newEvents();
    const created = await merchant.sdk.TicketCreate({
      input: { subject: 'Checkout is blank', description: 'Guests paying with PayPal see a blank page.', category: TicketCategory.BugFix },
    });
    ticketId = created.ticketCreate.ticket!.id;
    const [filed, ...rest] = await newEvents();
    expect(rest).toEqual([]);
    expect(filed).toMatchObject({
      type: 'TICKET_FILED',
      ticket_id: raw(ticketId),
      customer_id: raw(merchant.customerId),
      team: 'DEVELOPMENT',
      actor_kind: 'MERCHANT',
      staff_only: false,
      data: { number: created.ticketCreate.ticket!.number, category: 'BUG_FIX' },
    });
  });

  it('a refused mutation writes no event (and nothing else)', async () => {
    const refused = await merchant.sdk.TicketReply({ input: { ticketId, body: 'Only staff may write this.', internal: true } });
    expect(refused.ticketReply.userErrors[0]!.code).toBe('FORBIDDEN');
    const wrongTransition = await agent.sdk.TicketStatusChange({ input: { ticketId, status: TicketStatus.Resolved } });
    expect(wrongTransition.ticketStatusChange.userErrors).not.toEqual([]);
    expect(await newEvents()).toEqual([]);
  });

  it('access given, assignment, replies and notes, reveal, check: each its event; no secret or note text in any', async () => {
    await merchant.sdk.TicketAccessProvide({ input: { ticketId, ...access() } });
    expect((await newEvents()).map((r) => [r.type, r.data.from ?? null, r.data.to ?? null])).toEqual([
      ['ACCESS_PROVIDED', null, null],
      ['STATUS_CHANGED', 'AWAITING_ACCESS', 'OPEN'],
    ]);
    await app.admin.TicketAssign({ input: { ticketId, assigneeId: agent.id } });
    const [assigned] = await newEvents();
    expect(assigned).toMatchObject({ type: 'TICKET_ASSIGNED', staff_only: true, actor_kind: 'STAFF', data: { to: raw(agent.id) } });

    const note = 'Internal: the host is cheap, blame them.';
    const internal = await agent.sdk.TicketReply({ input: { ticketId, body: note, internal: true } });
    await agent.sdk.TicketReply({ input: { ticketId, body: 'We are looking at it now.' } });
    await merchant.sdk.TicketReply({ input: { ticketId, body: 'Thanks, waiting.' } });
    const replies = await newEvents();
    expect(types(replies)).toEqual(['INTERNAL_NOTE_ADDED', 'STAFF_REPLIED', 'MERCHANT_REPLIED']);
    expect(replies[0]).toMatchObject({ staff_only: true, actor_id: raw(agent.id), data: { messageId: raw(internal.ticketReply.message!.id) } });
    expect(replies[2]).toMatchObject({ staff_only: false, actor_kind: 'MERCHANT', actor_id: raw(merchant.customerId) });

    const revealed = await agent.sdk.TicketAccessReveal({ input: { ticketId, field: AccessSecretField.StoreAdminPassword } });
    expect(revealed.ticketAccessReveal.secret!.value).toBe(ADMIN_PASSWORD);
    const verified = await agent.sdk.TicketAccessVerify({ input: { ticketId } });
    expect(verified.ticketAccessVerify.verification!.outcome).toBe('UNREACHABLE');
    const checks = await newEvents();
    expect(checks.map((r) => [r.type, r.staff_only])).toEqual([
      ['ACCESS_REVEALED', true],
      ['ACCESS_VERIFIED', false],
    ]);
    expect(checks[1]!.data).toMatchObject({ outcome: 'UNREACHABLE' });

    const everything = JSON.stringify(await app.orm.em.fork().execute('select * from outbox_event'));
    for (const secret of [ADMIN_PASSWORD, FTP_PASSWORD, note, merchant.token, app.adminToken]) expect(everything).not.toContain(secret);
  });

  it('resolution asks for the access to be disabled; the confirmation disables and shreds it', async () => {
    await agent.sdk.TicketStatusChange({ input: { ticketId, status: TicketStatus.Resolved } });
    const [resolved] = await newEvents();
    expect(resolved).toMatchObject({ type: 'STATUS_CHANGED', data: { from: 'OPEN', to: 'RESOLVED', disableAccessRequested: true } });
    await merchant.sdk.TicketAccessDisabledConfirm({ input: { ticketId } });
    expect(types(await newEvents())).toEqual(['ACCESS_SHREDDED', 'ACCESS_DISABLED']);
  });

  it('a quote and its answer; a port decision with a surcharge and its answer', async () => {
    const custom = await merchant.sdk.TicketCreate({
      input: {
        subject: 'A new shipping module',
        description: 'We need a custom shipping module for our courier.',
        category: TicketCategory.CustomExtensionDevelopment,
      },
    });
    const customId = custom.ticketCreate.ticket!.id;
    await app.admin.TicketQuoteSet({ input: { ticketId: customId, amount: 15000 } });
    await merchant.sdk.TicketQuoteRespond({ input: { ticketId: customId, accept: true } });
    const quote = await newEvents();
    expect(types(quote)).toEqual(['TICKET_FILED', 'QUOTE_SET', 'QUOTE_ANSWERED']);
    expect(quote[1]!.data).toMatchObject({ amountMinor: 15000, amount: expect.stringContaining('150.00') });
    expect(quote[2]!.data).toMatchObject({ accepted: true });

    const port = await merchant.sdk.TicketCreate({
      input: {
        subject: 'Mail does not send',
        description: 'Our MijoShop store cannot send mail.',
        category: TicketCategory.BugFix,
        environment: { opencartVersion: '1.5.6.4', platform: 'MIJOSHOP' as never },
      },
    });
    const portId = port.ticketCreate.ticket!.id;
    await app.admin.TicketPortDecide({ input: { ticketId: portId, decision: 'ACCEPT_WITH_SURCHARGE' as never, surchargeAmount: 2500 } });
    await merchant.sdk.TicketSurchargeRespond({ input: { ticketId: portId, accept: false } });
    const decided = await newEvents();
    expect(types(decided)).toEqual(['TICKET_FILED', 'PORT_DECIDED', 'SURCHARGE_SET', 'SURCHARGE_ANSWERED', 'STATUS_CHANGED']);
    expect(decided[2]!.data).toMatchObject({ amountMinor: 2500 });
    expect(decided[4]!.data).toMatchObject({ to: 'CLOSED', rule: 'SURCHARGE_DECLINED' });
  });

  it('the allowance nearly used: once, when two of ten tickets are left', async () => {
    const busy = await createMerchant(app);
    await newEvents();
    for (let i = 1; i <= 9; i++) {
      await busy.sdk.TicketCreate({
        input: { subject: `Question ${i}`, description: 'How do I configure the shipping zones?', category: TicketCategory.BugFix },
      });
    }
    const nearly = (await newEvents()).filter((r) => r.type === 'ALLOWANCE_NEARLY_USED');
    expect(nearly).toHaveLength(1);
    expect(nearly[0]).toMatchObject({ customer_id: raw(busy.customerId), ticket_id: null, data: { limit: 10, remaining: 2 } });
  });

  it('refunds requested and decided; a ban', async () => {
    // A guaranteed first reply left late: the month becomes refundable.
    const late = await createMerchant(app);
    const filed = await late.sdk.TicketCreate({
      input: { subject: 'Checkout is blank', description: 'Guests paying with PayPal see a blank page.', category: TicketCategory.BugFix },
    });
    await app.admin.TicketAccessWaive({ input: { ticketId: filed.ticketCreate.ticket!.id, reason: 'Credentials checked by phone.' } });
    const start = app.now();
    app.setNow(start.plus({ days: 2 }));
    await newEvents();
    const requested = await late.sdk.RefundRequest({
      input: { subscriptionId: late.subscriptionId, reason: RefundReason.ServiceNotDelivered, details: 'Nobody replied in time.' },
    });
    const refundId = requested.refundRequest.refund!.id;
    await app.admin.RefundDecide({ input: { refundId, decision: RefundStatus.Rejected } });
    app.setNow(start);
    const refunds = await newEvents();
    expect(refunds.map((r) => [r.type, r.data.decision ?? null])).toEqual([
      ['REFUND_REQUESTED', null],
      ['REFUND_DECIDED', 'REJECTED'],
    ]);
    expect(refunds[1]).toMatchObject({ customer_id: raw(late.customerId), staff_only: false, data: { refundId: raw(refundId) } });

    await app.admin.CustomerBan({ input: { customerId: merchant.customerId, reason: 'ABUSE' as never, note: 'Threats.' } });
    const ban = await newEvents();
    expect(types(ban).at(-1)).toBe('CUSTOMER_BANNED');
    expect(ban.at(-1)).toMatchObject({ staff_only: true, data: { reason: 'ABUSE' } });
    expect(ban.filter((r) => r.type === 'STATUS_CHANGED').every((r) => r.data.to === 'CLOSED')).toBe(true);
  });
});
