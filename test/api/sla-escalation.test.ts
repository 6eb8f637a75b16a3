import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LiveHub } from '../../server/modules/live/live-hub';
import { PlanKind, TicketCategory, TicketStatus } from '../sdk/generated';
import { at, fileRunning, notificationsOf, slaEventsInOutbox, startEscalationDesk, until, type EscalationDesk } from '../support/escalation-desk';
import { WebhookReceiver } from '../support/webhook-receiver';
import { createMerchant, createStaff, createTestApp, type Merchant, type TestApp } from '../support/test-app';

/**
 * SLA escalations published by the job, with the desk's clock injected: the 75 % warning and the
 * breach of a guaranteed target fire at the support-time instants (nights, weekends, holidays and
 * DST skipped), not a millisecond earlier, once even with two processes running the job, never
 * for best-effort tickets or paused clocks; and they reach every consumer.
 */
let app: TestApp;
let desk: EscalationDesk;
let hub: LiveHub;
let premium: Merchant;
let agent: Awaited<ReturnType<typeof createStaff>>;
let receiver: WebhookReceiver;
const received = () => receiver.events<{ ticketId: string; data: { target: string } }>();
let live: Client;
const liveEvents: Array<{ type: string; ticketId: string | null; data: Record<string, unknown> }> = [];

beforeAll(async () => {
  app = await createTestApp({ now: at('2026-03-02T04:00:00-05:00') });
  desk = await startEscalationDesk(app, { escalationJobs: true });
  hub = new LiveHub({ orm: app.orm, logger: desk.logger });
  await hub.start();
  const api = await app.serveAlso({ live: hub, webhooks: desk.webhooks });

  receiver = new WebhookReceiver(() => Math.floor(app.now().toSeconds()));
  const receiverUrl = await receiver.listen();
  const created = await app.raw(
    `mutation($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) { secret userErrors { message } } }`,
    { input: { url: receiverUrl, eventTypes: ['SLA_TARGET_AT_75_PERCENT', 'SLA_BREACHED'] } },
    app.adminToken,
  );
  receiver.secret = created.body.data!.webhookEndpointCreate.secret;

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
  await desk?.stop();
  await hub?.stop();
  await receiver?.close();
  await app?.close();
});

/** Both processes' jobs run a pass at the same moment; returns what they published together. */
const passAt = async (instant: string) => (await desk.passAt(instant)).published;
const escalationsOf = (rawTicketId: string) => slaEventsInOutbox(app, rawTicketId);

describe('SLA escalations', () => {
  it('a ticket filed Friday 11:00 New York: 75 % on Monday 08:45 and the breach at 11:00 (after the weekend and the DST switch), each once', async () => {
    app.setNow(at('2026-03-06T11:00:00-05:00'));
    const ticket = await fileRunning(app, premium, 'Blank checkout');
    await app.admin.TicketAssign({ input: { ticketId: ticket.id, assigneeId: agent.id } });
    const bestEffortMerchant = await createMerchant(app, { plan: PlanKind.OneTimeFix });
    const bestEffort = await fileRunning(app, bestEffortMerchant, 'Best effort');
    const paused = await fileRunning(app, premium, 'Waiting on the merchant');
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
    await desk.events.relay.drain();
    const notifications = (token: string) => notificationsOf(app, token, 20);
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

    expect(await desk.webhooks.dispatcher.runDue()).toBe(2);
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
    const ticket = await fileRunning(app, merchant, 'Blank checkout');
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
    const ticket = await fileRunning(app, merchant, 'Slow admin');
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
