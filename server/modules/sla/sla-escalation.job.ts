import type { MikroORM } from '@mikro-orm/postgresql';
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
}

export const DEFAULT_SLA_ESCALATION_SETTINGS: SlaEscalationSettings = { intervalSeconds: 60, batchSize: 200 };

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
   * Returns how many tickets were examined and how many escalations were published.
   */
  async runOnce(): Promise<{ examined: number; published: number }> {
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
    for (const row of rows) published += await this.escalate(row.id);
    return { examined: rows.length, published };
  }

  /** The escalations one ticket has reached and that nobody published yet, each with its event, in one transaction. */
  private async escalate(ticketId: string): Promise<number> {
    const { calendar, clock, events } = this.options;
    return this.options.orm.em.fork().transactional(async (em) => {
      // A fresh "now" per ticket: the pass may take a while, and nothing is published ahead of its instant.
      const now = clock();
      const ticket = await em.findOne(Ticket, { id: ticketId });
      if (!ticket?.slaGuaranteed) return 0;
      const view = slaView(ticket, now, calendar);
      const [target, targetView] = !view.firstReply.met
        ? [EscalationTarget.FIRST_REPLY, view.firstReply]
        : !view.resolution.met
          ? [EscalationTarget.RESOLUTION, view.resolution]
          : [null, null];
      if (!target || !targetView) return 0;
      let published = 0;
      for (const reached of reachedEscalations(clockOf(ticket), targetView.targetMinutes, now, calendar)) {
        const inserted = await em.execute<Array<{ kind: string }>>(
          `insert into sla_escalation (ticket_id, target, kind, reached_at, published_at) values (?, ?, ?, ?, ?)
           on conflict (ticket_id, target, kind) do nothing returning kind`,
          [ticket.id, target, reached.kind, reached.reachedAt?.toJSDate() ?? null, now.toJSDate()],
        );
        if (inserted.length === 0) continue;
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
      return published;
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
