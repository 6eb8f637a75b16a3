import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/app/logger';
import { startEventRuntime, type EventRuntime } from '../../server/modules/events/events.runtime';
import { startWebhooks, type WebhookRuntime } from '../../server/modules/webhook/webhook.runtime';
import { createStaff, createTestApp, type TestApp } from '../support/test-app';

/** An endpoint that keeps failing is disabled, and every admin is told: in-app, and by email if they want it. */
let app: TestApp;
let events: EventRuntime;
let webhooks: WebhookRuntime;
let receiver: http.Server;
let receiverUrl: string;

beforeAll(async () => {
  app = await createTestApp();
  const logger = createLogger('silent');
  events = await startEventRuntime({
    orm: app.orm,
    logger,
    clock: () => app.now(),
    relayEnabled: true,
    mail: { smtpUrl: null, from: 'Desk <desk@support.test>', ticketUrlTemplate: 'https://desk.example.com/t/{number}' },
  });
  // As the server wires it: the dispatcher publishes through the process's domain events.
  webhooks = startWebhooks({
    orm: app.orm,
    keyring: app.vault.keyring,
    clock: () => app.now(),
    logger,
    production: false,
    autoStart: false,
    events: events.events,
  });
  receiver = http.createServer((_req, res) => {
    res.statusCode = 503;
    res.end('down for maintenance');
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks?token=receiver-own-token`;
});

afterAll(async () => {
  await events?.stop();
  await webhooks?.dispatcher.stop();
  await new Promise((resolve) => receiver?.close(resolve));
  await app?.close();
});

const NOTIFICATIONS = '{ viewer { notifications(first: 10) { nodes { type title body email { status toAddress subject text } } } } }';

async function notificationsOf(token: string) {
  const r = await app.raw(NOTIFICATIONS, {}, token);
  expect(r.body.errors).toBeUndefined();
  return r.body.data!.viewer.notifications.nodes as Array<{
    type: string;
    title: string;
    body: string;
    email: { status: string; subject: string; text: string } | null;
  }>;
}

describe('a webhook endpoint disabled after 24 hours of failures', () => {
  it('tells every admin in-app, emails those who want it, and nobody else; never the full URL', async () => {
    const quietAdmin = await createStaff(app, 'ADMIN');
    const agent = await createStaff(app, 'AGENT');
    const optOut = await app.raw(
      'mutation { notificationPreferencesUpdate(input: { emailEventTypes: [SLA_BREACHED] }) { userErrors { message } } }',
      {},
      quietAdmin.token,
    );
    expect(optOut.body.data!.notificationPreferencesUpdate.userErrors).toEqual([]);
    const created = await app.raw(
      'mutation($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) { endpoint { id } userErrors { message } } }',
      { input: { url: receiverUrl, eventTypes: ['TICKET_FILED'] } },
      app.adminToken,
    );
    const endpointId = created.body.data!.webhookEndpointCreate.endpoint.id;
    await webhooks.dispatcher.enqueue({
      id: '1',
      type: 'TICKET_FILED' as never,
      occurredAt: app.now().toJSDate(),
      ticketId: null,
      customerId: null,
      team: 'SUPPORT',
      actor: { kind: 'SYSTEM', id: null },
      staffOnly: false,
      data: {},
    });
    // Step through the back-off with the clock until the delivery is given up.
    const start = app.now();
    for (let round = 0; round < 50; round += 1) {
      await webhooks.dispatcher.runDue();
      const [row] = await app.orm.em.fork().getConnection().execute(`select status, next_attempt_at from webhook_delivery`);
      if (row.status !== 'PENDING') break;
      app.setNow(start.plus({ milliseconds: new Date(row.next_attempt_at).getTime() - start.toMillis() }));
    }
    const endpoint = await app.raw('query { webhookEndpoints(first: 5) { nodes { id enabled } } }', {}, app.adminToken);
    expect(endpoint.body.data!.webhookEndpoints.nodes).toEqual([{ id: endpointId, enabled: false }]);

    await events.relay.drain();
    const host = new URL(receiverUrl).host;
    for (const token of [app.adminToken, quietAdmin.token]) {
      const [latest] = await notificationsOf(token);
      expect(latest).toMatchObject({ type: 'WEBHOOK_ENDPOINT_DISABLED', title: `Webhook endpoint disabled: ${host}` });
      expect(latest!.body).toContain('last: HTTP 503');
      expect(latest!.body).toContain('webhookEndpointUpdate');
    }
    const [mailed] = await notificationsOf(app.adminToken);
    expect(mailed!.email).toMatchObject({ status: 'KEPT', subject: `[OpenCart Support Desk] Webhook endpoint disabled: ${host}` });
    expect((await notificationsOf(quietAdmin.token))[0]!.email).toBeNull();
    expect((await notificationsOf(agent.token)).map((n) => n.type)).not.toContain('WEBHOOK_ENDPOINT_DISABLED');
    // The receiver's own token in the URL's query string is not repeated anywhere.
    const outbox = await app.orm.em.fork().getConnection().execute(`select data::text as data from outbox_event where type = 'WEBHOOK_ENDPOINT_DISABLED'`);
    expect(outbox).toHaveLength(1);
    expect(JSON.stringify([outbox, await notificationsOf(app.adminToken)])).not.toContain('receiver-own-token');
  });
});
