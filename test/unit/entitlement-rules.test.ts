import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  allowanceSummary,
  checkTicketEntitlement,
  PlanKind,
  SubscriptionStatus,
  statusAt,
  type EntitlementInput,
} from '../../server/modules/subscription/entitlement-rules';

const NY = 'America/New_York';
const ny = (iso: string) => DateTime.fromISO(iso, { zone: NY });

const premium = (over: Partial<EntitlementInput> = {}): EntitlementInput => ({
  planKind: PlanKind.PREMIUM_MONTHLY,
  allowancePerPeriod: 10,
  status: SubscriptionStatus.ACTIVE,
  contractStart: ny('2024-01-31T00:00'),
  contractMonths: 3,
  now: ny('2024-02-10T10:00'),
  ticketsUsedInPeriod: 0,
  ...over,
});

const oneTime = (over: Partial<EntitlementInput> = {}): EntitlementInput =>
  premium({ planKind: PlanKind.ONE_TIME_FIX, allowancePerPeriod: undefined, contractMonths: 1, ...over });

describe('"The monthly support is limited to 10 issues/tickets per month"', () => {
  it.each([
    // used before this ticket, ok?, remaining after
    [0, true, 9], // 1st ticket
    [8, true, 1], // 9th
    [9, true, 0], // the 10th ticket is still allowed
    [10, false, null], // the 11th is refused
    [15, false, null],
  ])('with %i tickets used, the next one → ok %s (remaining %s)', (used, ok, remaining) => {
    const r = checkTicketEntitlement(premium({ ticketsUsedInPeriod: used }));
    expect(r.ok).toBe(ok);
    if (r.ok) {
      expect(r.remainingAfter).toBe(remaining);
      expect(r.limit).toBe(10);
      expect(r.period.index).toBe(0);
    } else {
      expect(r.code).toBe('TICKET_LIMIT_REACHED');
    }
  });

  it('defaults to 10 when no allowance is given', () => {
    expect(checkTicketEntitlement(premium({ allowancePerPeriod: undefined, ticketsUsedInPeriod: 9 })).ok).toBe(true);
    expect(checkTicketEntitlement(premium({ allowancePerPeriod: undefined, ticketsUsedInPeriod: 10 })).ok).toBe(false);
  });

  it.each([
    // now, renews at (start of the next period)
    ['2024-02-10T10:00', '2024-02-29T00:00:00.000-05:00', /29 February 2024, 00:00 EST/], // Jan 31 start, leap year
    ['2024-02-28T23:59:59.999', '2024-02-29T00:00:00.000-05:00', /29 February 2024/],
    ['2024-03-05T09:00', '2024-03-31T00:00:00.000-04:00', /31 March 2024/], // from the start: Mar 31, not Mar 29
  ])('the 11th ticket at %s says the allowance renews at %s', (now, renews, text) => {
    const r = checkTicketEntitlement(premium({ now: ny(now), ticketsUsedInPeriod: 10 }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe('TICKET_LIMIT_REACHED');
    expect(r.renewsAt?.toISO()).toBe(renews);
    expect(r.message).toMatch(/all 10 Premium Support tickets/);
    expect(r.message).toMatch(/renews on/);
    expect(r.message).toMatch(text);
  });

  it('in the last period the allowance does not renew: renewsAt null and the message says so', () => {
    const r = checkTicketEntitlement(premium({ now: ny('2024-04-10T10:00'), ticketsUsedInPeriod: 10 }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe('TICKET_LIMIT_REACHED');
    expect(r.renewsAt).toBeNull();
    expect(r.message).toMatch(/does not renew/);
    expect(r.message).toMatch(/30 April 2024/);
  });

  it.each([
    // Exactly at a period boundary the counter belongs to the new period.
    ['2024-02-29T00:00:00.000', 1, '2024-02-29', '2024-03-31'],
    ['2024-02-28T23:59:59.999', 0, '2024-01-31', '2024-02-29'],
  ])('at %s the ticket counts against period %i [%s, %s)', (now, index, from, to) => {
    const r = checkTicketEntitlement(premium({ now: ny(now) }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.period.index).toBe(index);
    expect(r.period.start.toISODate()).toBe(from);
    expect(r.period.end.toISODate()).toBe(to);
  });

  it('honours another allowance size', () => {
    expect(checkTicketEntitlement(premium({ allowancePerPeriod: 3, ticketsUsedInPeriod: 2 })).ok).toBe(true);
    expect(checkTicketEntitlement(premium({ allowancePerPeriod: 3, ticketsUsedInPeriod: 3 })).ok).toBe(false);
  });
});

describe('"you are entitled either to a one time fix": exactly one ticket ever', () => {
  it.each([
    [0, true],
    [1, false],
    [2, false],
  ])('with %i used → ok %s', (used, ok) => {
    const r = checkTicketEntitlement(oneTime({ ticketsUsedInPeriod: used }));
    expect(r.ok).toBe(ok);
    if (r.ok) {
      expect(r.remainingAfter).toBe(0);
      expect(r.limit).toBe(1);
    } else {
      expect(r.code).toBe('TICKET_LIMIT_REACHED');
      expect(r.renewsAt).toBeNull(); // never renews
      expect(r.message).toMatch(/one-time fix/i);
    }
  });

  it('ignores a Premium-sized allowance', () => {
    expect(checkTicketEntitlement(oneTime({ allowancePerPeriod: 10, ticketsUsedInPeriod: 1 })).ok).toBe(false);
  });

  it('spans the whole purchase as one window (index 0), even over several months', () => {
    const r = checkTicketEntitlement(oneTime({ contractMonths: 3, now: ny('2024-04-01T10:00') }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.period.index).toBe(0);
    expect(r.period.start.toISODate()).toBe('2024-01-31');
    expect(r.period.end.toISODate()).toBe('2024-04-30');
  });
});

describe('no active plan / expired plan', () => {
  it.each([
    [SubscriptionStatus.CANCELLED, 'NO_ACTIVE_PLAN'],
    [SubscriptionStatus.REFUNDED, 'NO_ACTIVE_PLAN'],
    [SubscriptionStatus.EXPIRED, 'PLAN_EXPIRED'],
  ])('status %s → %s, even with tickets left', (status, code) => {
    const r = checkTicketEntitlement(premium({ status, ticketsUsedInPeriod: 0 }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe(code);
    expect(r.renewsAt).toBeNull();
  });

  it.each([
    ['2024-04-30T00:00:00.000', 'PLAN_EXPIRED'], // exactly the contract end
    ['2024-06-01T00:00', 'PLAN_EXPIRED'],
  ])('ACTIVE but at %s → %s', (now, code) => {
    const r = checkTicketEntitlement(premium({ now: ny(now) }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe(code);
  });

  it('before the contract starts → NO_ACTIVE_PLAN, renewing at the start', () => {
    const r = checkTicketEntitlement(premium({ now: ny('2024-01-30T23:59:59.999') }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe('NO_ACTIVE_PLAN');
    expect(r.renewsAt?.toISODate()).toBe('2024-01-31');
  });

  it('status is checked before the ticket count', () => {
    const r = checkTicketEntitlement(premium({ status: SubscriptionStatus.CANCELLED, ticketsUsedInPeriod: 10 }));
    expect(!r.ok && r.code).toBe('NO_ACTIVE_PLAN');
  });
});

describe('programming errors are thrown, not returned as domain outcomes', () => {
  it.each([[-1], [1.5], [Number.NaN]])('ticketsUsedInPeriod %d throws RangeError', (used) => {
    expect(() => checkTicketEntitlement(premium({ ticketsUsedInPeriod: used }))).toThrow(RangeError);
  });
  it.each([[0], [-5], [2.5]])('allowancePerPeriod %d throws RangeError', (allowance) => {
    expect(() => checkTicketEntitlement(premium({ allowancePerPeriod: allowance }))).toThrow(RangeError);
  });
});

describe('allowanceSummary', () => {
  it.each([
    // now, used, remaining, period start, period end, renews
    ['2024-02-10T10:00', 3, 7, '2024-01-31', '2024-02-29', '2024-02-29'],
    ['2024-03-31T00:00:00.000', 0, 10, '2024-03-31', '2024-04-30', null], // last period: no renewal
    ['2024-03-01T00:00', 12, 0, '2024-02-29', '2024-03-31', '2024-03-31'], // never negative
  ])('Premium at %s with %i used → %i remaining', (now, used, remaining, from, to, renews) => {
    const s = allowanceSummary({ ...premium(), now: ny(now), ticketsUsedInPeriod: used });
    expect(s).not.toBeNull();
    expect(s?.used).toBe(used);
    expect(s?.limit).toBe(10);
    expect(s?.remaining).toBe(remaining);
    expect(s?.periodStart.toISODate()).toBe(from);
    expect(s?.periodEnd.toISODate()).toBe(to);
    expect(s?.renewsAt?.toISODate() ?? null).toBe(renews);
  });

  it('one-time fix: limit 1, never renews', () => {
    const s = allowanceSummary({ ...oneTime(), ticketsUsedInPeriod: 1 });
    expect(s).toMatchObject({ used: 1, limit: 1, remaining: 0, renewsAt: null });
  });

  it('outside the contract → null', () => {
    expect(allowanceSummary({ ...premium(), now: ny('2024-05-01T00:00') })).toBeNull();
  });
});

describe('a purchase whose contract has ended is EXPIRED', () => {
  const start = DateTime.fromISO('2024-01-31T00:00', { zone: 'America/New_York' });
  it.each([
    [SubscriptionStatus.ACTIVE, '2024-02-28T23:59', SubscriptionStatus.ACTIVE],
    [SubscriptionStatus.ACTIVE, '2024-02-29T00:00', SubscriptionStatus.EXPIRED], // Jan 31 + 1 month
    [SubscriptionStatus.CANCELLED, '2024-03-10T00:00', SubscriptionStatus.CANCELLED],
    [SubscriptionStatus.REFUNDED, '2024-03-10T00:00', SubscriptionStatus.REFUNDED],
  ])('stored %s, at %s → %s', (stored, at, expected) => {
    expect(statusAt(stored, start, 1, DateTime.fromISO(at, { zone: 'America/New_York' }))).toBe(expected);
  });
});
