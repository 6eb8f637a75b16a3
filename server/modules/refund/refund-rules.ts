// Policy: "Refunds will be considered if we are not able to deliver the promises based on this
// agreement. Refunds will not be granted in cases where the hosting or other third party
// external services are not cooperating ... Refunds will also not be granted in case the
// customer is not providing access to their FTP and web store admin. In the case of a refund,
// we will process the refund only for the current month and not for the whole contract
// period." and "We also provide refunds, no questions asked, in the case of a stolen credit
// card used to purchase an OpenCart Commercial Support Service."
//
// Precedence (first match wins):
//  1. CURRENT_PERIOD_ONLY  no current period (before the start, after the end, or EXPIRED):
//                          only the current month is ever refundable, so nothing is.
//  2. ONE_PER_PERIOD       the current period was already refunded: its money is gone, even
//                          for a stolen card (no double refund).
//  3. STOLEN_CARD_NO_QUESTIONS  approved automatically, no further checks; cancels.
//  4. ACCESS_WITHHELD      the customer withheld FTP/admin access in this period.
//  5. THIRD_PARTY_NOT_COOPERATING  hosting/third party blocked us in this period.
//  6. PROMISE_BROKEN       Premium: a guaranteed first reply was late or a covered,
//                          fix-guaranteed ticket went past its target unresolved. One-time
//                          fix: its targets are best effort, so only the fix itself is the
//                          promise: a covered, fix-guaranteed ticket closed without being
//                          resolved. Eligible, an admin decides.
//  7. NO_PROMISE_BROKEN    not eligible.

import type { DateTime } from 'luxon';
import { allowanceWindow, PlanKind, SubscriptionStatus } from '../subscription/entitlement-rules';

export enum RefundReason {
  /** E.g. a guaranteed reply breached, a covered ticket not resolved. */
  SERVICE_NOT_DELIVERED = 'SERVICE_NOT_DELIVERED',
  STOLEN_CARD = 'STOLEN_CARD',
  OTHER = 'OTHER',
}

export enum RefundStatus {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
}

export enum RefundRule {
  STOLEN_CARD_NO_QUESTIONS = 'STOLEN_CARD_NO_QUESTIONS',
  CURRENT_PERIOD_ONLY = 'CURRENT_PERIOD_ONLY',
  ONE_PER_PERIOD = 'ONE_PER_PERIOD',
  ACCESS_WITHHELD = 'ACCESS_WITHHELD',
  THIRD_PARTY_NOT_COOPERATING = 'THIRD_PARTY_NOT_COOPERATING',
  PROMISE_BROKEN = 'PROMISE_BROKEN',
  NO_PROMISE_BROKEN = 'NO_PROMISE_BROKEN',
  ADMIN_DECISION = 'ADMIN_DECISION',
}

export interface RefundTicketFacts {
  periodIndex: number;
  /** The customer did not provide working FTP / store admin access. */
  accessWithheld: boolean;
  /** Hosting or another third party did not cooperate / give access / follow advice. */
  thirdPartyBlocked: boolean;
  firstReplyBreached: boolean;
  /** The reply time was guaranteed for this ticket (Premium, SLA not withdrawn). */
  guaranteed: boolean;
  /** A covered ticket that was not resolved. */
  coveredUnresolved: boolean;
  /** false when the fix was not guaranteed (OpenCart < 1.5.4, wrong module version). Default true. */
  fixGuaranteed?: boolean;
  /** A covered ticket that counts against the plan was closed without ever being resolved. */
  fixNotDelivered?: boolean;
}

export interface RefundRequestInput {
  reason: RefundReason;
  subscription: {
    status: SubscriptionStatus;
    contractStart: DateTime;
    contractMonths: number;
    /** For a one-time fix: its price. */
    pricePerPeriodMinor: number;
    /** Defaults to PREMIUM_MONTHLY. A one-time fix is a single period over the whole purchase. */
    planKind?: PlanKind;
    /** When a CANCELLED subscription ended: only the month it ended in can still be refunded. */
    cancelledAt?: DateTime | null;
  };
  now: DateTime;
  /** Indexes of periods already refunded. */
  existingRefundPeriods: number[];
  tickets: RefundTicketFacts[];
}

export interface RefundAssessment {
  eligible: boolean;
  /** APPROVED / REJECTED when a rule decides; null when an admin must decide. */
  autoDecision: RefundStatus | null;
  rule: RefundRule;
  message: string;
  /** What would be refunded: one period's price, or 0 when not eligible. */
  amountMinor: number;
  periodIndex: number | null;
  cancelsSubscription: boolean;
}

export function assessRefundRequest(input: RefundRequestInput): RefundAssessment {
  const { reason, subscription: sub, now } = input;
  const stolen = reason === RefundReason.STOLEN_CARD;
  // A one-time fix is one period spanning the whole purchase (same window as its allowance).
  const window = (at: DateTime) => allowanceWindow(sub.planKind ?? PlanKind.PREMIUM_MONTHLY, sub.contractStart, sub.contractMonths, at);
  const period = currentPeriod();
  // Expired and refunded purchases have no current month any more; a cancelled one keeps the
  // month it was cancelled in (the merchant may have cancelled because we failed them), no later.
  function currentPeriod() {
    if (sub.status === SubscriptionStatus.EXPIRED || sub.status === SubscriptionStatus.REFUNDED) return null;
    const nowPeriod = window(now)?.period ?? null;
    if (sub.status !== SubscriptionStatus.CANCELLED || nowPeriod === null) return nowPeriod;
    const cancelledIn = sub.cancelledAt ? (window(sub.cancelledAt)?.period ?? null) : null;
    return cancelledIn && cancelledIn.index === nowPeriod.index ? nowPeriod : null;
  }
  const price = sub.pricePerPeriodMinor;

  const refuse = (rule: RefundRule, message: string, periodIndex: number | null, cancels = false): RefundAssessment => ({
    eligible: false,
    autoDecision: RefundStatus.REJECTED,
    rule,
    message,
    amountMinor: 0,
    periodIndex,
    cancelsSubscription: cancels,
  });

  if (sub.status === SubscriptionStatus.REFUNDED) {
    const refundedNow = window(now)?.period ?? null;
    return refuse(
      RefundRule.ONE_PER_PERIOD,
      'This purchase was already refunded and has ended: there is nothing more to refund.',
      refundedNow && input.existingRefundPeriods.includes(refundedNow.index) ? refundedNow.index : null,
    );
  }
  if (period === null) {
    return refuse(
      RefundRule.CURRENT_PERIOD_ONLY,
      'Refunds are made only for the current month of an active contract, never for the whole contract; there is no current month to refund.',
      null,
    );
  }
  if (input.existingRefundPeriods.includes(period.index)) {
    return refuse(
      RefundRule.ONE_PER_PERIOD,
      stolen
        ? 'This month was already refunded. The subscription is cancelled because it was paid with a stolen card.'
        : 'This month was already refunded; only one refund per month is possible.',
      period.index,
      // A subscription paid with a stolen card must not keep running, refund or not.
      stolen,
    );
  }
  if (stolen) {
    return {
      eligible: true,
      autoDecision: RefundStatus.APPROVED,
      rule: RefundRule.STOLEN_CARD_NO_QUESTIONS,
      message: 'Purchased with a stolen card: the current month is refunded, no questions asked, and the subscription is cancelled.',
      amountMinor: price,
      periodIndex: period.index,
      cancelsSubscription: true,
    };
  }

  const inPeriod = input.tickets.filter((t) => t.periodIndex === period.index);
  if (inPeriod.some((t) => t.accessWithheld)) {
    return refuse(RefundRule.ACCESS_WITHHELD, 'No refund: working FTP and store admin access was not provided this month.', period.index);
  }
  if (inPeriod.some((t) => t.thirdPartyBlocked)) {
    return refuse(
      RefundRule.THIRD_PARTY_NOT_COOPERATING,
      'No refund: the hosting or another third party did not cooperate, give access or follow our recommendations this month.',
      period.index,
    );
  }
  const oneTimeFix = sub.planKind === PlanKind.ONE_TIME_FIX;
  const broken = oneTimeFix
    ? inPeriod.some((t) => t.fixNotDelivered && t.fixGuaranteed !== false)
    : inPeriod.some((t) => (t.guaranteed && t.firstReplyBreached) || (t.coveredUnresolved && t.fixGuaranteed !== false));
  if (broken) {
    return {
      eligible: true,
      autoDecision: null,
      rule: RefundRule.PROMISE_BROKEN,
      message: oneTimeFix
        ? 'The one-time fix was not delivered: its ticket was closed unresolved. The refund will be considered by an administrator.'
        : 'We did not deliver what the agreement promises this month: the refund of this month will be considered by an administrator.',
      amountMinor: price,
      periodIndex: period.index,
      cancelsSubscription: false,
    };
  }
  return refuse(
    RefundRule.NO_PROMISE_BROKEN,
    oneTimeFix
      ? 'No refund: a one-time fix promises the fix, not a time (its targets are best effort); it is refundable only when its ticket is closed without the fix delivered.'
      : 'No refund: refunds are considered only when we did not deliver what the agreement promises, and this month nothing was broken.',
    period.index,
  );
}

/**
 * "no questions asked, in the case of a stolen credit card": a stolen-card claim needs no
 * explanation; any other request says what went wrong. Null when the details are acceptable.
 */
export function refundDetailsProblem(reason: RefundReason, details: string | null | undefined): string | null {
  if (reason === RefundReason.STOLEN_CARD) return null;
  if ((details?.trim().length ?? 0) < 5) return 'Tell us what went wrong (at least 5 characters), so an administrator can consider the refund.';
  return null;
}

export type RefundDecisionResult =
  | { ok: true; status: RefundStatus.APPROVED | RefundStatus.REJECTED; rule: RefundRule; amountMinor: number; cancelsSubscription: boolean }
  | { ok: false; code: 'INVALID_DECISION' | 'HARD_RULE_REFUSES' | 'STOLEN_CARD_NO_QUESTIONS'; message: string };

/**
 * An administrator's decision on an assessed request. Hard refusals cannot be approved; a
 * stolen-card refund cannot be rejected ("no questions asked"); a considered request may go
 * either way.
 */
export function decideRefund(input: { assessment: RefundAssessment; decision: RefundStatus }): RefundDecisionResult {
  const { assessment: a, decision } = input;
  if (decision !== RefundStatus.APPROVED && decision !== RefundStatus.REJECTED) {
    return { ok: false, code: 'INVALID_DECISION', message: 'A refund decision is either APPROVED or REJECTED.' };
  }
  if (decision === RefundStatus.APPROVED && !a.eligible) {
    return { ok: false, code: 'HARD_RULE_REFUSES', message: `This refund cannot be approved: ${a.message}` };
  }
  if (decision === RefundStatus.REJECTED && a.autoDecision === RefundStatus.APPROVED) {
    return {
      ok: false,
      code: 'STOLEN_CARD_NO_QUESTIONS',
      message: 'Refunds for a stolen card are made with no questions asked and cannot be rejected.',
    };
  }
  const approved = decision === RefundStatus.APPROVED;
  return {
    ok: true,
    status: decision,
    rule: a.autoDecision === null ? RefundRule.ADMIN_DECISION : a.rule,
    amountMinor: approved ? a.amountMinor : 0,
    // A stolen-card purchase is cancelled whatever happens to the money.
    cancelsSubscription: a.cancelsSubscription,
  };
}
