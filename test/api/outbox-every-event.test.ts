import { createClient, type Client } from 'graphql-ws';
import { DateTime } from 'luxon';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createLogger } from '../../server/app/logger';
import { fromGlobalId } from '../../server/common/global-id';
import { type DomainEvent, DomainEventType } from '../../server/modules/events/domain-event';
import { DomainEvents } from '../../server/modules/events/domain-events';
import { customerEvent, ticketEvent } from '../../server/modules/events/event-of';
import { startEventRuntime, type EventRuntime } from '../../server/modules/events/events.runtime';
import { LiveHub } from '../../server/modules/live/live-hub';
import { registerWebhookConsumer, startWebhooks, type WebhookRuntime } from '../../server/modules/webhook/webhook.runtime';
import { TicketCategory } from '../sdk/generated';
import { type MailReceived, startSmtpServer } from '../support/smtp-server';
import { WebhookReceiver } from '../support/webhook-receiver';
import { createMerchant, createStaff, createTestApp, type Merchant, type TestApp } from '../support/test-app';

/**
 * Every event type, committed once, through every consumer of the desk on a real PostgreSQL: a
 * signed webhook, the live feeds (scoped like queries), and the in-app notification with its
 * email, sent to a real SMTP server, for exactly the people the README's "who is told" table names.
 */
let app: TestApp;
let events: EventRuntime;
let webhooks: WebhookRuntime;
let hub: LiveHub;
let merchant: Merchant;
let other: Merchant;
let agent: Awaited<ReturnType<typeof createStaff>>;
let ticket: { id: string; rawId: string; number: string };
const clients: Client[] = [];
const received = () => receiver.events<{ type: string; data: Record<string, unknown> }>();
let secret = '';
let receiver: WebhookReceiver;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let mailed: MailReceived[] = [];

const MATRIX_AT = DateTime.fromISO('2026-03-04T06:00:00.000-05:00', { setZone: true });

/** The README's "who is told" table, for a ticket of the development team assigned to `agent`. */
const TOLD = {
  merchant: [
    'STAFF_REPLIED',
    'STATUS_CHANGED',
    'QUOTE_SET',
    'SURCHARGE_SET',
    'PORT_DECIDED',
    'ACCESS_VERIFIED',
    'ACCESS_SHREDDED',
    'REFUND_DECIDED',
    'ALLOWANCE_NEARLY_USED',
    'TICKET_MERGED',
  ],
  agent: [
    'TICKET_FILED',
    'MERCHANT_REPLIED',
    'INTERNAL_NOTE_ADDED',
    'TICKET_ASSIGNED',
    'QUOTE_ANSWERED',
    'SURCHARGE_ANSWERED',
    'ACCESS_PROVIDED',
    'ACCESS_VERIFIED',
    'ACCESS_REVEALED',
    'ACCESS_DISABLED',
    'TICKET_RATED',
    'SLA_TARGET_AT_75_PERCENT',
    'SLA_BREACHED',
  ],
  // The first admin is on the development team too: told of its new tickets.
  admin: ['TICKET_FILED', 'REFUND_REQUESTED', 'CUSTOMER_BANNED', 'SLA_BREACHED', 'SLA_ESCALATIONS_CAUGHT_UP', 'WEBHOOK_ENDPOINT_DISABLED'],
  other: [],
};

/** Events about an account rather than a ticket. */
const ACCOUNT_EVENTS = new Set<string>(['REFUND_REQUESTED', 'REFUND_DECIDED', 'CUSTOMER_BANNED', 'ALLOWANCE_NEARLY_USED']);

function liveFeed(url: string, token: string, query: string, variables: Record<string, unknown>) {
  const client = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { Authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  clients.push(client);
  const seen: Array<{ type: string; staffOnly: boolean; ticketId: string | null; data: Record<string, unknown>; occurredAt?: string }> = [];
  client.subscribe<Record<string, (typeof seen)[number]>>(
    { query, variables },
    { next: (result) => result.data && seen.push(Object.values(result.data)[0]!), error: () => {}, complete: () => {} },
  );
  return seen;
}

async function until(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return done();
}

let queueFeed: ReturnType<typeof liveFeed>;
let merchantFeed: ReturnType<typeof liveFeed>;
let otherFeed: ReturnType<typeof liveFeed>;
/** Each person's `notificationAdded` subscription. */
const notificationFeeds: Record<string, ReturnType<typeof liveFeed>> = {};

beforeAll(async () => {
  app = await createTestApp();
  smtp = await startSmtpServer();
  mailed = smtp.received;
  const logger = createLogger('silent');
  webhooks = startWebhooks({ orm: app.orm, keyring: app.vault.keyring, clock: () => app.now(), logger, production: false, autoStart: false });
  events = await startEventRuntime({
    orm: app.orm,
    logger,
    clock: () => app.now(),
    relayEnabled: true,
    mail: { smtpUrl: `smtp://127.0.0.1:${smtp.port}`, from: 'Desk <desk@support.test>', ticketUrlTemplate: 'https://desk.example.com/t/{number}' },
    consumers: [(relay) => registerWebhookConsumer(relay, webhooks)],
  });
  hub = new LiveHub({ orm: app.orm, logger });
  await hub.start();
  const api = await app.serveAlso({ live: hub, webhooks });

  receiver = new WebhookReceiver(() => Math.floor(app.now().toSeconds()));
  const receiverUrl = await receiver.listen();
  const created = await app.raw(
    'mutation($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) { secret userErrors { message } } }',
    { input: { url: receiverUrl, eventTypes: Object.values(DomainEventType) } },
    app.adminToken,
  );
  secret = created.body.data!.webhookEndpointCreate.secret;
  receiver.secret = secret;

  merchant = await createMerchant(app);
  other = await createMerchant(app);
  agent = await createStaff(app, 'AGENT', 'DEVELOPMENT');
  const filed = (
    await merchant.sdk.TicketCreate({ input: { subject: 'Blank checkout', description: 'Blank page after paying.', category: TicketCategory.BugFix } })
  ).ticketCreate.ticket!;
  ticket = { id: filed.id, rawId: fromGlobalId(filed.id)!.id, number: filed.number };
  await app.admin.TicketAssign({ input: { ticketId: ticket.id, assigneeId: agent.id } });
  const otherTicket = (await other.sdk.TicketCreate({ input: { subject: 'Slow admin', description: 'The admin is slow.', category: TicketCategory.BugFix } }))
    .ticketCreate.ticket!;

  const LIVE = 'type staffOnly ticketId data';
  queueFeed = liveFeed(api.url, agent.token, `subscription { queueEvents(team: DEVELOPMENT) { ${LIVE} } }`, {});
  merchantFeed = liveFeed(api.url, merchant.token, `subscription($id: ID!) { ticketEvents(ticketId: $id) { ${LIVE} } }`, { id: ticket.id });
  otherFeed = liveFeed(api.url, other.token, `subscription($id: ID!) { ticketEvents(ticketId: $id) { ${LIVE} } }`, { id: otherTicket.id });
  const NOTIFIED = 'subscription { notificationAdded { type title body occurredAt } }';
  for (const [who, token] of [
    ['merchant', merchant.token],
    ['agent', agent.token],
    ['admin', app.adminToken],
    ['other', other.token],
  ] as const) {
    notificationFeeds[who] = liveFeed(api.url, token, NOTIFIED, {});
  }
  // The subscriptions start asynchronously: publish probes until the ticket's and the queue's feeds
  // and the merchant's, the agent's and the admin's notification feeds have one (a staff reply tells
  // the merchant, a new ticket the development team).
  const probe = new DomainEvents(() => app.now());
  const started = () => queueFeed.length > 0 && merchantFeed.length > 0 && ['merchant', 'agent', 'admin'].every((who) => notificationFeeds[who]!.length > 0);
  for (let i = 0; i < 10 && !started(); i += 1) {
    await app.orm.em.fork().transactional(async (em) => {
      await probe.publish(em, ticketEvent(DomainEventType.STAFF_REPLIED, eventTicket(), 'system', { probe: i }));
      await probe.publish(em, ticketEvent(DomainEventType.TICKET_FILED, eventTicket(), 'system', { probe: i }));
    });
    await events.relay.drain();
    await until(started, 1_000);
  }
  expect(started()).toBe(true);
}, 60_000);

afterAll(async () => {
  for (const client of clients) await client.dispose();
  await events?.stop();
  await hub?.stop();
  await webhooks?.dispatcher.stop();
  await receiver?.close();
  await smtp?.close();
  await app?.close();
});

function eventTicket() {
  return { id: ticket.rawId, number: ticket.number, team: 'DEVELOPMENT', customer: { id: fromGlobalId(merchant.customerId)!.id } };
}

/** One event of each type, shaped as its service publishes it (ticket or account), marked as this test's. */
function eventOf(type: DomainEventType): DomainEvent {
  const data = {
    matrix: true,
    target: 'FIRST_REPLY',
    targetMinutes: 540,
    usedMinutes: 405,
    dueAt: '2026-03-04T11:00:00.000-05:00',
    from: 'OPEN',
    to: type === DomainEventType.TICKET_ASSIGNED ? fromGlobalId(agent.id)!.id : 'IN_PROGRESS',
    amount: '$150.00',
    accepted: true,
    decision: type === DomainEventType.PORT_DECIDED ? 'ACCEPT_WITH_SURCHARGE' : 'APPROVED',
    replaced: false,
    outcome: 'AUTH_FAILED',
    field: 'STORE_ADMIN_PASSWORD',
    reason: type === DomainEventType.ACCESS_SHREDDED ? 'RESOLVED_DELAY_ELAPSED' : 'SERVICE_NOT_DELIVERED',
    amountMinor: 4900,
    currency: 'USD',
    ticketsClosed: 1,
    limit: 10,
    remaining: 2,
    mergedTicketNumber: 'OC-999999',
    rating: 5,
    withComment: true,
    breached: 3,
    catchUpMinutes: 60,
    earliestReachedAt: '2026-03-04T05:00:00.000-05:00',
  };
  if (type === DomainEventType.WEBHOOK_ENDPOINT_DISABLED) {
    return {
      type,
      ticketId: null,
      customerId: null,
      team: null,
      actor: { kind: 'SYSTEM', id: null },
      staffOnly: true,
      data: { matrix: true, host: 'crm.example.com', lastFailure: 'HTTP 503' },
    };
  }
  if (ACCOUNT_EVENTS.has(type)) return customerEvent(type, fromGlobalId(merchant.customerId)!.id, 'system', { ...data, decision: 'APPROVED' });
  return ticketEvent(type, eventTicket(), 'system', data);
}

/**
 * Every queued email sent. The mailer also runs on its own: an email it holds is committed as sent
 * only after the SMTP server accepted it, so no pending row means every email has arrived.
 */
async function sendAllEmails(): Promise<void> {
  const pending = async () =>
    (await app.orm.em.fork().execute<Array<{ n: number }>>("select count(*)::int as n from outbound_email where status = 'PENDING'"))[0]!.n;
  for (let i = 0; i < 200 && (await pending()) > 0; i++) {
    if ((await events.mailer!.sendDue()) === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(await pending()).toBe(0);
}

async function notificationsAt(token: string) {
  const r = await app.raw('{ viewer { notifications(first: 100) { nodes { type title body occurredAt email { status subject text } } } } }', {}, token);
  const nodes = r.body.data!.viewer.notifications.nodes as Array<{
    type: string;
    title: string;
    body: string;
    occurredAt: string;
    email: { status: string; subject: string; text: string } | null;
  }>;
  return nodes.filter((n) => Date.parse(n.occurredAt) === MATRIX_AT.toMillis());
}

describe('every event type through every consumer', () => {
  it('is delivered once to a signed webhook, to the live feeds in scope, and to exactly the people told of it, in the app and by email', async () => {
    const types = Object.values(DomainEventType);
    expect(types).toContain(DomainEventType.WEBHOOK_ENDPOINT_DISABLED);
    // The set-up's own emails (the filed tickets, the probes) are sent first, so what follows is the matrix's.
    await events.relay.drain();
    await sendAllEmails();
    const mailedBefore = mailed.length;
    app.setNow(MATRIX_AT);
    const publisher = new DomainEvents(() => app.now());
    for (const type of types) await app.orm.em.fork().transactional((em) => publisher.publish(em, eventOf(type)));
    await events.relay.drain();

    // Webhooks: each type once, each signature valid.
    while ((await webhooks.dispatcher.runDue()) > 0);
    const hooks = received().filter((r) => r.body.data.matrix === true);
    expect(hooks.map((r) => r.type).sort()).toEqual([...types].sort());
    expect(hooks.every((r) => r.signatureValid && r.body.type === r.type)).toBe(true);

    // Live: staff's queue gets every ticket event; the merchant only the ticket's events that are not staff-only; another merchant none.
    const ticketTypes = types.filter((t) => eventOf(t).ticketId !== null);
    const forMerchant = ticketTypes.filter((t) => !eventOf(t).staffOnly);
    const mine = (feed: typeof queueFeed) => feed.filter((e) => e.data.matrix === true).map((e) => e.type);
    expect(await until(() => mine(queueFeed).length === ticketTypes.length && mine(merchantFeed).length === forMerchant.length, 10_000)).toBe(true);
    expect(mine(queueFeed)).toEqual(ticketTypes);
    expect(mine(merchantFeed)).toEqual(forMerchant);
    expect(forMerchant).not.toContain('INTERNAL_NOTE_ADDED');
    expect(forMerchant).not.toContain('SLA_BREACHED');
    expect(otherFeed.filter((e) => e.data.matrix === true)).toEqual([]);

    // In the app and by email, through the SMTP server: exactly who the README says, each email once.
    await sendAllEmails();
    const people = { merchant: merchant.token, agent: agent.token, admin: app.adminToken, other: other.token };
    const subjectsTold: string[] = [];
    for (const [who, token] of Object.entries(people)) {
      const told = await notificationsAt(token);
      expect({ who, types: told.map((n) => n.type).sort() }).toEqual({ who, types: [...TOLD[who as keyof typeof TOLD]].sort() });
      expect(told.every((n) => n.email?.status === 'SENT' && n.email.subject.startsWith('[OpenCart Support Desk] '))).toBe(true);
      // Every type has its own words, with its facts filled in.
      for (const n of told) {
        const text = `${n.title} ${n.body} ${n.email!.text}`;
        expect({ type: n.type, text }).toEqual({ type: n.type, text: expect.not.stringMatching(/undefined|null|NaN|\[object/) });
      }
      subjectsTold.push(...told.map((n) => n.email!.subject));
    }
    // Every event type reaches someone in the app and by email.
    expect([...new Set(Object.values(TOLD).flat())].sort()).toEqual([...types].sort());

    // Live, the viewer's own notifications: each person's notificationAdded feed gets what they were told, once.
    const notifiedLive = (who: string) => notificationFeeds[who]!.filter((n) => Date.parse(String(n.occurredAt)) === MATRIX_AT.toMillis()).map((n) => n.type);
    expect(await until(() => Object.entries(TOLD).every(([who, told]) => notifiedLive(who).length === told.length), 10_000)).toBe(true);
    for (const [who, told] of Object.entries(TOLD)) expect({ who, types: notifiedLive(who).sort() }).toEqual({ who, types: [...told].sort() });
    // So every event type reaches a live subscriber: a ticket's or a queue's events, or a notification.
    const live = new Set([...mine(queueFeed), ...mine(merchantFeed), ...Object.keys(TOLD).flatMap(notifiedLive)]);
    expect([...live].sort()).toEqual([...types].sort());
    const arrived = await Promise.all(mailed.slice(mailedBefore).map(async (m) => (await simpleParser(m.raw)).subject ?? ''));
    expect(arrived.sort()).toEqual(subjectsTold.sort());
    const everything = mailed.map((m) => m.raw).join('\n');
    for (const token of Object.values(people)) expect(everything).not.toContain(token);
    expect(everything).not.toContain(secret);
  });
});
