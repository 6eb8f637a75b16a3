import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/app/logger';
import { DomainEventType, type DomainEvent } from '../../server/modules/events/domain-event';
import { DomainEvents } from '../../server/modules/events/domain-events';
import { startEventRuntime, type EventRuntime } from '../../server/modules/events/events.runtime';
import { fromGlobalId } from '../../server/common/global-id';
import { TicketCategory } from '../sdk/generated';
import { createMerchant, createStaff, createTestApp, type Merchant, type TestApp } from '../support/test-app';

let app: TestApp;
let events: EventRuntime;
let publisher: DomainEvents;
let merchant: Merchant;
let other: Merchant;
let assignee: Awaited<ReturnType<typeof createStaff>>;
let teammate: Awaited<ReturnType<typeof createStaff>>;
let supportAgent: Awaited<ReturnType<typeof createStaff>>;
let ticket: { id: string; rawId: string; number: string };
let adminId: string;

const NOTIFICATIONS = `query N($first: Int, $unreadOnly: Boolean) { viewer { notifications(first: $first, unreadOnly: $unreadOnly) {
  totalCount unreadCount edges { cursor node { id type title body ticketNumber occurredAt readAt email { toAddress subject text html status } } } } } }`;

beforeAll(async () => {
  app = await createTestApp();
  // This process's relay with the desk's consumers; email is off (no SMTP_URL): emails are kept.
  events = await startEventRuntime({
    orm: app.orm,
    logger: createLogger('silent'),
    clock: () => app.now(),
    relayEnabled: true,
    mail: { smtpUrl: null, from: 'Desk <desk@support.test>', ticketUrlTemplate: 'https://desk.example.com/tickets/{number}' },
  });
  publisher = new DomainEvents(() => app.now());
  merchant = await createMerchant(app);
  other = await createMerchant(app);
  assignee = await createStaff(app, 'AGENT', 'DEVELOPMENT');
  teammate = await createStaff(app, 'AGENT', 'DEVELOPMENT');
  supportAgent = await createStaff(app, 'AGENT', 'SUPPORT');
  const viewer = await app.raw('{ viewer { staffMember { id } } }', {}, app.adminToken);
  adminId = fromGlobalId(viewer.body.data!.viewer.staffMember.id)!.id;
  const created = await merchant.sdk.TicketCreate({
    input: { subject: 'Checkout <b>blank</b>', description: 'Guests paying with PayPal see a blank page since the update.', category: TicketCategory.BugFix },
  });
  const t = created.ticketCreate.ticket!;
  ticket = { id: t.id, rawId: fromGlobalId(t.id)!.id, number: t.number };
  await app.admin.TicketAssign({ input: { ticketId: t.id, assigneeId: assignee.id } });
  // The filing's own TICKET_FILED, published by the intake service.
  await events.relay.drain();
});
afterAll(async () => {
  await events?.stop();
  await app?.close();
});

/** Publishes as a service would (in a transaction), then lets the relay deliver everything. */
async function happen(type: DomainEventType, actor: DomainEvent['actor'], data: DomainEvent['data'] = {}, staffOnly = false) {
  const customerId = fromGlobalId(merchant.customerId)!.id;
  await app.orm.em
    .fork()
    .transactional((em) => publisher.publish(em, { type, ticketId: ticket.rawId, customerId, team: 'DEVELOPMENT', actor, staffOnly, data }));
  await events.relay.drain();
}

async function notificationsOf(token: string, unreadOnly = false) {
  const r = await app.raw(NOTIFICATIONS, { first: 50, unreadOnly }, token);
  expect(r.body.errors).toBeUndefined();
  return r.body.data!.viewer.notifications as {
    totalCount: number;
    unreadCount: number;
    edges: Array<{
      node: {
        id: string;
        type: string;
        title: string;
        body: string;
        ticketNumber: string | null;
        readAt: string | null;
        email: null | { toAddress: string; subject: string; text: string; html: string; status: string };
      };
    }>;
  };
}

const staffActor = (id: string): DomainEvent['actor'] => ({ kind: 'STAFF', id: fromGlobalId(id)!.id });

describe('in-app notifications', () => {
  it('a new ticket reaches the active staff of its team, not the other team, not the merchant; the assignment reaches the assignee', async () => {
    for (const person of [assignee, teammate]) {
      const filed = (await notificationsOf(person.token)).edges.filter((e) => e.node.type === 'TICKET_FILED');
      expect(filed).toHaveLength(1);
      expect(filed[0]!.node).toMatchObject({ ticketNumber: ticket.number, title: `${ticket.number}: new ticket` });
    }
    expect((await notificationsOf(assignee.token)).edges.map((e) => e.node.type)).toEqual(['TICKET_ASSIGNED', 'TICKET_FILED']);
    expect((await notificationsOf(assignee.token)).edges[0]!.node.title).toBe(`${ticket.number}: assigned to you`);
    expect((await notificationsOf(teammate.token)).edges.map((e) => e.node.type)).toEqual(['TICKET_FILED']);
    expect((await notificationsOf(supportAgent.token)).totalCount).toBe(0);
    expect((await notificationsOf(merchant.token)).totalCount).toBe(0);
  });

  it('a staff reply reaches the merchant (with the email kept, as email is off), never another merchant nor the staff member who wrote it', async () => {
    await happen(DomainEventType.STAFF_REPLIED, staffActor(assignee.id), { messageId: 'x' });
    const mine = await notificationsOf(merchant.token);
    expect(mine.unreadCount).toBe(1);
    const node = mine.edges[0]!.node;
    expect(node).toMatchObject({ type: 'STAFF_REPLIED', title: `${ticket.number}: support replied`, readAt: null });
    expect(node.email).toMatchObject({ status: 'KEPT' });
    expect(node.email!.subject).toContain(ticket.number);
    expect(node.email!.text).toContain(`https://desk.example.com/tickets/${ticket.number}`);
    // The merchant's own words are escaped in the HTML part.
    expect(node.email!.html).toContain('Checkout &lt;b&gt;blank&lt;/b&gt;');
    expect(node.email!.html).not.toContain('<b>blank</b>');
    expect((await notificationsOf(other.token)).totalCount).toBe(0);
    expect((await notificationsOf(assignee.token)).edges.map((e) => e.node.type)).toEqual(['TICKET_ASSIGNED', 'TICKET_FILED']);
  });

  it("a staff-only event (an internal note, an access reveal) reaches no merchant; a colleague's reaches the assignee, never the note's text", async () => {
    await happen(DomainEventType.INTERNAL_NOTE_ADDED, staffActor(teammate.id), { messageId: 'note' }, true);
    await happen(DomainEventType.ACCESS_REVEALED, staffActor(teammate.id), { field: 'FTP_PASSWORD' }, true);
    expect((await notificationsOf(merchant.token)).edges.map((e) => e.node.type)).toEqual(['STAFF_REPLIED']);
    const [revealed, note] = (await notificationsOf(assignee.token)).edges.map((e) => e.node);
    expect(note).toMatchObject({ type: 'INTERNAL_NOTE_ADDED', title: `${ticket.number}: an internal note was added`, email: { status: 'KEPT' } });
    expect(note!.email!.text).toContain('Open the ticket to read it.');
    expect(revealed).toMatchObject({ type: 'ACCESS_REVEALED', title: `${ticket.number}: stored access opened` });
    // Nobody is told of their own action.
    expect((await notificationsOf(teammate.token)).edges.map((e) => e.node.type)).toEqual(['TICKET_FILED']);
  });

  it('a merchant reply reaches the assignee only; a resolution reminds the merchant to disable the access', async () => {
    await happen(DomainEventType.MERCHANT_REPLIED, { kind: 'MERCHANT', id: null }, { messageId: 'y' });
    expect((await notificationsOf(assignee.token)).edges[0]!.node.type).toBe('MERCHANT_REPLIED');
    expect((await notificationsOf(teammate.token)).edges.map((e) => e.node.type)).toEqual(['TICKET_FILED']);
    await happen(DomainEventType.STATUS_CHANGED, staffActor(assignee.id), { from: 'IN_PROGRESS', to: 'RESOLVED' });
    const latest = (await notificationsOf(merchant.token)).edges[0]!.node;
    expect(latest.title).toBe(`${ticket.number}: now resolved`);
    expect(latest.body).toMatch(/disable the temporary store-admin and FTP access/);
  });

  it('escalations: the assignee at 75 %, every admin and the assignee on a breach; never the merchant', async () => {
    const sla = { target: 'FIRST_REPLY', targetMinutes: 540, usedMinutes: 405, dueAt: '2026-03-04T05:00:00.000-05:00' };
    await happen(DomainEventType.SLA_TARGET_AT_75_PERCENT, { kind: 'SYSTEM', id: null }, sla, true);
    expect((await notificationsOf(assignee.token)).edges[0]!.node.title).toBe(`${ticket.number}: 75 % of the first reply time used`);
    expect((await notificationsOf(app.adminToken)).edges.map((e) => e.node.type)).not.toContain('SLA_TARGET_AT_75_PERCENT');
    await happen(DomainEventType.SLA_BREACHED, { kind: 'SYSTEM', id: null }, { ...sla, usedMinutes: 540 }, true);
    expect((await notificationsOf(app.adminToken)).edges[0]!.node.type).toBe('SLA_BREACHED');
    expect((await notificationsOf(assignee.token)).edges[0]!.node.type).toBe('SLA_BREACHED');
    expect((await notificationsOf(teammate.token)).edges.map((e) => e.node.type)).toEqual(['TICKET_FILED']);
    expect((await notificationsOf(merchant.token)).edges.map((e) => e.node.type)).not.toContain('SLA_BREACHED');
    expect(adminId).toBeTruthy();
  });

  it("mark read: one at a time or all; nobody can mark another person's notification", async () => {
    const before = await notificationsOf(merchant.token);
    expect(before.unreadCount).toBe(2);
    const first = before.edges[0]!.node.id;
    const refused = await app.raw(
      'mutation M($ids: [ID!]!) { notificationMarkRead(input: { ids: $ids }) { unreadCount userErrors { code field } } }',
      { ids: [first] },
      other.token,
    );
    expect(refused.body.data!.notificationMarkRead.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'ids', '0'] }]);
    const marked = await app.raw(
      'mutation M($ids: [ID!]!) { notificationMarkRead(input: { ids: $ids }) { unreadCount notifications { id readAt } userErrors { code } } }',
      { ids: [first] },
      merchant.token,
    );
    expect(marked.body.data!.notificationMarkRead).toMatchObject({
      unreadCount: 1,
      userErrors: [],
      notifications: [{ id: first, readAt: app.now().toUTC().toISO() }],
    });
    expect((await notificationsOf(merchant.token, true)).edges.map((e) => e.node.id)).not.toContain(first);
    const all = await app.raw('mutation { notificationMarkAllRead(input: {}) { unreadCount userErrors { code } } }', {}, merchant.token);
    expect(all.body.data!.notificationMarkAllRead).toEqual({ unreadCount: 0, userErrors: [] });
    expect((await notificationsOf(assignee.token)).unreadCount).toBeGreaterThan(0);
  });

  it("mark read by ticket: only that ticket's notifications, only the viewer's", async () => {
    const second = (
      await merchant.sdk.TicketCreate({ input: { subject: 'Second', description: 'Another problem entirely.', category: TicketCategory.BugFix } })
    ).ticketCreate.ticket!;
    const customerId = fromGlobalId(merchant.customerId)!.id;
    await app.orm.em.fork().transactional((em) =>
      publisher.publish(em, {
        type: DomainEventType.STAFF_REPLIED,
        ticketId: fromGlobalId(second.id)!.id,
        customerId,
        team: 'DEVELOPMENT',
        actor: staffActor(assignee.id),
        staffOnly: false,
        data: { messageId: 'y' },
      }),
    );
    await happen(DomainEventType.STAFF_REPLIED, staffActor(assignee.id), { messageId: 'z' });
    expect((await notificationsOf(merchant.token, true)).edges.map((e) => e.node.ticketNumber).sort()).toEqual([ticket.number, second.number].sort());
    const MARK = 'mutation M($id: ID) { notificationMarkAllRead(input: { ticketId: $id }) { unreadCount userErrors { code field } } }';
    // Another merchant naming this ticket marks nothing of this merchant's.
    expect((await app.raw(MARK, { id: second.id }, other.token)).body.data!.notificationMarkAllRead).toEqual({ unreadCount: 0, userErrors: [] });
    expect((await app.raw(MARK, { id: second.id }, merchant.token)).body.data!.notificationMarkAllRead).toEqual({ unreadCount: 1, userErrors: [] });
    expect((await notificationsOf(merchant.token, true)).edges.map((e) => e.node.ticketNumber)).toEqual([ticket.number]);
    expect((await app.raw(MARK, { id: merchant.customerId }, merchant.token)).body.data!.notificationMarkAllRead).toEqual({
      unreadCount: null,
      userErrors: [{ code: 'NOT_FOUND', field: ['input', 'ticketId'] }],
    });
    await app.raw('mutation { notificationMarkAllRead(input: {}) { unreadCount } }', {}, merchant.token);
  });

  it("the merchant's answers reach the team while nobody is assigned; the merchant is told of the allowance their own filing used, not of their own answers", async () => {
    const unassigned = (
      await merchant.sdk.TicketCreate({ input: { subject: 'A new module', description: 'A custom shipping module.', category: TicketCategory.BugFix } })
    ).ticketCreate.ticket!;
    await events.relay.drain();
    const customerId = fromGlobalId(merchant.customerId)!.id;
    const merchantActor: DomainEvent['actor'] = { kind: 'MERCHANT', id: customerId };
    await app.orm.em.fork().transactional(async (em) => {
      const base = { ticketId: fromGlobalId(unassigned.id)!.id, customerId, team: 'DEVELOPMENT', actor: merchantActor, staffOnly: false };
      await publisher.publish(em, { ...base, type: DomainEventType.QUOTE_ANSWERED, data: { number: unassigned.number, accepted: true } });
      await publisher.publish(em, {
        ...base,
        type: DomainEventType.ALLOWANCE_NEARLY_USED,
        ticketId: null,
        team: null,
        data: { number: unassigned.number, limit: 10, remaining: 2 },
      });
    });
    await events.relay.drain();
    for (const person of [assignee, teammate]) {
      const [answered] = (await notificationsOf(person.token)).edges.map((e) => e.node);
      expect(answered).toMatchObject({ type: 'QUOTE_ANSWERED', ticketNumber: unassigned.number, title: `${unassigned.number}: the quote was accepted` });
    }
    expect((await notificationsOf(supportAgent.token)).totalCount).toBe(0);
    const [allowance] = (await notificationsOf(merchant.token)).edges.map((e) => e.node);
    expect(allowance).toMatchObject({ type: 'ALLOWANCE_NEARLY_USED', title: '2 of your 10 tickets left this period', ticketNumber: null });
    expect((await notificationsOf(merchant.token)).edges.map((e) => e.node.type)).not.toContain('QUOTE_ANSWERED');
    await app.raw('mutation { notificationMarkAllRead(input: {}) { unreadCount } }', {}, merchant.token);
  });

  it("a disabled assignee's tickets: the merchant's answers reach the team instead of nobody, and nothing is kept for the disabled account", async () => {
    const leaving = await createStaff(app, 'AGENT', 'DEVELOPMENT');
    const filed = (
      await merchant.sdk.TicketCreate({
        input: { subject: 'Coupons ignored', description: 'Coupons are ignored at checkout.', category: TicketCategory.BugFix },
      })
    ).ticketCreate.ticket!;
    await app.admin.TicketAssign({ input: { ticketId: filed.id, assigneeId: leaving.id } });
    const disabled = await app.raw(
      'mutation ($id: ID!) { staffMemberUpdate(input: { staffMemberId: $id, active: false }) { userErrors { code } } }',
      { id: leaving.id },
      app.adminToken,
    );
    expect(disabled.body.data!.staffMemberUpdate.userErrors).toEqual([]);
    await events.relay.drain();
    const customerId = fromGlobalId(merchant.customerId)!.id;
    await app.orm.em.fork().transactional((em) =>
      publisher.publish(em, {
        type: DomainEventType.MERCHANT_REPLIED,
        ticketId: fromGlobalId(filed.id)!.id,
        customerId,
        team: 'DEVELOPMENT',
        actor: { kind: 'MERCHANT', id: customerId },
        staffOnly: false,
        data: { number: filed.number },
      }),
    );
    await events.relay.drain();
    for (const person of [assignee, teammate]) {
      const [replied] = (await notificationsOf(person.token)).edges.map((e) => e.node);
      expect(replied).toMatchObject({ type: 'MERCHANT_REPLIED', ticketNumber: filed.number, email: { status: 'KEPT' } });
    }
    const kept = await app.orm.em
      .fork()
      .execute<Array<{ n: string }>>("select count(*)::text as n from notification where recipient = 'staff:' || ? and type = 'MERCHANT_REPLIED'", [
        fromGlobalId(leaving.id)!.id,
      ]);
    expect(kept[0]!.n).toBe('0');
  });

  it('email preferences: a person chooses which events are emailed, or none; in-app notifications stay', async () => {
    const update = await app.raw(
      'mutation P($input: NotificationPreferencesUpdateInput!) { notificationPreferencesUpdate(input: $input) { preferences { emailEnabled emailEventTypes } userErrors { code } } }',
      { input: { emailEventTypes: ['STATUS_CHANGED'] } },
      merchant.token,
    );
    expect(update.body.data!.notificationPreferencesUpdate).toEqual({
      preferences: { emailEnabled: true, emailEventTypes: ['STATUS_CHANGED'] },
      userErrors: [],
    });
    await happen(DomainEventType.STAFF_REPLIED, staffActor(assignee.id), { messageId: 'z' });
    await happen(DomainEventType.STATUS_CHANGED, staffActor(assignee.id), { from: 'RESOLVED', to: 'OPEN' });
    const [statusChange, reply] = (await notificationsOf(merchant.token)).edges.map((e) => e.node);
    expect(reply).toMatchObject({ type: 'STAFF_REPLIED', email: null });
    expect(statusChange).toMatchObject({ type: 'STATUS_CHANGED', email: { status: 'KEPT' } });

    await app.raw('mutation { notificationPreferencesUpdate(input: { emailEnabled: false }) { userErrors { code } } }', {}, merchant.token);
    await happen(DomainEventType.STATUS_CHANGED, staffActor(assignee.id), { from: 'OPEN', to: 'IN_PROGRESS' });
    expect((await notificationsOf(merchant.token)).edges[0]!.node).toMatchObject({ type: 'STATUS_CHANGED', email: null });
    const prefs = await app.raw('{ viewer { notificationPreferences { emailEnabled emailEventTypes } } }', {}, merchant.token);
    expect(prefs.body.data!.viewer.notificationPreferences).toEqual({ emailEnabled: false, emailEventTypes: ['STATUS_CHANGED'] });
  });

  it('without SMTP_URL the log says email is off (and where the emails are kept); with it, nothing of the kind and never the URL', async () => {
    const logged = async (smtpUrl: string | null) => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      });
      const runtime = await startEventRuntime({
        orm: app.orm,
        logger: createLogger('info', sink),
        clock: () => app.now(),
        relayEnabled: false,
        mail: { smtpUrl, from: 'Desk <desk@support.test>', ticketUrlTemplate: 'https://desk.example.com/tickets/{number}' },
      });
      await runtime.stop();
      return lines.join('');
    };
    const off = await logged(null);
    expect(off).toContain('email is off (no SMTP_URL)');
    expect(off).toContain('viewer.notifications { email }');
    const on = await logged('smtp://mailer:s3cret-pass@127.0.0.1:2525');
    expect(on).not.toContain('email is off');
    expect(on).not.toContain('s3cret-pass');
  });

  it('anonymous callers have no notifications', async () => {
    const r = await app.raw('{ viewer { notifications { totalCount } } }', {});
    expect(r.body.data!.viewer.notifications).toBeNull();
  });
});

describe('personal data: "erases a customer on request"', () => {
  it("erasing a merchant removes their notifications and emails, takes their words out of staff's copies, and mails nothing to the pseudonym", async () => {
    const leaving = await createMerchant(app);
    const filed = await leaving.sdk.TicketCreate({
      input: { subject: 'Marmalade shop checkout', description: 'The Marmalade shop checkout hangs after the shipping step.', category: TicketCategory.BugFix },
    });
    const id = filed.ticketCreate.ticket!.id;
    await app.admin.TicketReply({ input: { ticketId: id, body: 'Looking at the shipping step now.' } });
    await events.relay.drain();
    const customerId = fromGlobalId(leaving.customerId)!.id;
    const rows = (sql: string) => app.orm.em.fork().execute<Array<{ text: string }>>(sql, [customerId, customerId]);
    const [{ email }] = await app.orm.em.fork().execute<Array<{ email: string }>>('select email from customer where id = ?', [customerId]);
    const WHAT_WE_HOLD = `select n.title || ' ' || n.body as text from notification n where n.recipient = 'customer:' || ?
      union all select e.to_address || ' ' || e.subject || ' ' || e.text || ' ' || e.html from outbound_email e where e.recipient = 'customer:' || ?`;
    const ABOUT_THEM = `select n.title || ' ' || n.body as text from notification n where n.ticket_id in (select id from ticket where customer_id = ?)
      union all select e.subject || ' ' || e.text || ' ' || e.html from outbound_email e where e.event_id in (select id from outbox_event where customer_id = ?)`;
    // Before: the merchant was told of the reply (and mailed), staff of the new ticket, with its subject.
    expect((await rows(WHAT_WE_HOLD)).some((r: { text: string }) => r.text.includes(email))).toBe(true);
    expect((await rows(ABOUT_THEM)).some((r: { text: string }) => r.text.includes('Marmalade'))).toBe(true);

    const erased = await app.raw(
      'mutation($input: CustomerEraseInput!) { customerErase(input: $input) { userErrors { code } } }',
      { input: { customerId: leaving.customerId, confirmEmail: email } },
      app.adminToken,
    );
    expect(erased.body.data!.customerErase.userErrors).toEqual([]);
    await events.relay.drain(); // the erasure closed the ticket: its events are delivered after it

    const held = (await rows(WHAT_WE_HOLD)) as Array<{ text: string }>;
    expect(held.filter((r) => r.text.includes('@'))).toEqual([]); // no email to the real address or the pseudonym
    for (const r of [...held, ...((await rows(ABOUT_THEM)) as Array<{ text: string }>)]) {
      expect(r.text).not.toContain('Marmalade');
      expect(r.text).not.toContain(email);
    }
  });
});
