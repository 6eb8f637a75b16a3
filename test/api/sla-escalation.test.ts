import type { MikroORM } from '@mikro-orm/postgresql';
import { createClient, type Client } from 'graphql-ws';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createLogger } from '../../server/app/logger';
import { openOrm } from '../../server/app/runtime';
import { fromGlobalId } from '../../server/common/global-id';
import { DomainEvents } from '../../server/modules/events/domain-events';
import { startEventRuntime, type EventRuntime } from '../../server/modules/events/events.runtime';
import { LiveHub } from '../../server/modules/live/live-hub';
import { SlaEscalationJob } from '../../server/modules/sla/sla-escalation.job';
import { SupportCalendar } from '../../server/modules/support-hours/support-calendar';
import { registerWebhookConsumer, startWebhooks, type WebhookRuntime } from '../../server/modules/webhook/webhook.runtime';
import { PlanKind, TicketCategory, TicketStatus } from '../sdk/generated';
import { WebhookReceiver } from '../support/webhook-receiver';
import { createMerchant, createStaff, createTestApp, type Merchant, type TestApp } from '../support/test-app';

/**
 * SLA escalations published by the job, with the desk's clock injected: the 75 % warning and the
 * breach of a guaranteed target fire at the support-time instants (nights, weekends, holidays and
 * DST skipped), not a millisecond earlier, once even with two processes running the job, never
 * for best-effort tickets or paused clocks; and they reach every consumer.
 */
let app: TestApp;
let events: EventRuntime;
let webhooks: WebhookRuntime;
let hub: LiveHub;
let secondOrm: MikroORM;
let jobs: SlaEscalationJob[];
let premium: Merchant;
let agent: Awaited<ReturnType<typeof createStaff>>;
let receiver: WebhookReceiver;
const received = () => receiver.events<{ ticketId: string; data: { target: string } }>();
let webhookSecret = '';
let live: Client;
const liveEvents: Array<{ type: string; ticketId: string | null; data: Record<string, unknown> }> = [];

const at = (iso: string) => DateTime.fromISO(iso, { setZone: true });

beforeAll(async () => {
  app = await createTestApp({ now: at('2026-03-02T04:00:00-05:00') });
  const logger = createLogger('silent');
  webhooks = startWebhooks({ orm: app.orm, keyring: app.vault.keyring, clock: () => app.now(), logger, production: false, autoStart: false });
  events = await startEventRuntime({
    orm: app.orm,
    logger,
    clock: () => app.now(),
    relayEnabled: true,
    mail: { smtpUrl: null, from: 'Desk <desk@support.test>', ticketUrlTemplate: 'https://desk.example.com/t/{number}' },
    consumers: [(relay) => registerWebhookConsumer(relay, webhooks)],
  });
  hub = new LiveHub({ orm: app.orm, logger });
  await hub.start();
  const api = await app.serveAlso({ live: hub, webhooks });
  secondOrm = await openOrm(app.databaseUrl);
  // Two processes' jobs on one database, each with its own pool and its own DomainEvents.
  jobs = [app.orm, secondOrm].map(
    (orm) =>
      new SlaEscalationJob({
        orm,
        clock: () => app.now(),
        calendar: new SupportCalendar(),
        events: new DomainEvents(() => app.now()),
        logger,
        settings: { intervalSeconds: 60, batchSize: 2, catchUpMinutes: 60 },
      }),
  );

  receiver = new WebhookReceiver(() => Math.floor(app.now().toSeconds()));
  const receiverUrl = await receiver.listen();
  const created = await app.raw(
    `mutation($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) { secret userErrors { message } } }`,
    {
      input: {
        url: receiverUrl,
        eventTypes: ['SLA_TARGET_AT_75_PERCENT', 'SLA_BREACHED'],
      },
    },
    app.adminToken,
  );
  webhookSecret = created.body.data!.webhookEndpointCreate.secret;
  receiver.secret = webhookSecret;

  premium = await createMerchant(app, { contractStart: at('2026-01-01T00:00:00-05:00'), months: 12 });
  agent = await createStaff(app, 'AGENT', 'DEVELOPMENT');
  // A live queue subscriber; the subscription starts asynchronously: file tickets (without
  // access, so their clocks never run) until it has seen one.
  live = createClient({
    url: `${api.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { Authorization: `Bearer ${agent.token}` },
    retryAttempts: 0,
  });
  live.subscribe<{ queueEvents: (typeof liveEvents)[number] }>(
    { query: 'subscription { queueEvents(team: DEVELOPMENT) { type ticketId data } }' },
    { next: (result) => result.data && liveEvents.push(result.data.queueEvents), error: () => {}, complete: () => {} },
  );
  const prober = await createMerchant(app, { contractStart: at('2026-01-01T00:00:00-05:00'), months: 12 });
  for (let i = 0; i < 8 && liveEvents.length === 0; i += 1) {
    await prober.sdk.TicketCreate({ input: { subject: 'Probe', description: 'Only here to start the live feed.', category: TicketCategory.BugFix } });
    await until(() => liveEvents.length > 0, 1_000);
  }
  expect(liveEvents.length).toBeGreaterThan(0);
}, 60_000);

afterAll(async () => {
  await live?.dispose();
  await Promise.all((jobs ?? []).map((job) => job.stop()));
  await events?.stop();
  await hub?.stop();
  await webhooks?.dispatcher.stop();
  await secondOrm?.close();
  await receiver?.close();
  await app?.close();
});

async function until(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return done();
}

/** Files a ticket at the clock's instant and starts its SLA clock (access waived), as staff would. */
async function fileRunning(merchant: Merchant, subject: string): Promise<{ id: string; rawId: string; number: string }> {
  const created = await merchant.sdk.TicketCreate({
    input: { subject, description: 'The checkout stays blank after the update.', category: TicketCategory.BugFix },
  });
  const ticket = created.ticketCreate.ticket!;
  await app.admin.TicketAccessWaive({ input: { ticketId: ticket.id, reason: 'Checked by phone.' } });
  return { id: ticket.id, rawId: fromGlobalId(ticket.id)!.id, number: ticket.number };
}

/** Both processes' jobs run a pass at the same moment; returns what they published together. */
async function passAt(instant: string): Promise<number> {
  app.setNow(at(instant));
  let published = 0;
  // A pass takes a batch (2 here); a full batch is followed by another.
  for (;;) {
    const results = await Promise.all(jobs.map((job) => job.runOnce()));
    published += results.reduce((sum, r) => sum + r.published, 0);
    if (results.every((r) => r.examined < 2)) return published;
  }
}

async function escalationsOf(rawTicketId: string) {
  return app.orm.em
    .fork()
    .getConnection()
    .execute<Array<{ type: string; data: Record<string, unknown>; occurred_at: Date }>>(
      `select type, data, occurred_at from outbox_event where ticket_id = ? and type like 'SLA_%' order by id`,
      [rawTicketId],
    );
}

describe('SLA escalations', () => {
  it('a ticket filed Friday 11:00 New York: 75 % on Monday 08:45 and the breach at 11:00 (after the weekend and the DST switch), each once', async () => {
    app.setNow(at('2026-03-06T11:00:00-05:00'));
    const ticket = await fileRunning(premium, 'Blank checkout');
    await app.admin.TicketAssign({ input: { ticketId: ticket.id, assigneeId: agent.id } });
    const bestEffortMerchant = await createMerchant(app, { plan: PlanKind.OneTimeFix });
    const bestEffort = await fileRunning(bestEffortMerchant, 'Best effort');
    const paused = await fileRunning(premium, 'Waiting on the merchant');
    const pause = await app.admin.TicketStatusChange({ input: { ticketId: paused.id, status: TicketStatus.WaitingOnCustomer } });
    expect(pause.ticketStatusChange.userErrors).toEqual([]);

    expect(await passAt('2026-03-06T11:45:00-05:00')).toBe(0);
    expect(await passAt('2026-03-09T08:44:59.999-04:00')).toBe(0);
    expect(await passAt('2026-03-09T08:45:00.000-04:00')).toBe(1);
    expect(await passAt('2026-03-09T08:50:00-04:00')).toBe(0);
    expect(await passAt('2026-03-09T10:59:59.999-04:00')).toBe(0);
    expect(await passAt('2026-03-09T11:00:00.000-04:00')).toBe(1);
    expect(await passAt('2026-03-10T11:00:00-04:00')).toBe(0);

    const published = await escalationsOf(ticket.rawId);
    expect(published.map((e) => [e.type, e.data])).toEqual([
      [
        'SLA_TARGET_AT_75_PERCENT',
        {
          number: ticket.number,
          target: 'FIRST_REPLY',
          targetMinutes: 540,
          thresholdMinutes: 405,
          usedMinutes: 405,
          reachedAt: '2026-03-09T08:45:00.000-04:00',
          dueAt: '2026-03-09T11:00:00.000-04:00',
        },
      ],
      [
        'SLA_BREACHED',
        {
          number: ticket.number,
          target: 'FIRST_REPLY',
          targetMinutes: 540,
          thresholdMinutes: 540,
          usedMinutes: 540,
          reachedAt: '2026-03-09T11:00:00.000-04:00',
          dueAt: '2026-03-09T11:00:00.000-04:00',
        },
      ],
    ]);
    // The SLA the API shows agrees: the breach is the instant its due time passes.
    const detail = (await app.admin.TicketDetail({ id: ticket.id })).node as { firstReplyDueAt: string };
    expect(detail.firstReplyDueAt).toBe('2026-03-09T11:00:00.000-04:00');
    expect(await escalationsOf(bestEffort.rawId)).toEqual([]);
    expect(await escalationsOf(paused.rawId)).toEqual([]);

    // They reach every consumer like the desk's other events.
    await events.relay.drain();
    const notifications = async (token: string) =>
      (await app.raw('{ viewer { notifications(first: 20) { nodes { type title ticketNumber email { status subject } } } } }', {}, token)).body.data!.viewer
        .notifications.nodes as Array<{ type: string; title: string; ticketNumber: string; email: { status: string; subject: string } | null }>;
    const agentSees = (await notifications(agent.token)).filter((n) => n.ticketNumber === ticket.number && n.type.startsWith('SLA_'));
    expect(agentSees.map((n) => n.type).sort()).toEqual(['SLA_BREACHED', 'SLA_TARGET_AT_75_PERCENT']);
    expect(agentSees.find((n) => n.type === 'SLA_TARGET_AT_75_PERCENT')!).toMatchObject({
      title: `${ticket.number}: 75 % of the first reply time used`,
      email: { status: 'KEPT', subject: `[OpenCart Support Desk] ${ticket.number}: 75 % of the first reply time used` },
    });
    const adminSees = (await notifications(app.adminToken)).filter((n) => n.ticketNumber === ticket.number && n.type.startsWith('SLA_'));
    expect(adminSees.map((n) => n.type)).toEqual(['SLA_BREACHED']);
    expect(adminSees[0]!.email).toMatchObject({ status: 'KEPT' });
    expect((await notifications(premium.token)).filter((n) => n.type.startsWith('SLA_'))).toEqual([]);

    expect(await webhooks.dispatcher.runDue()).toBe(2);
    // Both are due at the same instant: the endpoint may get them in either order.
    expect(
      received()
        .map((r) => [r.type, r.signatureValid, r.body.data.target])
        .sort(),
    ).toEqual([
      ['SLA_BREACHED', true, 'FIRST_REPLY'],
      ['SLA_TARGET_AT_75_PERCENT', true, 'FIRST_REPLY'],
    ]);
    expect(received().every((r) => r.body.ticketId === ticket.id)).toBe(true);

    expect(await until(() => liveEvents.filter((e) => e.ticketId === ticket.id && e.type.startsWith('SLA_')).length === 2, 10_000)).toBe(true);
    expect(liveEvents.filter((e) => e.type.startsWith('SLA_')).map((e) => [e.type, e.ticketId])).toEqual([
      ['SLA_TARGET_AT_75_PERCENT', ticket.id],
      ['SLA_BREACHED', ticket.id],
    ]);
  });

  it.each([
    ['filed the Friday before the autumn DST switch', '2026-10-30T11:00:00-04:00', '2026-11-02T08:45:00.000-05:00', '2026-11-02T11:00:00.000-05:00'],
    [
      'filed the day before Thanksgiving: the holiday is skipped',
      '2026-11-25T05:00:00-05:00',
      '2026-11-25T11:45:00.000-05:00',
      '2026-11-27T05:00:00.000-05:00',
    ],
    ['filed after hours on Saturday: counted from Monday 03:00', '2026-05-16T15:00:00-04:00', '2026-05-18T09:45:00.000-04:00', '2026-05-18T12:00:00.000-04:00'],
  ])('%s (filed %s): three quarters used at %s exactly, the breach at %s', async (_name, filedAt, warnAt, breachAt) => {
    app.setNow(at(filedAt));
    const merchant = await createMerchant(app, { contractStart: at(filedAt).minus({ days: 1 }) });
    const ticket = await fileRunning(merchant, 'Blank checkout');
    expect(await passAt(at(warnAt).minus({ milliseconds: 1 }).toISO()!)).toBe(0);
    expect(await passAt(warnAt)).toBe(1);
    expect(await passAt(at(breachAt).minus({ milliseconds: 1 }).toISO()!)).toBe(0);
    expect(await passAt(breachAt)).toBe(1);
    const published = await escalationsOf(ticket.rawId);
    expect(published.map((e) => [e.type, e.data.reachedAt, e.data.dueAt])).toEqual([
      ['SLA_TARGET_AT_75_PERCENT', warnAt, breachAt],
      ['SLA_BREACHED', breachAt, breachAt],
    ]);
  });

  it('after a timely first reply, the resolution target is watched: a paused clock adds nothing, and each escalation comes once', async () => {
    app.setNow(at('2026-04-07T03:00:00-04:00'));
    const merchant = await createMerchant(app, { contractStart: at('2026-04-01T00:00:00-04:00') });
    const ticket = await fileRunning(merchant, 'Slow admin');
    app.setNow(at('2026-04-07T04:00:00-04:00'));
    await app.admin.TicketReply({ input: { ticketId: ticket.id, body: 'Looking into it.', status: TicketStatus.InProgress } });
    // 2 hours waiting on the merchant in the middle of the day: the clock stands still.
    app.setNow(at('2026-04-07T08:00:00-04:00'));
    await app.admin.TicketStatusChange({ input: { ticketId: ticket.id, status: TicketStatus.WaitingOnCustomer } });
    expect(await passAt('2026-04-07T10:00:00-04:00')).toBe(0);
    await merchant.sdk.TicketReply({ input: { ticketId: ticket.id, body: 'It is the PayPal module.' } });
    const status = (await app.admin.TicketDetail({ id: ticket.id })).node as { status: string };
    expect(status.status).toBe('OPEN');
    // 300 minutes used before the pause; 105 more make 405 (11:45), 240 more make 540 (Wednesday 05:00).
    expect(await passAt('2026-04-07T11:44:59.999-04:00')).toBe(0);
    expect(await passAt('2026-04-07T11:45:00-04:00')).toBe(1);
    expect(await passAt('2026-04-08T04:59:59.999-04:00')).toBe(0);
    expect(await passAt('2026-04-08T05:00:00-04:00')).toBe(1);
    const published = await escalationsOf(ticket.rawId);
    expect(published.map((e) => [e.type, e.data.target, e.data.reachedAt])).toEqual([
      ['SLA_TARGET_AT_75_PERCENT', 'RESOLUTION', '2026-04-07T11:45:00.000-04:00'],
      ['SLA_BREACHED', 'RESOLUTION', '2026-04-08T05:00:00.000-04:00'],
    ]);
  });
});
