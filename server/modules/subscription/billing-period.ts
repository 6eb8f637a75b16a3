// Monthly billing periods ("1 month of Premium Support", "10 issues/tickets per month").
// Each boundary is start.plus({ months: n }) computed from the contract start, never by
// chaining period ends: chaining turns Jan 31 → Feb 29 → Mar 29, while from the start it is
// Jan 31 → Feb 29 → Mar 31. Periods are half-open: [start, end).

import { DateTime } from 'luxon';

export interface BillingPeriod {
  /** 0 for the first month of the contract. */
  index: number;
  start: DateTime;
  /** Exclusive: the instant the next period starts. */
  end: DateTime;
}

function validMonths(months: number): boolean {
  return Number.isSafeInteger(months) && months > 0;
}

/** The start of period `n` (0-based); `n === months` gives the contract end. */
export function periodBoundary(contractStart: DateTime, n: number): DateTime {
  return contractStart.plus({ months: n });
}

/** The exclusive end of the contract. null for an invalid start or month count. */
export function contractEnd(contractStart: DateTime, months: number): DateTime | null {
  if (!contractStart.isValid || !validMonths(months)) return null;
  return periodBoundary(contractStart, months);
}

/** Contract ends already worked out, by zone, start instant and months (bounded: cleared when full). */
const contractEnds = new Map<string, number | null>();
const CONTRACT_ENDS_KEPT = 50_000;

/**
 * `contractEnd` as epoch milliseconds, from the start instant: the same luxon month arithmetic,
 * done once per (zone, start, months) in the process. A page of tickets asks every
 * subscription's status on every request, and the zoned DateTime with its month addition cost
 * more than the rest of the field; the end of a given contract never changes.
 */
export function contractEndMillis(contractStart: Date, zone: string, months: number): number | null {
  const key = `${zone}|${contractStart.getTime()}|${months}`;
  let end = contractEnds.get(key);
  if (end === undefined) {
    end = contractEnd(DateTime.fromJSDate(contractStart, { zone }), months)?.toMillis() ?? null;
    if (contractEnds.size >= CONTRACT_ENDS_KEPT) contractEnds.clear();
    contractEnds.set(key, end);
  }
  return end;
}

/** Period number `index` of the contract, or null when there is no such period. */
export function periodByIndex(contractStart: DateTime, months: number, index: number): BillingPeriod | null {
  if (!contractStart.isValid || !validMonths(months)) return null;
  if (!Number.isSafeInteger(index) || index < 0 || index >= months) return null;
  return { index, start: periodBoundary(contractStart, index), end: periodBoundary(contractStart, index + 1) };
}

/**
 * The period containing instant `at`, or null before the start, at/after the contract end,
 * or for invalid input. Comparisons are by instant, so `at` may be in any time zone;
 * boundaries are in the contract start's zone (months follow its local calendar).
 */
export function periodAt(contractStart: DateTime, months: number, at: DateTime): BillingPeriod | null {
  if (!contractStart.isValid || !at.isValid || !validMonths(months)) return null;
  const t = at.toMillis();
  if (t < contractStart.toMillis() || t >= periodBoundary(contractStart, months).toMillis()) return null;

  // A plain scan over the real boundaries: contracts are a few months long, and this cannot
  // disagree with periodBoundary the way a month-difference estimate could.
  let i = 0;
  while (i < months - 1 && periodBoundary(contractStart, i + 1).toMillis() <= t) i++;
  return { index: i, start: periodBoundary(contractStart, i), end: periodBoundary(contractStart, i + 1) };
}
