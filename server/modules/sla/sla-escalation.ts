import type { DateTime } from 'luxon';
import { type SlaClockState, type SupportTime, usedMinutesAt } from './sla-clock';

/** The two escalations of a guaranteed target: a warning at 75 % of its support minutes, and the breach. */
export enum EscalationKind {
  AT_75_PERCENT = 'AT_75_PERCENT',
  BREACHED = 'BREACHED',
}

export enum EscalationTarget {
  FIRST_REPLY = 'FIRST_REPLY',
  RESOLUTION = 'RESOLUTION',
}

/** Support minutes at which the warning is due: 75 % of the target, rounded up to a whole minute. */
export function warningMinutes(targetMinutes: number): number {
  return Math.ceil((targetMinutes * 3) / 4);
}

export interface ReachedEscalation {
  kind: EscalationKind;
  /** Support minutes used when it was reached. */
  thresholdMinutes: number;
  /** The instant the clock reached it; null when that happened in an earlier run of the clock. */
  reachedAt: DateTime | null;
}

/**
 * The escalations of one unmet target that its clock has reached by `now`, warning first. Only
 * support minutes count (the calendar skips nights, weekends and holidays, across DST), so an
 * escalation is reached at exactly the instant the ticket's SLA view shows that many minutes
 * used. A paused clock (waiting on the merchant) reaches nothing.
 */
export function reachedEscalations(state: SlaClockState, targetMinutes: number, now: DateTime, calendar: SupportTime): ReachedEscalation[] {
  if (state.runningSince === null) return [];
  const used = usedMinutesAt(state, now, calendar);
  const thresholds: Array<[EscalationKind, number]> = [
    [EscalationKind.AT_75_PERCENT, warningMinutes(targetMinutes)],
    [EscalationKind.BREACHED, targetMinutes],
  ];
  const reached: ReachedEscalation[] = [];
  for (const [kind, threshold] of thresholds) {
    if (used < threshold) continue;
    const reachedAt = state.usedMinutes < threshold ? calendar.addSupportMinutes(state.runningSince, threshold - state.usedMinutes) : null;
    reached.push({ kind, thresholdMinutes: threshold, reachedAt });
  }
  return reached;
}
