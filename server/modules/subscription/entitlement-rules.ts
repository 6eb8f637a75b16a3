// Policy: "you are entitled either to a one time fix ... or to 1 month of Premium Support" and
// "The monthly support is limited to 10 issues/tickets per month."
// Callers count only tickets that consume the allowance (coverage.consumesAllowance).

import type { DateTime } from 'luxon';
import { contractEnd, periodAt, type BillingPeriod } from './billing-period';

export enum PlanKind {
  ONE_TIME_FIX = 'ONE_TIME_FIX',
  PREMIUM_MONTHLY = 'PREMIUM_MONTHLY',
}

export enum SubscriptionStatus {
  ACTIVE = 'ACTIVE',
  CANCELLED = 'CANCELLED',
  EXPIRED = 'EXPIRED',
  REFUNDED = 'REFUNDED',
}

/**
 * The status a purchase has at `now`: one whose contract has ended is EXPIRED, whatever was
 * stored at purchase (ACTIVE is written once and nothing rewrites it when the time runs out).
 */
export function statusAt(stored: SubscriptionStatus, contractStart: DateTime, contractMonths: number, now: DateTime): SubscriptionStatus {
  if (stored !== SubscriptionStatus.ACTIVE) return stored;
  const end = contractEnd(contractStart, contractMonths);
  return end !== null && now.toMillis() >= end.toMillis() ? SubscriptionStatus.EXPIRED : stored;
}

/** `statusAt` with the contract's end already known, in epoch milliseconds (null: no valid end). */
export function statusAtMillis(stored: SubscriptionStatus, contractEndMs: number | null, nowMs: number): SubscriptionStatus {
  if (stored !== SubscriptionStatus.ACTIVE) return stored;
  return contractEndMs !== null && nowMs >= contractEndMs ? SubscriptionStatus.EXPIRED : stored;
}

export const PREMIUM_TICKETS_PER_PERIOD = 10;
export const ONE_TIME_FIX_TICKETS = 1;

export interface EntitlementInput {
  planKind: PlanKind;
  /** Premium tickets per monthly period; defaults to 10. Ignored for a one-time fix (always 1). */
  allowancePerPeriod?: number;
  status: SubscriptionStatus;
  contractStart: DateTime;
  contractMonths: number;
  now: DateTime;
  /** Premium: tickets already used in the current period. One-time fix: over the whole purchase. */
  ticketsUsedInPeriod: number;
}

export type EntitlementDenialCode = 'NO_ACTIVE_PLAN' | 'TICKET_LIMIT_REACHED' | 'PLAN_EXPIRED';

export type EntitlementResult =
  | { ok: true; period: BillingPeriod; limit: number; remainingAfter: number }
  | { ok: false; code: EntitlementDenialCode; message: string; renewsAt: DateTime | null };

export interface AllowanceSummary {
  used: number;
  limit: number;
  remaining: number;
  periodStart: DateTime;
  periodEnd: DateTime;
  /** When a fresh allowance starts; null when none follows (one-time fix, last period). */
  renewsAt: DateTime | null;
  /** In words: when the allowance renews, or why it does not. */
  renewal: string;
}

/** Format an instant for merchant messages, in the contract's zone. */
export function formatInstant(dt: DateTime): string {
  return dt.setLocale('en-US').toFormat('d LLLL yyyy, HH:mm ZZZZ');
}

export function ticketLimit(planKind: PlanKind, allowancePerPeriod?: number): number {
  if (planKind === PlanKind.ONE_TIME_FIX) return ONE_TIME_FIX_TICKETS;
  const limit = allowancePerPeriod ?? PREMIUM_TICKETS_PER_PERIOD;
  // A bad allowance is a programming/configuration error, not a domain outcome.
  if (!Number.isSafeInteger(limit) || limit <= 0) {
    throw new RangeError(`allowancePerPeriod must be a positive integer, got ${String(allowancePerPeriod)}`);
  }
  return limit;
}

function assertCount(used: number): void {
  if (!Number.isSafeInteger(used) || used < 0) {
    throw new RangeError(`ticketsUsedInPeriod must be a non-negative integer, got ${String(used)}`);
  }
}

/**
 * The allowance window at `now`: the monthly period for Premium, the whole purchase for a
 * one-time fix (its single ticket is not renewed monthly). null outside the contract.
 */
export function allowanceWindow(
  planKind: PlanKind,
  contractStart: DateTime,
  contractMonths: number,
  now: DateTime,
): { period: BillingPeriod; renewsAt: DateTime | null } | null {
  const monthly = periodAt(contractStart, contractMonths, now);
  if (monthly === null) return null;
  if (planKind === PlanKind.ONE_TIME_FIX) {
    const end = contractEnd(contractStart, contractMonths)!;
    return { period: { index: 0, start: contractStart, end }, renewsAt: null };
  }
  const lastIndex = contractMonths - 1;
  return { period: monthly, renewsAt: monthly.index < lastIndex ? monthly.end : null };
}

/**
 * May the merchant open one more allowance-consuming ticket now?
 * Order: the subscription status, then the contract window, then the ticket count.
 */
export function checkTicketEntitlement(input: EntitlementInput): EntitlementResult {
  const limit = ticketLimit(input.planKind, input.allowancePerPeriod);
  assertCount(input.ticketsUsedInPeriod);
  const { status, contractStart, contractMonths, now } = input;

  if (status === SubscriptionStatus.EXPIRED) {
    return { ok: false, code: 'PLAN_EXPIRED', message: 'Your support plan has expired.', renewsAt: null };
  }
  if (status !== SubscriptionStatus.ACTIVE) {
    const why = status === SubscriptionStatus.REFUNDED ? 'was refunded' : 'was cancelled';
    return { ok: false, code: 'NO_ACTIVE_PLAN', message: `Your support plan ${why}; there is no active plan.`, renewsAt: null };
  }
  if (now.toMillis() < contractStart.toMillis()) {
    return {
      ok: false,
      code: 'NO_ACTIVE_PLAN',
      message: `Your support plan starts on ${formatInstant(contractStart)}.`,
      renewsAt: contractStart,
    };
  }
  const window = allowanceWindow(input.planKind, contractStart, contractMonths, now);
  if (window === null) {
    const end = contractEnd(contractStart, contractMonths);
    return {
      ok: false,
      code: 'PLAN_EXPIRED',
      message: end ? `Your support plan ended on ${formatInstant(end)}.` : 'Your support plan has expired.',
      renewsAt: null,
    };
  }

  const used = input.ticketsUsedInPeriod;
  if (used >= limit) {
    return { ok: false, code: 'TICKET_LIMIT_REACHED', message: limitMessage(input.planKind, limit, window), renewsAt: window.renewsAt };
  }
  return { ok: true, period: window.period, limit, remainingAfter: limit - used - 1 };
}

function limitMessage(planKind: PlanKind, limit: number, window: { period: BillingPeriod; renewsAt: DateTime | null }): string {
  if (planKind === PlanKind.ONE_TIME_FIX) {
    return 'A one-time fix covers exactly one ticket, and it has been used. For more tickets, purchase Premium Support or another fix.';
  }
  const used = `You have used all ${limit} Premium Support tickets of the current monthly period`;
  if (window.renewsAt) {
    return `${used}. Your allowance renews on ${formatInstant(window.renewsAt)}.`;
  }
  return `${used}. Your contract ends with this period on ${formatInstant(window.period.end)}, so the allowance does not renew; renew your plan to open more tickets.`;
}

/** Usage for display. null outside the contract window. */
export function allowanceSummary(input: Omit<EntitlementInput, 'status'>): AllowanceSummary | null {
  const limit = ticketLimit(input.planKind, input.allowancePerPeriod);
  assertCount(input.ticketsUsedInPeriod);
  const window = allowanceWindow(input.planKind, input.contractStart, input.contractMonths, input.now);
  if (window === null) return null;
  const used = input.ticketsUsedInPeriod;
  return {
    used,
    limit,
    remaining: Math.max(0, limit - used),
    periodStart: window.period.start,
    periodEnd: window.period.end,
    renewsAt: window.renewsAt,
    renewal: renewalText(input.planKind, limit, window),
  };
}

function renewalText(planKind: PlanKind, limit: number, window: { period: BillingPeriod; renewsAt: DateTime | null }): string {
  if (planKind === PlanKind.ONE_TIME_FIX) {
    return `A one-time fix covers one ticket over the whole purchase, until ${formatInstant(window.period.end)}; it does not renew.`;
  }
  if (window.renewsAt) return `A fresh allowance of ${limit} tickets starts on ${formatInstant(window.renewsAt)}.`;
  return `Your contract ends with this period on ${formatInstant(window.period.end)}, so no fresh allowance follows; renew your plan to open more tickets after that.`;
}
