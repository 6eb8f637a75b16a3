import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/logger';
import { DomainEventType } from '../events/domain-event';
import type { DomainEvents } from '../events/domain-events';
import { ticketEvent } from '../events/event-of';
import type { SupportCalendar } from '../support-hours/support-calendar';
import { clockOf, slaView } from '../ticket/ticket-clock';
import { Ticket } from '../ticket/ticket.entity';
import { EscalationKind, EscalationTarget, reachedEscalations, warningMinutes } from './sla-escalation';

export interface SlaEscalationSettings {
  /** Seconds between passes (SLA_ESCALATION_INTERVAL_SECONDS): an escalation is published at most this late. */
  intervalSeconds: number;
  /** Tickets examined per pass (SLA_ESCALATION_BATCH); a full batch is followed by the next one at once. */
  batchSize: number;
  /**
   * Minutes (SLA_ESCALATION_CATCH_UP_MINUTES): an escalation the job first sees longer than this after
   * its instant (a first start over existing tickets, a long stop) is recorded without its own event.
   */
  catchUpMinutes: number;
}

export const DEFAULT_SLA_ESCALATION_SETTINGS: SlaEscalationSettings = { intervalSeconds: 60, batchSize: 200, catchUpMinutes: 60 };

/** One process's passes at a time (pg_try_advisory_xact_lock): a sweep, and so its summary, is one process's. */
const PASS_LOCK_KEY = 4_107_202_613;

export interface SlaEscalationJobOptions {
  orm: MikroORM;
  clock: Clock;
  calendar: SupportCalendar;
  events: DomainEvents;
  logger: Logger;
  settings?: SlaEscalationSettings;
}

const EVENT_OF: Record<EscalationKind, DomainEventType> = {
  [EscalationKind.AT_75_PERCENT]: DomainEventType.SLA_TARGET_AT_75_PERCENT,
  [EscalationKind.BREACHED]: DomainEventType.SLA_BREACHED,
};

/**
 * Publishes SLA escalations: for every guaranteed ticket whose clock runs, the target that
 * matters next (the first reply until there is one, then the resolution, as the queue's
 * urgency) is escalated at 75 % of its support minutes and when breached. Every process may
 * run it: an escalation is recorded in `sla_escalation` (ticket, target, kind) with ON CONFLICT
 * DO NOTHING in the transaction that publishes its event, so each is published exactly once.
 *
 * A pass reads only running guaranteed tickets (a partial index: closed, resolved and paused
 * tickets are not in it), and of those only the ones whose clock may have reached 75 % of a
 * support day (a bound SQL can check without the calendar) and that still lack an escalation;
 * the calendar then decides exactly.
 *
 * Catch-up: an escalation whose instant is older than `catchUpMinutes` when the job first sees it
 * (the first start over existing tickets, or after a long stop) is recorded without its own
 * event, so admins get no burst of stale breach emails. Its breaches are counted in one summary
 * event (SLA_ESCALATIONS_CAUGHT_UP, to admins) when the sweep ends; a stale 75 % warning of a
 * target not yet breached is still news (the breach is ahead) and is published; one whose target
 * is breached too is not. Recent crossings are published as always. Passes hold an advisory lock
 * (one process at a time; another skips its turn), so one sweep's summary is the only one.
 */
export class SlaEscalationJob {
  private readonly settings: SlaEscalationSettings;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;
  /** Keyset position between the passes of one sweep (after a full batch). */
  private after: string | null = null;

  constructor(private readonly options: SlaEscalationJobOptions) {
    this.settings = options.settings ?? DEFAULT_SLA_ESCALATION_SETTINGS;
  }

  /**
   * One pass: up to a batch of candidate tickets, from where the previous full batch stopped.
   * Returns how many tickets were examined, how many escalations were published, and how many
   * stale breaches were recorded for the summary instead (all 0 when another process's pass runs).
   */
  async runOnce(): Promise<{ examined: number; published: number; caughtUp: number }> {
    return this.options.orm.em.fork().transactional(async (lockEm) => {
      const [lock] = await lockEm.execute<Array<{ locked: boolean }>>('select pg_try_advisory_xact_lock(?) as locked', [PASS_LOCK_KEY]);
      if (!lock?.locked) {
        // Another process is running a pass: this one skips its turn, and its next pass starts a sweep afresh.
        this.after = null;
        return { examined: 0, published: 0, caughtUp: 0 };
      }
      const pass = await this.pass();
      // The sweep has seen every candidate: the stale breaches it recorded are announced once, together.
      if (pass.examined < this.settings.batchSize) await this.summarize(lockEm);
      return pass;
    });
  }

  private async pass(): Promise<{ examined: number; published: number; caughtUp: number }> {
    const now = this.options.clock();
    const rows = await this.options.orm.em
      .fork()
      .getConnection()
      .execute<Array<{ id: string }>>(
        `with running as (
           select t.id, t.urgency_at,
                  case when t.first_reply_at is null or t.first_reply_minutes is null then 'FIRST_REPLY' else 'RESOLUTION' end as target
           from ticket t
           -- The literal predicates match the partial index ticket_sla_escalation_index (NOT_DUE: a paused or finished clock).
           where t.sla_guaranteed and t.urgency_at < '9999-12-31 00:00:00+00' and t.id > ?
             and t.clock_running_since + make_interval(mins => greatest(0, ceil(t.support_day_minutes * 0.75)::int - t.clock_used_minutes)) <= ?
         )
         select r.id from running r
         where not exists (select 1 from sla_escalation e where e.ticket_id = r.id and e.target = r.target and e.kind = 'BREACHED')
           and not (r.urgency_at > ? and exists (select 1 from sla_escalation e where e.ticket_id = r.id and e.target = r.target and e.kind = 'AT_75_PERCENT'))
         order by r.id limit ?`,
        [this.after ?? '00000000-0000-0000-0000-000000000000', now.toJSDate(), now.toJSDate(), this.settings.batchSize],
      );
    this.after = rows.length === this.settings.batchSize ? rows.at(-1)!.id : null;
    let published = 0;
    let caughtUp = 0;
    for (const row of rows) {
      const done = await this.escalate(row.id);
      published += done.published;
      caughtUp += done.caughtUp;
    }
    return { examined: rows.length, published, caughtUp };
  }

  /** One event for every stale breach recorded and not yet announced (claimed in the same transaction). */
  private async summarize(em: EntityManager): Promise<void> {
    const now = this.options.clock();
    const [claimed] = await em.execute<Array<{ breached: number; earliest: Date | string | null }>>(
      `with claimed as (
         update sla_escalation set summarized_at = ? where not notified and summarized_at is null returning reached_at
       )
       select count(*)::int as breached, min(reached_at) as earliest from claimed`,
      [now.toJSDate()],
    );
    if (!claimed?.breached) return;
    const { calendar, events } = this.options;
    await events.publish(em, {
      type: DomainEventType.SLA_ESCALATIONS_CAUGHT_UP,
      ticketId: null,
      customerId: null,
      team: null,
      actor: { kind: 'SYSTEM', id: null },
      staffOnly: true,
      data: {
        breached: claimed.breached,
        catchUpMinutes: this.settings.catchUpMinutes,
        earliestReachedAt: claimed.earliest ? DateTime.fromJSDate(new Date(claimed.earliest)).setZone(calendar.config.zone).toISO() : null,
      },
    });
  }

  /** The escalations one ticket has reached and that nobody published yet, each with its event, in one transaction. */
  private async escalate(ticketId: string): Promise<{ published: number; caughtUp: number }> {
    const { calendar, clock, events } = this.options;
    const none = { published: 0, caughtUp: 0 };
    return this.options.orm.em.fork().transactional(async (em) => {
      // A fresh "now" per ticket: the pass may take a while, and nothing is published ahead of its instant.
      const now = clock();
      const ticket = await em.findOne(Ticket, { id: ticketId });
      if (!ticket?.slaGuaranteed) return none;
      const view = slaView(ticket, now, calendar);
      const [target, targetView] = !view.firstReply.met
        ? [EscalationTarget.FIRST_REPLY, view.firstReply]
        : !view.resolution.met
          ? [EscalationTarget.RESOLUTION, view.resolution]
          : [null, null];
      if (!target || !targetView) return none;
      let published = 0;
      let caughtUp = 0;
      const slaClock = clockOf(ticket);
      const reachedAll = reachedEscalations(slaClock, targetView.targetMinutes, now, calendar);
      const breached = reachedAll.some((reached) => reached.kind === EscalationKind.BREACHED);
      const staleBefore = now.minus({ minutes: this.settings.catchUpMinutes });
      for (const reached of reachedAll) {
        // Reached in an earlier run of the clock: no later than when this run started.
        const crossedAt = reached.reachedAt ?? slaClock.runningSince ?? now;
        const stale = crossedAt < staleBefore && (reached.kind === EscalationKind.BREACHED || breached);
        const inserted = await em.execute<Array<{ kind: string }>>(
          `insert into sla_escalation (ticket_id, target, kind, reached_at, published_at, notified, summarized_at) values (?, ?, ?, ?, ?, ?, ?)
           on conflict (ticket_id, target, kind) do nothing returning kind`,
          [
            ticket.id,
            target,
            reached.kind,
            reached.reachedAt?.toJSDate() ?? null,
            now.toJSDate(),
            !stale,
            // A stale warning is told by its breach (published, or in the summary): it is never summarized.
            stale && reached.kind !== EscalationKind.BREACHED ? now.toJSDate() : null,
          ],
        );
        if (inserted.length === 0) continue;
        if (stale) {
          if (reached.kind === EscalationKind.BREACHED) caughtUp += 1;
          continue;
        }
        await events.publish(
          em,
          ticketEvent(EVENT_OF[reached.kind], ticket, 'system', {
            target,
            targetMinutes: targetView.targetMinutes,
            thresholdMinutes: reached.kind === EscalationKind.AT_75_PERCENT ? warningMinutes(targetView.targetMinutes) : targetView.targetMinutes,
            usedMinutes: view.usedMinutes,
            reachedAt: reached.reachedAt?.setZone(calendar.config.zone).toISO() ?? null,
            dueAt: targetView.dueAt?.toISO() ?? null,
          }),
        );
        published += 1;
      }
      return { published, caughtUp };
    });
  }

  /** Passes every `intervalSeconds` (at once again after a full batch) until stopped. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.running || this.stopped) return;
    let full = false;
    this.running = this.runOnce().then(
      ({ examined }) => (full = examined === this.settings.batchSize),
      (error: unknown) => this.options.logger.error({ err: error }, 'SLA escalation pass failed; the next pass tries again'),
    );
    await this.running;
    this.running = undefined;
    if (!this.stopped) this.schedule(full ? 0 : this.settings.intervalSeconds * 1_000);
  }
}
