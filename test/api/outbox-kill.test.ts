import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GraphQLClient } from 'graphql-request';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSdk, TicketCategory } from '../sdk/generated';
import { spawnServer, type ServerProcess } from '../support/server-process';
import { WebhookReceiver } from '../support/webhook-receiver';
import { createMerchant, createTestApp, type Merchant, type TestApp } from '../support/test-app';

let app: TestApp;
let merchant: Merchant;
let dataDir: string;
const running: ServerProcess[] = [];
// The server processes sign with the real clock.
const receiver = new WebhookReceiver(() => Math.floor(Date.now() / 1000));

beforeAll(async () => {
  app = await createTestApp();
  // The server processes run on the real clock: the plan must be current by it.
  merchant = await createMerchant(app, { contractStart: DateTime.now().minus({ days: 1 }) });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'outbox-kill-'));
});
afterAll(async () => {
  for (const server of running) await server.stop('SIGKILL');
  await receiver.close();
  await app?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A real server process on the test's database, as `npm start` runs it. */
async function serve(relay: boolean): Promise<ServerProcess> {
  const server = await spawnServer({ DATABASE_URL: app.databaseUrl, DATA_DIR: dataDir, OUTBOX_RELAY_ENABLED: String(relay) }, 90_000);
  running.push(server);
  return server;
}

const sdkOn = (server: ServerProcess, token: string) => getSdk(new GraphQLClient(`${server.url}/graphql`, { headers: { authorization: `Bearer ${token}` } }));

async function counts() {
  const em = app.orm.em.fork();
  const [row] = await em.execute<
    Array<{ replies: string; notified: string; distinct_notified: string; emails: string; hooks: string; hooks_delivered: string }>
  >(
    `select (select count(*) from outbox_event where type = 'STAFF_REPLIED') replies,
            (select count(*) from notification where type = 'STAFF_REPLIED') notified,
            (select count(distinct event_id) from notification where type = 'STAFF_REPLIED') distinct_notified,
            (select count(*) from outbound_email e join outbox_event o on o.id = e.event_id where o.type = 'STAFF_REPLIED') emails,
            (select count(*) from webhook_delivery where event_type = 'STAFF_REPLIED') hooks,
            (select count(*) from webhook_delivery where event_type = 'STAFF_REPLIED' and status = 'DELIVERED') hooks_delivered`,
  );
  return {
    replies: Number(row!.replies),
    notified: Number(row!.notified),
    distinctNotified: Number(row!.distinct_notified),
    emails: Number(row!.emails),
    webhooks: Number(row!.hooks),
    webhooksDelivered: Number(row!.hooks_delivered),
  };
}

/** Waits for the other process's relay and webhook sender (a real process: there is nothing to await but its effect). */
async function untilDelivered(): Promise<Awaited<ReturnType<typeof counts>>> {
  for (;;) {
    const now = await counts();
    const done = [now.distinctNotified, now.emails, now.webhooks, now.webhooksDelivered].every((n) => n === now.replies);
    if (now.replies > 0 && done) return now;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the outbox survives a killed process', () => {
  it('events committed by a process killed before delivering them reach every consumer once, through another process', async () => {
    // This process only publishes (its relay is off), then dies with SIGKILL: no cleanup runs.
    const publisher = await serve(false);
    const asMerchant = sdkOn(publisher, merchant.token);
    const asStaff = sdkOn(publisher, app.adminToken);
    // A webhook endpoint for the replies, registered through a server process: its secret is sealed with their master key.
    const registered = await fetch(`${publisher.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${app.adminToken}` },
      body: JSON.stringify({
        query: 'mutation($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) { secret userErrors { message } } }',
        variables: { input: { url: await receiver.listen(), eventTypes: ['STAFF_REPLIED'] } },
      }),
    });
    const { data } = (await registered.json()) as { data: { webhookEndpointCreate: { secret: string; userErrors: unknown[] } } };
    expect(data.webhookEndpointCreate.userErrors).toEqual([]);
    receiver.secret = data.webhookEndpointCreate.secret;
    const filed = await asMerchant.TicketCreate({
      input: { subject: 'Checkout is blank', description: 'Guests paying with PayPal see a blank page.', category: TicketCategory.BugFix },
    });
    const ticketId = filed.ticketCreate.ticket!.id;
    for (let i = 1; i <= 5; i++) await asStaff.TicketReply({ input: { ticketId, body: `Reply ${i}: we are on it.` } });
    expect(await publisher.stop('SIGKILL')).toBeNull();
    expect(await counts()).toEqual({ replies: 5, notified: 0, distinctNotified: 0, emails: 0, webhooks: 0, webhooksDelivered: 0 });

    // Killed again while delivering a burst: whatever it had not committed is redone by the next one.
    const busy = await serve(true);
    const asStaffAgain = sdkOn(busy, app.adminToken);
    for (let i = 6; i <= 30; i++) await asStaffAgain.TicketReply({ input: { ticketId, body: `Reply ${i}.` } });
    await busy.stop('SIGKILL');

    await serve(true);
    const delivered = await untilDelivered();
    expect(delivered).toEqual({ replies: 30, notified: 30, distinctNotified: 30, emails: 30, webhooks: 30, webhooksDelivered: 30 });
    // The receiver: every reply, signed, under one delivery id each. A process killed in the middle of a
    // POST may leave a repeat, which carries the same delivery id (receivers drop it, README "Webhooks").
    const hooks = receiver.events<{ id: string; type: string }>();
    expect(hooks.every((h) => h.signatureValid && h.type === 'STAFF_REPLIED')).toBe(true);
    const deliveryIds = new Map<string, Set<string>>();
    receiver.received.forEach((r, i) => {
      const ids = deliveryIds.get(hooks[i]!.body.id) ?? new Set<string>();
      ids.add(String(r.headers['x-support-desk-delivery']));
      deliveryIds.set(hooks[i]!.body.id, ids);
    });
    expect(deliveryIds.size).toBe(30);
    expect([...deliveryIds.values()].every((ids) => ids.size === 1)).toBe(true);
    // What the merchant sees: each reply once (the ticket's filing goes to staff, not to them).
    const r = await app.raw('{ viewer { notifications(first: 100) { totalCount unreadCount nodes { type } } } }', {}, merchant.token);
    expect(r.body.data!.viewer.notifications.totalCount).toBe(30);
    expect(new Set(r.body.data!.viewer.notifications.nodes.map((n: { type: string }) => n.type))).toEqual(new Set(['STAFF_REPLIED']));
    const [deliveries] = await app.orm.em
      .fork()
      .execute<Array<{ n: string; d: string }>>("select count(*) n, count(distinct event_id) d from outbox_delivery where consumer = 'notifications'");
    expect(Number(deliveries!.n)).toBe(Number(deliveries!.d));
  }, 240_000);
});
