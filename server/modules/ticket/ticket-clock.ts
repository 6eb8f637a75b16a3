import { DateTime } from 'luxon';
import {
  evaluateMetTarget,
  evaluateTarget,
  pauseClock,
  resumeClock,
  SlaTier,
  slaTargets,
  type SlaTargets,
  usedMinutesAt,
  type SlaClockState,
} from '../sla/sla-clock';
import type { SupportCalendar } from '../support-hours/support-calendar';
import { QuoteStatus } from './coverage';
import { NOT_DUE, type Ticket } from './ticket.entity';
import { TicketStatus } from './ticket.enums';

/** Glue between a Ticket row and the pure SLA clock. */
export function clockOf(ticket: Ticket): SlaClockState {
  return {
    usedMinutes: ticket.clockUsedMinutes,
    runningSince: ticket.clockRunningSince ? DateTime.fromJSDate(ticket.clockRunningSince) : null,
  };
}

export function tierOf(ticket: Ticket): SlaTier {
  return ticket.complex ? SlaTier.COMPLEX : SlaTier.STANDARD;
}

/** The ticket's targets: its tier, in support days as long as they were when it was filed. */
export function targetsOf(ticket: Ticket): SlaTargets {
  return slaTargets(tierOf(ticket), ticket.supportDayMinutes);
}

/**
 * The clock runs only while the ticket waits on us: not while access is missing, not while
 * the merchant owes an answer (a question, a quote, a surcharge), not once resolved or closed.
 */
export function clockShouldRun(ticket: Ticket): boolean {
  if (ticket.status !== TicketStatus.OPEN && ticket.status !== TicketStatus.IN_PROGRESS) return false;
  if (ticket.quoteStatus === QuoteStatus.PENDING) return false;
  if (ticket.surchargeStatus === QuoteStatus.PENDING) return false;
  return true;
}

/** Pauses or resumes the clock to match the ticket's state, and refreshes its urgency sort key. */
export function syncClock(ticket: Ticket, now: DateTime, calendar: SupportCalendar): void {
  const before = clockOf(ticket);
  const after = clockShouldRun(ticket) ? resumeClock(before, now) : pauseClock(before, now, calendar);
  ticket.clockUsedMinutes = after.usedMinutes;
  ticket.clockRunningSince = after.runningSince ? after.runningSince.toJSDate() : null;
  const next = nextDue(ticket, now, calendar);
  ticket.urgencyAt = next ? next.toJSDate() : NOT_DUE;
  const sla = slaView(ticket, now, calendar);
  ticket.runningFirstReplyDueAt = sla.firstReply.met ? null : (sla.firstReply.dueAt?.toJSDate() ?? null);
  ticket.runningResolutionDueAt = sla.resolution.met ? null : (sla.resolution.dueAt?.toJSDate() ?? null);
}

export function supportMinutesUsed(ticket: Ticket, now: DateTime, calendar: SupportCalendar): number {
  return usedMinutesAt(clockOf(ticket), now, calendar);
}

export interface TargetView {
  targetMinutes: number;
  dueAt: DateTime | null;
  remainingMinutes: number;
  breached: boolean;
  met: boolean;
  metAt: Date | null;
  minutesTaken: number | null;
}

export interface SlaView {
  running: boolean;
  usedMinutes: number;
  firstReply: TargetView;
  resolution: TargetView;
}

export function slaView(ticket: Ticket, now: DateTime, calendar: SupportCalendar): SlaView {
  const state = clockOf(ticket);
  const targets = targetsOf(ticket);
  const view = (target: number, metAt: Date | null | undefined, minutesWhenMet: number | null | undefined): TargetView => {
    if (metAt && minutesWhenMet != null) {
      const met = evaluateMetTarget(minutesWhenMet, target);
      return {
        targetMinutes: target,
        dueAt: null,
        remainingMinutes: target - minutesWhenMet,
        breached: met.breached,
        met: true,
        metAt,
        minutesTaken: met.minutesTaken,
      };
    }
    const open = evaluateTarget(state, target, now, calendar);
    return { targetMinutes: target, ...open, met: false, metAt: null, minutesTaken: null };
  };
  return {
    running: state.runningSince !== null,
    usedMinutes: usedMinutesAt(state, now, calendar),
    firstReply: view(targets.firstReplyMinutes, ticket.firstReplyAt, ticket.firstReplyMinutes),
    resolution: view(targets.resolutionMinutes, ticket.resolvedAt, ticket.resolutionMinutes),
  };
}

/** The due time that matters next: first reply until there is one, then resolution. */
export function nextDue(ticket: Ticket, now: DateTime, calendar: SupportCalendar): DateTime | null {
  const sla = slaView(ticket, now, calendar);
  if (!sla.firstReply.met) return sla.firstReply.dueAt;
  if (!sla.resolution.met) return sla.resolution.dueAt;
  return null;
}
