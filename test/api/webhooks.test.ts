import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpApp } from '../../server/app/http';
import { createLogger } from '../../server/app/logger';
import { DomainEventType, type StoredDomainEvent } from '../../server/modules/events/domain-event';
import { DomainEvents } from '../../server/modules/events/domain-events';
import { OutboxRelay } from '../../server/modules/events/outbox-relay';
import { StaticKeyring } from '../../server/modules/vault/keyring';
import { checkWebhookUrl } from '../../server/modules/webhook/webhook-address';
import { verifyWebhook, WEBHOOK_HEADERS } from '../../server/modules/webhook/webhook-signature';
import { registerWebhookConsumer, startWebhooks, type WebhookRuntime } from '../../server/modules/webhook/webhook.runtime';
import { createStaff, createTestApp, type TestApp } from '../support/test-app';
import { WebhookReceiver as Receiver } from '../support/webhook-receiver';

let app: TestApp;
let api: HttpApp;
let webhooks: WebhookRuntime;
let receiver: Receiver;
let receiverUrl: string;
let eventCounter = 1_000_000;

async function gql(query: string, variables: Record<string, unknown> = {}, token = app.adminToken) {
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: Array<{ extensions?: { code?: string } }> };
}

const CREATE = `mutation($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) {
  endpoint { id url eventTypes enabled } secret userErrors { field code message } } }`;

const DELIVERIES = `query { webhookEndpoints(first: 10) { nodes { id enabled disabledReason
  deliveries(first: 10) { nodes { id eventId eventType status attemptCount lastStatusCode body attempts { statusCode durationMs error attemptedAt } } } } } }`;

/** An event as the outbox relay hands it to its consumers. */
function event(type: DomainEventType, data: StoredDomainEvent['data'] = {}): StoredDomainEvent {
  eventCounter += 1;
  return {
    id: String(eventCounter),
    type,
    occurredAt: app.now().toJSDate(),
    ticketId: '0b7f6a52-5d2c-4c0e-9a77-3f1d7f0c2a11',
    customerId: '5a0c2f3e-8d1b-4f6a-9c3e-2b7d1e4f5a60',
    team: 'SUPPORT',
    actor: { kind: 'STAFF', id: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b' },
    staffOnly: false,
    data,
  };
}

async function createEndpoint(url: string, eventTypes: DomainEventType[]) {
  const result = await gql(CREATE, { input: { url, eventTypes, description: 'CRM' } });
  return result.data.webhookEndpointCreate as {
    endpoint: { id: string } | null;
    secret: string | null;
    userErrors: Array<{ code: string; message: string; field: string[] }>;
  };
}

async function endpointView(id: string) {
  const result = await gql(DELIVERIES);
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return (result.data.webhookEndpoints.nodes as Array<any>).find((e) => e.id === id);
}

beforeAll(async () => {
  app = await createTestApp();
  webhooks = startWebhooks({
    orm: app.orm,
    keyring: StaticKeyring.random(),
    clock: () => app.now(),
    logger: createLogger('silent'),
    production: false,
    // The test drives the rounds itself, with the clock it moves.
    autoStart: false,
  });
  api = await app.serveAlso({ webhooks, logger: createLogger('silent') });
  receiver = new Receiver(() => Math.floor(app.now().toSeconds()));
  receiverUrl = await receiver.listen();
});

afterAll(async () => {
  await webhooks?.dispatcher.stop();
  await receiver?.close();
  await app?.close();
});

describe('registering endpoints', () => {
  it('shows the signing secret once and keeps it sealed in the database', async () => {
    const created = await createEndpoint(receiverUrl, [DomainEventType.STAFF_REPLIED]);
    expect(created.userErrors).toEqual([]);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const listed = await gql(`query { webhookEndpoints(first: 5) { nodes { id url eventTypes enabled } } }`);
    expect(listed.data.webhookEndpoints.nodes).toContainEqual({ id: created.endpoint!.id, url: receiverUrl, eventTypes: ['STAFF_REPLIED'], enabled: true });
    const rows = await app.orm.em.fork().getConnection().execute(`select secret_box, wrapped_key from webhook_endpoint`);
    for (const row of rows) expect(Buffer.from(row.secret_box).includes(Buffer.from(created.secret!.slice(6)))).toBe(false);
    await gql(`mutation($id: ID!) { webhookEndpointDelete(input: { endpointId: $id }) { userErrors { code } } }`, { id: created.endpoint!.id });
  });

  it('refuses plain http to other machines, private and link-local addresses, and credentials in the URL', async () => {
    const cases: Array<[string, RegExp]> = [
      ['http://93.184.216.34/hook', /https/],
      ['https://10.1.2.3/hook', /private/],
      ['https://192.168.0.10/hook', /private/],
      ['https://169.254.169.254/latest/meta-data', /private/],
      ['https://[fd00::1]/hook', /private/],
      ['https://user:pass@93.184.216.34/hook', /Credentials/],
      ['ftp://93.184.216.34/hook', /https/],
      ['not a url', /URL/],
    ];
    for (const [url, message] of cases) {
      const created = await createEndpoint(url, [DomainEventType.TICKET_FILED]);
      expect(created.endpoint, url).toBeNull();
      expect(created.secret).toBeNull();
      expect(created.userErrors[0]).toMatchObject({ code: 'INVALID', field: ['input', 'url'] });
      expect(created.userErrors[0]!.message, url).toMatch(message);
    }
    expect((await createEndpoint(receiverUrl, [])).userErrors[0]).toMatchObject({ code: 'INVALID', field: ['input', 'eventTypes'] });
    const count = await app.orm.em.fork().getConnection().execute(`select count(*)::int as n from webhook_endpoint`);
    expect(count[0].n).toBe(0);
  });

  it('in production, refuses this machine too', async () => {
    expect(await checkWebhookUrl(receiverUrl, { allowLoopback: false })).toMatchObject({ message: expect.stringMatching(/https/) });
    expect(await checkWebhookUrl(receiverUrl.replace('http:', 'https:'), { allowLoopback: false })).toMatchObject({
      message: expect.stringMatching(/private/),
    });
    expect(await checkWebhookUrl('https://93.184.216.34/hook', { allowLoopback: false })).toBeNull();
  });

  it('is for admins only', async () => {
    const agent = await createStaff(app, 'AGENT');
    const byAgent = await gql(CREATE, { input: { url: receiverUrl, eventTypes: ['TICKET_FILED'] } }, agent.token);
    expect(byAgent.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const listed = await gql(`query { webhookEndpoints { totalCount } }`, {}, agent.token);
    expect(listed.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('deliveries', () => {
  it('are signed, retried with back-off while the receiver fails, and recorded attempt by attempt', async () => {
    const created = await createEndpoint(receiverUrl, [DomainEventType.STAFF_REPLIED, DomainEventType.STATUS_CHANGED]);
    receiver.secret = created.secret!;
    receiver.received.length = 0;
    receiver.answer = 500;

    const reply = event(DomainEventType.STAFF_REPLIED, { messageId: 'a1' });
    expect(await webhooks.dispatcher.enqueue(reply)).toBe(1);
    // The relay delivers at least once: the same event again makes no second delivery.
    expect(await webhooks.dispatcher.enqueue(reply)).toBe(0);
    // Not subscribed: nothing.
    expect(await webhooks.dispatcher.enqueue(event(DomainEventType.TICKET_FILED))).toBe(0);

    const start = app.now();
    expect(await webhooks.dispatcher.runDue()).toBe(1); // attempt 1: 500
    expect(await webhooks.dispatcher.runDue()).toBe(0); // not due again yet
    app.setNow(start.plus({ seconds: 29 }));
    expect(await webhooks.dispatcher.runDue()).toBe(0);
    app.setNow(start.plus({ seconds: 30 }));
    expect(await webhooks.dispatcher.runDue()).toBe(1); // attempt 2: 500, then 60 s
    app.setNow(start.plus({ seconds: 30 + 59 }));
    expect(await webhooks.dispatcher.runDue()).toBe(0);
    receiver.answer = 204;
    app.setNow(start.plus({ seconds: 30 + 60 }));
    expect(await webhooks.dispatcher.runDue()).toBe(1); // attempt 3: delivered
    app.setNow(start.plus({ hours: 3 }));
    expect(await webhooks.dispatcher.runDue()).toBe(0);

    expect(receiver.received).toHaveLength(3);
    expect(receiver.received.every((r) => r.signatureValid)).toBe(true);
    const ids = new Set(receiver.received.map((r) => r.headers[WEBHOOK_HEADERS.delivery.toLowerCase()]));
    expect(ids.size).toBe(1);
    expect(receiver.received[0]!.headers[WEBHOOK_HEADERS.event.toLowerCase()]).toBe('STAFF_REPLIED');
    const body = JSON.parse(receiver.received[2]!.body);
    expect(body).toMatchObject({ id: reply.id, type: 'STAFF_REPLIED', team: 'SUPPORT', staffOnly: false, data: { messageId: 'a1' }, actor: { kind: 'STAFF' } });
    expect(Buffer.from(body.ticketId, 'base64url').toString()).toBe(`Ticket:${reply.ticketId}`);
    // A body altered in transit fails the receiver's check.
    const first = receiver.received[0]!;
    expect(
      verifyWebhook(
        created.secret!,
        {
          timestamp: first.headers[WEBHOOK_HEADERS.timestamp.toLowerCase()] as string,
          signature: first.headers[WEBHOOK_HEADERS.signature.toLowerCase()] as string,
        },
        first.body.replace('STAFF_REPLIED', 'STATUS_CHANGED'),
        Math.floor(start.toSeconds()),
      ),
    ).toBe(false);

    const view = await endpointView(created.endpoint!.id);
    const delivery = view.deliveries.nodes[0];
    expect(delivery).toMatchObject({ eventId: reply.id, eventType: 'STAFF_REPLIED', status: 'DELIVERED', attemptCount: 3, lastStatusCode: 204 });
    expect(delivery.attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 500, 204]);
    expect(delivery.attempts.every((a: { durationMs: number; error: string | null }) => a.durationMs >= 0 && a.error === null)).toBe(true);
    expect(delivery.body).toBe(receiver.received[0]!.body);
    await gql(`mutation($id: ID!) { webhookEndpointDelete(input: { endpointId: $id }) { userErrors { code } } }`, { id: created.endpoint!.id });
  });

  it('an endpoint failing for 24 hours is disabled; an admin enables it and delivers again', async () => {
    const created = await createEndpoint(receiverUrl, [DomainEventType.TICKET_FILED]);
    receiver.secret = created.secret!;
    receiver.received.length = 0;
    receiver.answer = 503;
    const filed = event(DomainEventType.TICKET_FILED);
    await webhooks.dispatcher.enqueue(filed);
    const start = app.now();
    let attempts = 0;
    // Step through the back-off: each round moves the clock to the next due attempt.
    while (attempts < 50) {
      const sent = await webhooks.dispatcher.runDue();
      attempts += sent;
      const row = await app.orm.em.fork().getConnection().execute(`select status, next_attempt_at from webhook_delivery where event_id = ?`, [filed.id]);
      if (row[0].status !== 'PENDING') break;
      app.setNow(start.plus({ milliseconds: new Date(row[0].next_attempt_at).getTime() - start.toMillis() }));
    }
    const hoursSpent = app.now().diff(start, 'hours').hours;
    expect(hoursSpent).toBeGreaterThan(22);
    expect(hoursSpent).toBeLessThanOrEqual(24);
    expect(attempts).toBeGreaterThan(10);
    expect(receiver.received).toHaveLength(attempts);

    let view = await endpointView(created.endpoint!.id);
    expect(view.enabled).toBe(false);
    expect(view.disabledReason).toMatch(/24 hours.*HTTP 503/);
    const failed = view.deliveries.nodes[0];
    expect(failed).toMatchObject({ status: 'FAILED', attemptCount: attempts, lastStatusCode: 503 });
    // Gaps between attempts grow: 30 s, 60 s, 120 s …
    const times = failed.attempts.map((a: { attemptedAt: string }) => Date.parse(a.attemptedAt));
    expect((times[1] - times[0]) / 1000).toBe(30);
    expect((times[2] - times[1]) / 1000).toBe(60);
    expect((times[3] - times[2]) / 1000).toBe(120);

    // Disabled: new events make no deliveries; redelivery is refused until it is enabled.
    expect(await webhooks.dispatcher.enqueue(event(DomainEventType.TICKET_FILED))).toBe(0);
    const REDELIVER = `mutation($id: ID!) { webhookDeliveryRedeliver(input: { deliveryId: $id }) { delivery { status } userErrors { code } } }`;
    expect((await gql(REDELIVER, { id: failed.id })).data.webhookDeliveryRedeliver.userErrors[0].code).toBe('INVALID_TRANSITION');
    const enabled = await gql(
      `mutation($id: ID!) { webhookEndpointUpdate(input: { endpointId: $id, enabled: true }) { endpoint { enabled disabledReason } userErrors { code } } }`,
      {
        id: created.endpoint!.id,
      },
    );
    expect(enabled.data.webhookEndpointUpdate).toEqual({ endpoint: { enabled: true, disabledReason: null }, userErrors: [] });
    receiver.answer = 200;
    expect((await gql(REDELIVER, { id: failed.id })).data.webhookDeliveryRedeliver).toEqual({ delivery: { status: 'PENDING' }, userErrors: [] });
    expect(await webhooks.dispatcher.runDue()).toBe(1);
    view = await endpointView(created.endpoint!.id);
    expect(view.deliveries.nodes[0]).toMatchObject({ status: 'DELIVERED', attemptCount: attempts + 1, lastStatusCode: 200 });
    expect(receiver.received.at(-1)!.signatureValid).toBe(true);
  });

  it('records an endpoint that does not answer, without its secret in any log', async () => {
    const closed = new Receiver(() => 0);
    const url = await closed.listen();
    await closed.close(); // nothing listens there now
    const created = await createEndpoint(url, [DomainEventType.QUOTE_SET]);
    await webhooks.dispatcher.enqueue(event(DomainEventType.QUOTE_SET));
    expect(await webhooks.dispatcher.runDue()).toBe(1);
    const view = await endpointView(created.endpoint!.id);
    expect(view.deliveries.nodes[0]).toMatchObject({ status: 'PENDING', attemptCount: 1, lastStatusCode: null });
    expect(view.deliveries.nodes[0].attempts[0]).toMatchObject({ statusCode: null, error: 'UNREACHABLE' });
    expect(app.logs.join('\n')).not.toContain(created.secret!);
  });

  it('come from the outbox relay: a committed event is delivered once, a rolled-back one never', async () => {
    const created = await createEndpoint(receiverUrl, [DomainEventType.CUSTOMER_BANNED]);
    receiver.secret = created.secret!;
    receiver.received.length = 0;
    receiver.answer = 200;
    const events = new DomainEvents(() => app.now());
    const banned = (customerId: string) => ({
      type: DomainEventType.CUSTOMER_BANNED,
      ticketId: null,
      customerId,
      team: null,
      actor: { kind: 'STAFF' as const, id: null },
      staffOnly: false,
      data: { reason: 'FRAUD' },
    });
    const kept = '11111111-2222-4333-8444-555555555555';
    const dropped = '66666666-7777-4888-8999-aaaaaaaaaaaa';
    await app.orm.em.fork().transactional((tx) => events.publish(tx, banned(kept)));
    await expect(
      app.orm.em.fork().transactional(async (tx) => {
        await events.publish(tx, banned(dropped));
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');

    // Two relays (two processes) over the same outbox: the consumer still gets each event once.
    const relays = [1, 2].map(() => new OutboxRelay({ orm: app.orm, logger: createLogger('silent') }));
    for (const relay of relays) registerWebhookConsumer(relay, webhooks);
    for (const relay of relays) await relay.start();
    await Promise.all(relays.map((relay) => relay.drain()));
    for (const relay of relays) await relay.stop();

    expect(await webhooks.dispatcher.runDue()).toBe(1);
    expect(await webhooks.dispatcher.runDue()).toBe(0);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.signatureValid).toBe(true);
    const body = JSON.parse(receiver.received[0]!.body);
    expect(body).toMatchObject({ type: 'CUSTOMER_BANNED', data: { reason: 'FRAUD' } });
    expect(Buffer.from(body.customerId, 'base64url').toString()).toBe(`Customer:${kept}`);
  });
});
