import type { MikroORM } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { createLogger } from '../../server/app/logger';
import { openOrm } from '../../server/app/runtime';
import type { Logger } from '../../server/common/logger';
import { fromGlobalId } from '../../server/common/global-id';
import { DomainEvents } from '../../server/modules/events/domain-events';
import { startEventRuntime, type EventRuntime } from '../../server/modules/events/events.runtime';
import { SlaEscalationJob } from '../../server/modules/sla/sla-escalation.job';
import { SupportCalendar } from '../../server/modules/support-hours/support-calendar';
import { registerWebhookConsumer, startWebhooks, type WebhookRuntime } from '../../server/modules/webhook/webhook.runtime';
import { TicketCategory } from '../sdk/generated';
import type { Merchant, TestApp } from './test-app';

/** An ISO instant with its own offset kept (support-time instants are read in New York time). */
export const at = (iso: string) => DateTime.fromISO(iso, { setZone: true });

/** Waits (polling) until `done()` holds or `timeoutMs` passes; says whether it holds. */
export async function until(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return done();
}

/** What one pass of the escalation jobs did, summed over the processes. */
export interface EscalationPass {
  published: number;
  caughtUp: number;
}

export interface EscalationDesk {
  logger: Logger;
  /** This process's domain events and relay, with the desk's consumers; email is off (no SMTP_URL), so emails are kept. */
  events: EventRuntime;
  /**
   * Webhooks wired as `npm start` wires them: fed by the relay, publishing WEBHOOK_ENDPOINT_DISABLED
   * through `events`; the delivery loop is not started (the test calls `dispatcher.runDue()`).
   */
  webhooks: WebhookRuntime;
  /** Both processes' jobs run passes at `instant` until the sweep is done (each pass takes a batch of 2). */
  passAt(instant: string): Promise<EscalationPass>;
  stop(): Promise<void>;
}

/**
 * The desk's background side over a test app, as two server processes on one database run it: the
 * outbox relay with in-app notifications and kept emails, webhooks, and (with `escalationJobs`) the
 * SLA escalation job in both processes, each with its own pool and its own DomainEvents, on the
 * app's injected clock (interval 60 s, batch 2, catch-up window 60 minutes).
 */
export async function startEscalationDesk(app: TestApp, options: { escalationJobs?: boolean } = {}): Promise<EscalationDesk> {
  const logger = createLogger('silent');
  const clock = () => app.now();
  const events = await startEventRuntime({
    orm: app.orm,
    logger,
    clock,
    relayEnabled: true,
    mail: { smtpUrl: null, from: 'Desk <desk@support.test>', ticketUrlTemplate: 'https://desk.example.com/t/{number}' },
  });
  const webhooks = startWebhooks({ orm: app.orm, keyring: app.vault.keyring, clock, logger, production: false, autoStart: false, events: events.events });
  registerWebhookConsumer(events.relay, webhooks);

  let secondOrm: MikroORM | null = null;
  let jobs: SlaEscalationJob[] = [];
  if (options.escalationJobs) {
    secondOrm = await openOrm(app.databaseUrl);
    jobs = [app.orm, secondOrm].map(
      (orm) =>
        new SlaEscalationJob({
          orm,
          clock,
          calendar: new SupportCalendar(),
          events: new DomainEvents(clock),
          logger,
          settings: { intervalSeconds: 60, batchSize: 2, catchUpMinutes: 60 },
        }),
    );
  }

  return {
    logger,
    events,
    webhooks,
    async passAt(instant) {
      if (jobs.length === 0) throw new Error('started without escalationJobs');
      app.setNow(at(instant));
      const total = { published: 0, caughtUp: 0 };
      // A pass takes a batch (2 here); a full batch is followed by another.
      for (;;) {
        const results = await Promise.all(jobs.map((job) => job.runOnce()));
        for (const r of results) {
          total.published += r.published;
          total.caughtUp += r.caughtUp;
        }
        if (results.every((r) => r.examined < 2)) return total;
      }
    },
    async stop() {
      await Promise.all(jobs.map((job) => job.stop()));
      await events.stop();
      await webhooks.dispatcher.stop();
      await secondOrm?.close();
    },
  };
}

/** Files a ticket at the clock's instant and starts its SLA clock (access waived by an admin), as staff would. */
export async function fileRunning(app: TestApp, merchant: Merchant, subject: string): Promise<{ id: string; rawId: string; number: string }> {
  const created = await merchant.sdk.TicketCreate({
    input: { subject, description: 'The checkout stays blank after the update.', category: TicketCategory.BugFix },
  });
  const ticket = created.ticketCreate.ticket;
  if (!ticket) throw new Error(JSON.stringify(created.ticketCreate.userErrors));
  await app.admin.TicketAccessWaive({ input: { ticketId: ticket.id, reason: 'Checked by phone.' } });
  return { id: ticket.id, rawId: fromGlobalId(ticket.id)!.id, number: ticket.number };
}

/** The SLA events written to the outbox (of one ticket, or all), in order. */
export async function slaEventsInOutbox(app: TestApp, rawTicketId?: string) {
  return app.orm.em
    .fork()
    .getConnection()
    .execute<Array<{ type: string; ticket_id: string | null; data: Record<string, unknown>; occurred_at: Date }>>(
      `select type, ticket_id, data, occurred_at from outbox_event where type like 'SLA_%' ${rawTicketId ? 'and ticket_id = ?' : ''} order by id`,
      rawTicketId ? [rawTicketId] : [],
    );
}

/** The viewer's latest notifications, with their emails. */
export async function notificationsOf(app: TestApp, token: string, first = 50) {
  const r = await app.raw(
    'query N($first: Int) { viewer { notifications(first: $first) { nodes { type title body ticketNumber email { status toAddress subject text } } } } }',
    { first },
    token,
  );
  if (r.body.errors?.length) throw new Error(JSON.stringify(r.body.errors));
  return r.body.data!.viewer.notifications.nodes as Array<{
    type: string;
    title: string;
    body: string;
    ticketNumber: string | null;
    email: { status: string; toAddress: string; subject: string; text: string } | null;
  }>;
}
