import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationsOf as latestNotificationsOf, startEscalationDesk, type EscalationDesk } from '../support/escalation-desk';
import { createStaff, createTestApp, type TestApp } from '../support/test-app';

/** An endpoint that keeps failing is disabled, and every admin is told: in-app, and by email if they want it. */
let app: TestApp;
let desk: EscalationDesk;
let receiver: http.Server;
let receiverUrl: string;

beforeAll(async () => {
  app = await createTestApp();
  // As the server wires it: the dispatcher publishes through the process's domain events.
  desk = await startEscalationDesk(app);
  receiver = http.createServer((_req, res) => {
    res.statusCode = 503;
    res.end('down for maintenance');
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks?token=receiver-own-token`;
});

afterAll(async () => {
  await desk?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
  await app?.close();
});

const notificationsOf = (token: string) => latestNotificationsOf(app, token, 10);

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
    await desk.webhooks.dispatcher.enqueue({
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
      await desk.webhooks.dispatcher.runDue();
      const [row] = await app.orm.em.fork().getConnection().execute(`select status, next_attempt_at from webhook_delivery`);
      if (row.status !== 'PENDING') break;
      app.setNow(start.plus({ milliseconds: new Date(row.next_attempt_at).getTime() - start.toMillis() }));
    }
    const endpoint = await app.raw('query { webhookEndpoints(first: 5) { nodes { id enabled } } }', {}, app.adminToken);
    expect(endpoint.body.data!.webhookEndpoints.nodes).toEqual([{ id: endpointId, enabled: false }]);

    await desk.events.relay.drain();
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
