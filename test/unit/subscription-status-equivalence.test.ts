import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { contractEnd, contractEndMillis } from '../../server/modules/subscription/billing-period';
import { statusAt, SubscriptionStatus } from '../../server/modules/subscription/entitlement-rules';
import type { Subscription } from '../../server/modules/subscription/subscription.entity';
import { CONTRACT_ZONE, contractStartOf, subscriptionStatusAt } from '../../server/modules/subscription/subscription.service';

/**
 * A subscription's status on a ticket page is worked out from a remembered contract end in
 * epoch milliseconds; it must answer exactly what the zoned luxon computation answers, for
 * starts on month ends, leap days and both DST switches, and for instants on and next to the end.
 */

/** mulberry32: a small seeded generator, so a failure names a row that can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATUSES = Object.values(SubscriptionStatus);
// Local starts where month arithmetic is delicate in New York: month ends, leap days, the DST hours.
const EDGE_STARTS = ['2024-01-31T00:00', '2024-02-29T12:00', '2024-03-10T02:30', '2024-11-03T01:30', '2023-03-12T03:00', '2025-10-31T23:59:59.999'];

describe('subscription status from epoch milliseconds equals the zoned computation', () => {
  it('agrees on 20,000 seeded random rows (starts 2019–2031, 1–36 months, instants around the end)', () => {
    const next = random(20261203);
    const from = DateTime.fromISO('2019-01-01T00:00', { zone: 'utc' }).toMillis();
    const span = DateTime.fromISO('2031-12-31T00:00', { zone: 'utc' }).toMillis() - from;
    let expired = 0;
    const mismatches: string[] = [];
    for (let row = 0; row < 20_000; row += 1) {
      const edge = next() < 0.3;
      const start = edge
        ? DateTime.fromISO(EDGE_STARTS[Math.floor(next() * EDGE_STARTS.length)]!, { zone: CONTRACT_ZONE }).toJSDate()
        : new Date(from + Math.floor(next() * span));
      const months = 1 + Math.floor(next() * 36);
      const stored = STATUSES[Math.floor(next() * STATUSES.length)]!;
      const end = contractEnd(DateTime.fromJSDate(start, { zone: CONTRACT_ZONE }), months)!;
      // Half the instants within a millisecond of the end, the rest within ±40 days of it.
      const offset = next() < 0.5 ? Math.floor(next() * 3) - 1 : Math.floor((next() - 0.5) * 80 * 86_400_000);
      const now = DateTime.fromMillis(end.toMillis() + offset, { zone: 'utc' });
      const subscription = { status: stored, contractStart: start, months } as Subscription;

      const expected = statusAt(stored, contractStartOf(subscription), months, now);
      const endMs = contractEndMillis(start, CONTRACT_ZONE, months);
      // Asked twice: the second answer comes from the remembered end.
      const answers = [subscriptionStatusAt(subscription, now.toMillis()), subscriptionStatusAt(subscription, now.toMillis())];
      if (endMs !== end.toMillis() || answers.some((answer) => answer !== expected)) {
        mismatches.push(`row ${row}: ${stored} ${start.toISOString()} + ${months} months at ${now.toISO()}: ${answers.join('/')} ≠ ${expected}`);
      }
      if (expected === SubscriptionStatus.EXPIRED && stored === SubscriptionStatus.ACTIVE) expired += 1;
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    // The table reaches both sides of the end.
    expect(expired).toBeGreaterThan(1_000);
  });

  it('an invalid month count has no end, as before: an ACTIVE purchase stays ACTIVE', () => {
    const start = new Date('2024-01-31T05:00:00Z');
    expect(contractEndMillis(start, CONTRACT_ZONE, 0)).toBeNull();
    const subscription = { status: SubscriptionStatus.ACTIVE, contractStart: start, months: 0 } as Subscription;
    expect(subscriptionStatusAt(subscription, Date.parse('2030-01-01T00:00:00Z'))).toBe(SubscriptionStatus.ACTIVE);
  });
});
