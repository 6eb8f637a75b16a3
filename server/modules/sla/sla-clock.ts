import type { DateTime } from 'luxon';
import type { SupportCalendar } from '../support-hours/support-calendar';

/** One support day of the default hours: 03:00–12:00 ET, 9 hours. */
export const SUPPORT_DAY_MINUTES = 540;

export enum SlaTier {
  STANDARD = 'STANDARD',
  COMPLEX = 'COMPLEX',
}

export interface SlaTargets {
  firstReplyMinutes: number;
  resolutionMinutes: number;
}

// Policy: "most of the support issues are handled within 24 hours, in some complicated
// cases ... up to 72-96 hours": 1 support day, or 3 for complex tickets.
const SUPPORT_DAYS: Readonly<Record<SlaTier, { firstReply: number; resolution: number }>> = Object.freeze({
  [SlaTier.STANDARD]: Object.freeze({ firstReply: 1, resolution: 1 }),
  [SlaTier.COMPLEX]: Object.freeze({ firstReply: 1, resolution: 3 }),
});

/** The targets in support minutes; a support day is as long as the configured support hours. */
export function slaTargets(tier: SlaTier, supportDayMinutes: number = SUPPORT_DAY_MINUTES): SlaTargets {
  const days = SUPPORT_DAYS[tier];
  if (!days) throw new RangeError(`Unknown SLA tier "${String(tier)}"`);
  if (!Number.isInteger(supportDayMinutes) || supportDayMinutes <= 0)
    throw new RangeError(`A support day must be a positive number of minutes, got ${supportDayMinutes}`);
  return { firstReplyMinutes: days.firstReply * supportDayMinutes, resolutionMinutes: days.resolution * supportDayMinutes };
}

/**
 * The clock persisted on a ticket. `usedMinutes` are support minutes consumed up to
 * `runningSince`; `runningSince` null means paused (waiting on the customer or for store access).
 */
export interface SlaClockState {
  usedMinutes: number;
  runningSince: DateTime | null;
}

/** The two calendar operations the clock needs; SupportCalendar provides them. */
export type SupportTime = Pick<SupportCalendar, 'supportMinutesBetween' | 'addSupportMinutes'>;

export interface TargetEvaluation {
  /** The instant the budget runs out; the target must be met before it. Null while paused. */
  dueAt: DateTime | null;
  /** Target minus used support minutes; 0 or negative once breached. */
  remainingMinutes: number;
  breached: boolean;
  /** When the budget ran out, if it happened during the current run; null otherwise. */
  breachedAt: DateTime | null;
}

export interface MetTargetEvaluation {
  breached: boolean;
  minutesTaken: number;
}

function assertMinutes(value: number, what: string): void {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${what} must be a finite number >= 0, got ${value}`);
}

export function startClock(now: DateTime): SlaClockState {
  return { usedMinutes: 0, runningSince: now };
}

/** Banks the support minutes since runningSince; a paused clock is returned unchanged. */
export function pauseClock(state: SlaClockState, now: DateTime, calendar: SupportTime): SlaClockState {
  if (state.runningSince === null) return state;
  // Whole minutes are banked, so each pause drops under a minute of support time.
  return { usedMinutes: usedMinutesAt(state, now, calendar), runningSince: null };
}

/** Restarts a paused clock keeping the minutes already used; a running clock is returned unchanged. */
export function resumeClock(state: SlaClockState, now: DateTime): SlaClockState {
  if (state.runningSince !== null) return state;
  return { usedMinutes: state.usedMinutes, runningSince: now };
}

/** Support minutes used by `now`; only open hours count, and nothing while paused. */
export function usedMinutesAt(state: SlaClockState, now: DateTime, calendar: SupportTime): number {
  assertMinutes(state.usedMinutes, 'usedMinutes');
  if (state.runningSince === null) return state.usedMinutes;
  return state.usedMinutes + calendar.supportMinutesBetween(state.runningSince, now);
}

/**
 * Where an unmet target stands at `now`. A target is breached once its whole budget is
 * used (used >= target), which for a running clock is exactly `now >= dueAt`; that stays
 * true after hours, so a Monday 12:00 deadline is already missed at 12:30.
 */
export function evaluateTarget(state: SlaClockState, targetMinutes: number, now: DateTime, calendar: SupportTime): TargetEvaluation {
  assertMinutes(targetMinutes, 'targetMinutes');
  const used = usedMinutesAt(state, now, calendar);
  const remainingMinutes = targetMinutes - used;
  const breached = remainingMinutes <= 0;
  if (state.runningSince === null) {
    // The instant of a breach before the pause is not kept in the state.
    return { dueAt: null, remainingMinutes, breached, breachedAt: null };
  }
  const budgetAtStart = targetMinutes - state.usedMinutes;
  const dueAt = calendar.addSupportMinutes(state.runningSince, Math.max(0, budgetAtStart));
  // A budget already spent before this run was breached at some earlier, unrecorded instant.
  const breachedAt = breached && budgetAtStart > 0 ? dueAt : null;
  return { dueAt, remainingMinutes, breached, breachedAt };
}

/**
 * A target met when `usedMinutesWhenMet` support minutes had been used
 * (usedMinutesAt(state, metAt, calendar)). Same rule as evaluateTarget: met only if
 * some budget was left, so a reply after hours following a missed deadline counts as late.
 */
export function evaluateMetTarget(usedMinutesWhenMet: number, targetMinutes: number): MetTargetEvaluation {
  assertMinutes(usedMinutesWhenMet, 'usedMinutesWhenMet');
  assertMinutes(targetMinutes, 'targetMinutes');
  return { breached: usedMinutesWhenMet >= targetMinutes, minutesTaken: usedMinutesWhenMet };
}
