import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  assessRefundRequest,
  decideRefund,
  RefundReason,
  RefundRule,
  RefundStatus,
  type RefundAssessment,
  type RefundRequestInput,
  type RefundTicketFacts,
} from '../../server/modules/refund/refund-rules';
import { PlanKind, SubscriptionStatus } from '../../server/modules/subscription/entitlement-rules';

const ny = (iso: string) => DateTime.fromISO(iso, { zone: 'America/New_York' });
const PRICE = 4900;

// Contract: Jan 31 2024, 3 months → periods [Jan 31, Feb 29), [Feb 29, Mar 31), [Mar 31, Apr 30).
// "now" is in period 1.
const request = (over: Partial<RefundRequestInput> = {}): RefundRequestInput => ({
  reason: RefundReason.SERVICE_NOT_DELIVERED,
  subscription: {
    status: SubscriptionStatus.ACTIVE,
    contractStart: ny('2024-01-31T00:00'),
    contractMonths: 3,
    pricePerPeriodMinor: PRICE,
  },
  now: ny('2024-03-10T12:00'),
  existingRefundPeriods: [],
  tickets: [],
  ...over,
});

const ticket = (over: Partial<RefundTicketFacts> = {}): RefundTicketFacts => ({
  periodIndex: 1,
  accessWithheld: false,
  thirdPartyBlocked: false,
  firstReplyBreached: false,
  guaranteed: true,
  coveredUnresolved: false,
  ...over,
});

const breached = ticket({ firstReplyBreached: true });

describe('"Refunds will be considered if we are not able to deliver the promises based on this agreement"', () => {
  it.each([
    ['a guaranteed first reply was breached', [ticket({ firstReplyBreached: true })]],
    ['a covered ticket was not resolved', [ticket({ coveredUnresolved: true })]],
    ['one broken ticket among fine ones', [ticket(), ticket({ coveredUnresolved: true }), ticket()]],
  ])('%s → eligible, an admin decides', (_label, tickets) => {
    const a = assessRefundRequest(request({ tickets }));
    expect(a.eligible).toBe(true);
    expect(a.autoDecision).toBeNull();
    expect(a.rule).toBe(RefundRule.PROMISE_BROKEN);
    expect(a.amountMinor).toBe(PRICE);
    expect(a.periodIndex).toBe(1);
    expect(a.cancelsSubscription).toBe(false);
  });

  it.each([
    ['no tickets', []],
    ['tickets handled fine', [ticket(), ticket()]],
    ['a breached reply without a reply-time guarantee', [ticket({ firstReplyBreached: true, guaranteed: false })]],
    ['an unresolved ticket whose fix was not guaranteed (e.g. OpenCart < 1.5.4)', [ticket({ coveredUnresolved: true, fixGuaranteed: false })]],
    ['a promise broken in an earlier month only', [ticket({ periodIndex: 0, firstReplyBreached: true })]],
  ])('%s → NO_PROMISE_BROKEN, not eligible', (_label, tickets) => {
    const a = assessRefundRequest(request({ tickets }));
    expect(a.eligible).toBe(false);
    expect(a.autoDecision).toBe(RefundStatus.REJECTED);
    expect(a.rule).toBe(RefundRule.NO_PROMISE_BROKEN);
    expect(a.amountMinor).toBe(0);
  });

  it('the reason OTHER is judged on the same facts', () => {
    expect(assessRefundRequest(request({ reason: RefundReason.OTHER, tickets: [breached] })).rule).toBe(RefundRule.PROMISE_BROKEN);
    expect(assessRefundRequest(request({ reason: RefundReason.OTHER })).rule).toBe(RefundRule.NO_PROMISE_BROKEN);
  });
});

describe('"Refunds will not be granted in case the customer is not providing access to their FTP and web store admin"', () => {
  it.each([
    ['alone', [ticket({ accessWithheld: true })]],
    ['even when a promise was broken in the same month', [breached, ticket({ accessWithheld: true })]],
    ['even when the hosting also blocked (access is checked first)', [ticket({ accessWithheld: true, thirdPartyBlocked: true }), breached]],
  ])('%s → ACCESS_WITHHELD', (_label, tickets) => {
    const a = assessRefundRequest(request({ tickets }));
    expect(a.eligible).toBe(false);
    expect(a.rule).toBe(RefundRule.ACCESS_WITHHELD);
    expect(a.autoDecision).toBe(RefundStatus.REJECTED);
    expect(a.amountMinor).toBe(0);
  });

  it('access withheld in another month does not count against this one', () => {
    const a = assessRefundRequest(request({ tickets: [ticket({ periodIndex: 0, accessWithheld: true }), breached] }));
    expect(a.rule).toBe(RefundRule.PROMISE_BROKEN);
  });
});

describe('"Refunds will not be granted in cases where the hosting or other third party external services are not cooperating"', () => {
  it.each([
    ['alone', [ticket({ thirdPartyBlocked: true })]],
    ['even when a promise was broken in the same month', [ticket({ thirdPartyBlocked: true }), breached]],
  ])('%s → THIRD_PARTY_NOT_COOPERATING', (_label, tickets) => {
    const a = assessRefundRequest(request({ tickets }));
    expect(a.eligible).toBe(false);
    expect(a.rule).toBe(RefundRule.THIRD_PARTY_NOT_COOPERATING);
  });

  it('a third party blocking in an earlier month does not count', () => {
    const a = assessRefundRequest(request({ tickets: [ticket({ periodIndex: 0, thirdPartyBlocked: true }), breached] }));
    expect(a.rule).toBe(RefundRule.PROMISE_BROKEN);
  });
});

describe('"we will process the refund only for the current month and not for the whole contract period"', () => {
  it.each([
    // now, period index
    ['2024-01-31T00:00:00.000', 0],
    ['2024-02-28T23:59:59.999', 0],
    ['2024-02-29T00:00:00.000', 1], // exactly a boundary: the new month is current
    ['2024-04-29T23:59:59.999', 2],
  ])('at %s the current month is period %i and the amount is one month, not the contract', (now, index) => {
    const a = assessRefundRequest(request({ now: ny(now), tickets: [ticket({ periodIndex: index, firstReplyBreached: true })] }));
    expect(a.periodIndex).toBe(index);
    expect(a.amountMinor).toBe(PRICE);
    expect(a.amountMinor).not.toBe(PRICE * 3);
  });

  it.each([
    ['before the contract', '2024-01-30T23:59', RefundReason.SERVICE_NOT_DELIVERED],
    ['at the contract end', '2024-04-30T00:00', RefundReason.SERVICE_NOT_DELIVERED],
    ['after the contract', '2024-06-01T00:00', RefundReason.STOLEN_CARD],
  ])('%s there is no current month → CURRENT_PERIOD_ONLY', (_label, now, reason) => {
    const a = assessRefundRequest(request({ now: ny(now), reason, tickets: [breached] }));
    expect(a.eligible).toBe(false);
    expect(a.rule).toBe(RefundRule.CURRENT_PERIOD_ONLY);
    expect(a.periodIndex).toBeNull();
    expect(a.amountMinor).toBe(0);
  });

  it.each([['a CANCELLED subscription, in a month after it was cancelled', SubscriptionStatus.CANCELLED, '2024-02-10T12:00']])(
    '"only for the current month": %s has no month left to refund',
    (_label, status, cancelledAt) => {
      const base = request({ tickets: [breached], reason: RefundReason.STOLEN_CARD });
      const a = assessRefundRequest({ ...base, subscription: { ...base.subscription, status, cancelledAt: cancelledAt ? ny(cancelledAt) : null } });
      expect(a.eligible).toBe(false);
      expect(a.rule).toBe(RefundRule.CURRENT_PERIOD_ONLY);
      expect(a.amountMinor).toBe(0);
    },
  );

  it.each([
    ['in the month refunded', [1], 1],
    ['in a later month', [0], null],
  ])('a REFUNDED purchase (after a stolen-card refund), asked again %s, says it was already refunded', (_label, existingRefundPeriods, periodIndex) => {
    for (const reason of [RefundReason.STOLEN_CARD, RefundReason.SERVICE_NOT_DELIVERED]) {
      const base = request({ tickets: [breached], reason, existingRefundPeriods });
      const a = assessRefundRequest({ ...base, subscription: { ...base.subscription, status: SubscriptionStatus.REFUNDED } });
      expect(a).toMatchObject({ eligible: false, rule: RefundRule.ONE_PER_PERIOD, amountMinor: 0, periodIndex, cancelsSubscription: false });
      expect(a.message).toMatch(/already refunded/);
      expect(a.message).not.toMatch(/no current month/);
    }
  });

  it('"only for the current month": a CANCELLED subscription keeps the month it was cancelled in', () => {
    const base = request({ tickets: [breached] });
    const a = assessRefundRequest({
      ...base,
      subscription: { ...base.subscription, status: SubscriptionStatus.CANCELLED, cancelledAt: ny('2024-03-05T09:00') },
    });
    expect(a).toMatchObject({ eligible: true, rule: RefundRule.PROMISE_BROKEN, periodIndex: 1, amountMinor: PRICE });
  });

  it('an EXPIRED subscription has no current month', () => {
    const base = request({ tickets: [breached] });
    const a = assessRefundRequest({ ...base, subscription: { ...base.subscription, status: SubscriptionStatus.EXPIRED } });
    expect(a.rule).toBe(RefundRule.CURRENT_PERIOD_ONLY);
  });

  it('one-time fix: the whole purchase is one period and the refund is its price', () => {
    const base = request({ now: ny('2024-03-10T12:00'), tickets: [ticket({ periodIndex: 0, fixNotDelivered: true })] });
    const a = assessRefundRequest({
      ...base,
      subscription: { ...base.subscription, planKind: PlanKind.ONE_TIME_FIX, pricePerPeriodMinor: 1900 },
    });
    expect(a.periodIndex).toBe(0);
    expect(a.amountMinor).toBe(1900);
    expect(a.rule).toBe(RefundRule.PROMISE_BROKEN);
  });
});

describe('"Depending on your purchase, you are entitled either to a one time fix": for a one-time fix the promise is the fix', () => {
  const oneTimeFix = (facts: Partial<RefundTicketFacts>) => {
    const base = request({ tickets: [ticket({ periodIndex: 0, guaranteed: false, ...facts })] });
    return assessRefundRequest({ ...base, subscription: { ...base.subscription, planKind: PlanKind.ONE_TIME_FIX, pricePerPeriodMinor: 1900 } });
  };
  it.each([
    ['past its best-effort target, still being worked on', { coveredUnresolved: true, firstReplyBreached: true }, RefundRule.NO_PROMISE_BROKEN],
    ['closed without the fix delivered', { fixNotDelivered: true }, RefundRule.PROMISE_BROKEN],
    [
      'closed without a fix, but the fix was never guaranteed (OpenCart < 1.5.4)',
      { fixNotDelivered: true, fixGuaranteed: false },
      RefundRule.NO_PROMISE_BROKEN,
    ],
  ])('%s → %s', (_label, facts, rule) => {
    const a = oneTimeFix(facts);
    expect(a.rule).toBe(rule);
    expect(a.eligible).toBe(rule === RefundRule.PROMISE_BROKEN);
  });

  it('says why a late one-time fix is not refundable', () => {
    expect(oneTimeFix({ coveredUnresolved: true }).message).toMatch(/promises the fix, not a time/);
  });
});

describe('one refund per month', () => {
  it.each([
    [[1], RefundRule.ONE_PER_PERIOD, false],
    [[0, 1], RefundRule.ONE_PER_PERIOD, false],
    [[0], RefundRule.PROMISE_BROKEN, true], // an earlier month's refund does not block this month
    [[2], RefundRule.PROMISE_BROKEN, true],
  ])('already refunded periods %j → %s', (existingRefundPeriods, rule, eligible) => {
    const a = assessRefundRequest(request({ existingRefundPeriods, tickets: [breached] }));
    expect(a.rule).toBe(rule);
    expect(a.eligible).toBe(eligible);
  });
});

describe('"We also provide refunds, no questions asked, in the case of a stolen credit card"', () => {
  it.each([
    ['no tickets', []],
    ['access withheld (no questions asked)', [ticket({ accessWithheld: true })]],
    ['hosting blocked', [ticket({ thirdPartyBlocked: true })]],
    ['nothing broken', [ticket()]],
  ])('with %s → approved automatically, current month, subscription cancelled', (_label, tickets) => {
    const a = assessRefundRequest(request({ reason: RefundReason.STOLEN_CARD, tickets }));
    expect(a.eligible).toBe(true);
    expect(a.autoDecision).toBe(RefundStatus.APPROVED);
    expect(a.rule).toBe(RefundRule.STOLEN_CARD_NO_QUESTIONS);
    expect(a.amountMinor).toBe(PRICE);
    expect(a.periodIndex).toBe(1);
    expect(a.cancelsSubscription).toBe(true);
    expect(a.message).toMatch(/cancelled/);
  });

  it('a month already refunded is not refunded twice, but the subscription is still cancelled', () => {
    const a = assessRefundRequest(request({ reason: RefundReason.STOLEN_CARD, existingRefundPeriods: [1] }));
    expect(a.rule).toBe(RefundRule.ONE_PER_PERIOD);
    expect(a.eligible).toBe(false);
    expect(a.amountMinor).toBe(0);
    expect(a.cancelsSubscription).toBe(true);
  });

  it('other reasons never cancel the subscription', () => {
    for (const reason of [RefundReason.SERVICE_NOT_DELIVERED, RefundReason.OTHER]) {
      expect(assessRefundRequest(request({ reason, tickets: [breached] })).cancelsSubscription).toBe(false);
      expect(assessRefundRequest(request({ reason, existingRefundPeriods: [1] })).cancelsSubscription).toBe(false);
    }
  });
});

describe('decideRefund: an admin cannot approve what a hard rule refuses', () => {
  const considered = assessRefundRequest(request({ tickets: [breached] }));
  const stolen = assessRefundRequest(request({ reason: RefundReason.STOLEN_CARD }));
  const withheld = assessRefundRequest(request({ tickets: [ticket({ accessWithheld: true }), breached] }));
  const nothing = assessRefundRequest(request());
  const twice = assessRefundRequest(request({ existingRefundPeriods: [1], tickets: [breached] }));

  it('fixtures have the intended rules', () => {
    expect([considered, stolen, withheld, nothing, twice].map((a) => a.rule)).toEqual([
      RefundRule.PROMISE_BROKEN,
      RefundRule.STOLEN_CARD_NO_QUESTIONS,
      RefundRule.ACCESS_WITHHELD,
      RefundRule.NO_PROMISE_BROKEN,
      RefundRule.ONE_PER_PERIOD,
    ]);
  });

  it.each<[string, RefundAssessment, RefundStatus, boolean, string | null, number | null]>([
    // label, assessment, decision, ok, error code, amount
    ['considered, approved', considered, RefundStatus.APPROVED, true, null, PRICE],
    ['considered, rejected', considered, RefundStatus.REJECTED, true, null, 0],
    ['stolen card, approved', stolen, RefundStatus.APPROVED, true, null, PRICE],
    ['stolen card, rejected', stolen, RefundStatus.REJECTED, false, 'STOLEN_CARD_NO_QUESTIONS', null],
    ['access withheld, approved', withheld, RefundStatus.APPROVED, false, 'HARD_RULE_REFUSES', null],
    ['access withheld, rejected', withheld, RefundStatus.REJECTED, true, null, 0],
    ['nothing broken, approved', nothing, RefundStatus.APPROVED, false, 'HARD_RULE_REFUSES', null],
    ['already refunded, approved', twice, RefundStatus.APPROVED, false, 'HARD_RULE_REFUSES', null],
    ['PENDING is not a decision', considered, RefundStatus.PENDING, false, 'INVALID_DECISION', null],
  ])('%s', (_label, assessment, decision, ok, code, amount) => {
    const r = decideRefund({ assessment, decision });
    expect(r.ok).toBe(ok);
    if (r.ok) {
      expect(r.status).toBe(decision);
      expect(r.amountMinor).toBe(amount);
    } else {
      expect(r.code).toBe(code);
    }
  });

  it('an admin decision on a considered request is recorded as ADMIN_DECISION; the stolen-card rule keeps its rule and cancels', () => {
    const admin = decideRefund({ assessment: considered, decision: RefundStatus.APPROVED });
    expect(admin.ok && admin.rule).toBe(RefundRule.ADMIN_DECISION);
    expect(admin.ok && admin.cancelsSubscription).toBe(false);
    const auto = decideRefund({ assessment: stolen, decision: RefundStatus.APPROVED });
    expect(auto.ok && auto.rule).toBe(RefundRule.STOLEN_CARD_NO_QUESTIONS);
    expect(auto.ok && auto.cancelsSubscription).toBe(true);
  });
});
