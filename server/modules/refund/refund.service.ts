import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { requireId } from '../../common/access';
import { DomainError, UserErrorCode } from '../../common/user-error';
import { audit } from '../audit/audit';
import { DomainEventType } from '../events/domain-event';
import type { DomainEvents } from '../events/domain-events';
import { customerEvent } from '../events/event-of';
import { PlanKind, SubscriptionStatus } from '../subscription/entitlement-rules';
import { Subscription } from '../subscription/subscription.entity';
import { subscriptionScope } from '../subscription/subscription.scope';
import { contractStartOf } from '../subscription/subscription.service';
import type { SupportCalendar } from '../support-hours/support-calendar';
import { Coverage } from '../ticket/coverage';
import { slaView } from '../ticket/ticket-clock';
import { Ticket } from '../ticket/ticket.entity';
import { TicketStatus } from '../ticket/ticket.enums';
import { isAdmin, isCustomer, isStaff, type Viewer } from '../viewer/viewer';
import { StaffMember } from '../staff/staff-member.entity';
import {
  assessRefundRequest,
  decideRefund,
  refundDetailsProblem,
  RefundReason,
  RefundRule,
  RefundStatus,
  type RefundAssessment,
  type RefundTicketFacts,
} from './refund-rules';
import { Refund } from './refund.entity';

export interface RefundServiceDeps {
  viewer: Viewer;
  now: DateTime;
  calendar: SupportCalendar;
  events: DomainEvents;
}

export class RefundService {
  constructor(
    private readonly em: EntityManager,
    private readonly deps: RefundServiceDeps,
  ) {}

  async findSubscription(globalId: string, field: string[], lock = false): Promise<Subscription> {
    const id = requireId(globalId, 'Subscription', field);
    const scope = subscriptionScope(this.deps.viewer);
    const subscription =
      scope &&
      (await this.em.findOne(
        Subscription,
        { $and: [scope, { id }] },
        { populate: ['plan'], ...(lock ? { lockMode: LockMode.PESSIMISTIC_WRITE, lockTableAliases: ['s0'] } : {}) },
      ));
    if (!subscription) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No Subscription with this ID.', field);
    return subscription;
  }

  /** The facts of each ticket of the subscription that the refund rules weigh. */
  ticketFacts(tickets: Ticket[], at: DateTime): RefundTicketFacts[] {
    return tickets.map((ticket) => {
      const sla = slaView(ticket, at, this.deps.calendar);
      const finished = ticket.status === TicketStatus.RESOLVED || ticket.status === TicketStatus.CLOSED;
      return {
        periodIndex: ticket.periodIndex ?? -1,
        accessWithheld: ticket.accessWithheld,
        thirdPartyBlocked: ticket.thirdPartyBlocked,
        firstReplyBreached: sla.firstReply.breached,
        guaranteed: ticket.slaGuaranteed,
        coveredUnresolved: ticket.coverage === Coverage.COVERED && !finished && sla.resolution.breached,
        fixGuaranteed: ticket.fixGuaranteed,
        fixNotDelivered:
          ticket.coverage === Coverage.COVERED &&
          ticket.consumesAllowance &&
          ticket.status === TicketStatus.CLOSED &&
          ticket.resolvedAt == null &&
          ticket.withdrawnAt == null,
      };
    });
  }

  /**
   * The rules' verdict on a refund of `subscription` (plan loaded) at `at`. Callers answering for
   * many subscriptions at once pass the refunds and tickets they loaded in a batch.
   */
  async assess(
    subscription: Subscription,
    reason: RefundReason,
    at: DateTime,
    options: { excludeRefundId?: string; refunds?: Refund[]; tickets?: Ticket[] } = {},
  ): Promise<RefundAssessment> {
    const { excludeRefundId } = options;
    const refunds = (options.refunds ?? (await this.em.find(Refund, { subscription: subscription.id }))).filter((r) => r.status !== RefundStatus.REJECTED);
    const tickets = options.tickets ?? (await this.em.find(Ticket, { subscription: subscription.id }));
    return assessRefundRequest({
      reason,
      subscription: {
        status: subscription.status,
        contractStart: contractStartOf(subscription),
        contractMonths: subscription.months,
        pricePerPeriodMinor: subscription.priceAmount,
        planKind: subscription.plan.kind,
        cancelledAt: subscription.cancelledAt ? DateTime.fromJSDate(subscription.cancelledAt) : null,
      },
      now: at,
      existingRefundPeriods: refunds.filter((r) => r.id !== excludeRefundId).map((r) => r.periodIndex),
      tickets: this.ticketFacts(tickets, at),
    });
  }

  /**
   * A refund request, decided by the rules at once where they decide. A stolen-card claim is
   * never lost: it takes over a request still pending for the same month, and for a month
   * already refunded it ends the plan and returns that month's refund.
   */
  async request(input: { subscriptionId: string; reason: RefundReason; details?: string | null }): Promise<{ refund: Refund | null }> {
    const { viewer, now } = this.deps;
    if (!isCustomer(viewer) && !isAdmin(viewer)) {
      throw DomainError.of(UserErrorCode.FORBIDDEN, 'Refunds are requested by the merchant, or by an admin for them.');
    }
    const details = refundDetailsProblem(input.reason, input.details);
    if (details) throw DomainError.of(UserErrorCode.INVALID, details, ['input', 'details']);
    // Serialises requests for one subscription: one refund per month holds under concurrency.
    const subscription = await this.findSubscription(input.subscriptionId, ['input', 'subscriptionId'], true);
    // Locked too: an admin deciding one of them at this moment finishes first, and its decision is seen here.
    const refunds = await this.em.find(Refund, { subscription: subscription.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const assessment = await this.assess(subscription, input.reason, now, { refunds });
    if (input.reason === RefundReason.STOLEN_CARD && assessment.rule === RefundRule.ONE_PER_PERIOD) {
      // The month is taken by a request still pending: a stolen card takes it over, judged as if it were not there.
      const pending = refunds.find((r) => r.periodIndex === assessment.periodIndex && r.status === RefundStatus.PENDING);
      const takeover = pending && (await this.assess(subscription, input.reason, now, { refunds, excludeRefundId: pending.id }));
      if (pending && takeover && takeover.autoDecision === RefundStatus.APPROVED && takeover.periodIndex === pending.periodIndex) {
        return { refund: this.approvePendingForStolenCard(pending, subscription, takeover, input.details?.trim() ?? '') };
      }
    }
    if (!assessment.eligible || assessment.periodIndex === null) {
      if (assessment.cancelsSubscription && subscription.status === SubscriptionStatus.ACTIVE) {
        this.cancelForStolenCard(subscription);
        const refunded = refunds.find((r) => r.periodIndex === assessment.periodIndex && r.status === RefundStatus.APPROVED);
        return { refund: refunded ?? null };
      }
      const code = assessment.rule === RefundRule.ONE_PER_PERIOD ? UserErrorCode.ALREADY_REFUNDED : UserErrorCode.NOT_ELIGIBLE;
      throw DomainError.of(code, assessment.message, ['input', 'subscriptionId']);
    }
    const start = contractStartOf(subscription);
    const refund = this.em.create(Refund, {
      subscription,
      customer: subscription.customer,
      periodIndex: assessment.periodIndex,
      periodStart: start.plus({ months: assessment.periodIndex }).toJSDate(),
      periodEnd: start.plus({ months: subscription.plan.kind === PlanKind.ONE_TIME_FIX ? subscription.months : assessment.periodIndex + 1 }).toJSDate(),
      amount: assessment.amountMinor,
      currency: subscription.currency,
      reason: input.reason,
      details: input.details?.trim() ?? '',
      status: assessment.autoDecision ?? RefundStatus.PENDING,
      rule: assessment.rule,
      decidedAt: assessment.autoDecision ? now.toJSDate() : null,
      createdAt: now.toJSDate(),
      updatedAt: now.toJSDate(),
    });
    audit(this.em, viewer, {
      customerId: subscription.customer.id,
      action: 'REFUND_REQUESTED',
      rule: assessment.rule,
      details: { refundId: refund.id, periodIndex: refund.periodIndex, amount: refund.amount, status: refund.status },
    });
    const facts = { refundId: refund.id, reason: refund.reason, amountMinor: refund.amount, currency: refund.currency };
    await this.deps.events.publish(this.em, customerEvent(DomainEventType.REFUND_REQUESTED, subscription.customer.id, viewer, facts));
    // Decided by the policy at once (a stolen card): the merchant hears of the decision too.
    if (refund.status !== RefundStatus.PENDING) {
      await this.deps.events.publish(
        this.em,
        customerEvent(DomainEventType.REFUND_DECIDED, subscription.customer.id, 'system', { ...facts, decision: refund.status }),
      );
    }
    if (assessment.cancelsSubscription) this.cancelForStolenCard(subscription);
    return { refund };
  }

  /** The month's pending request becomes the stolen-card refund, approved at once (one refund per month still holds). */
  private approvePendingForStolenCard(pending: Refund, subscription: Subscription, assessment: RefundAssessment, details: string): Refund {
    const { viewer, now } = this.deps;
    const previousReason = pending.reason;
    pending.reason = RefundReason.STOLEN_CARD;
    pending.details = details;
    pending.amount = assessment.amountMinor;
    pending.status = RefundStatus.APPROVED;
    pending.rule = assessment.rule;
    pending.decidedAt = now.toJSDate();
    pending.decisionNote = `Stolen card: approved at once, in place of the pending ${previousReason.toLowerCase().replace(/_/g, ' ')} request for this month.`;
    audit(this.em, viewer, {
      customerId: subscription.customer.id,
      action: 'REFUND_DECIDED',
      rule: assessment.rule,
      details: { refundId: pending.id, status: pending.status, previousReason },
    });
    this.cancelForStolenCard(subscription);
    return pending;
  }

  private cancelForStolenCard(subscription: Subscription): void {
    subscription.status = SubscriptionStatus.REFUNDED;
    subscription.cancelledAt = this.deps.now.toJSDate();
    audit(this.em, 'system', {
      customerId: subscription.customer.id,
      action: 'SUBSCRIPTION_CANCELLED',
      rule: 'STOLEN_CARD_NO_QUESTIONS',
      details: { subscriptionId: subscription.id },
    });
  }

  async decide(input: { refundId: string; decision: RefundStatus; note?: string | null }): Promise<Refund> {
    const { viewer, now } = this.deps;
    if (!isStaff(viewer)) throw DomainError.of(UserErrorCode.FORBIDDEN, 'Admins decide refunds.');
    // Locked: two admins deciding at once get one decision and one NOT_PENDING.
    const refund = await this.em.findOne(Refund, { id: requireId(input.refundId, 'Refund', ['input', 'refundId']) }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!refund) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No Refund with this ID.', ['input', 'refundId']);
    if (refund.status !== RefundStatus.PENDING) {
      throw DomainError.of(UserErrorCode.NOT_PENDING, `This refund was already ${refund.status.toLowerCase()}.`, ['input', 'refundId']);
    }
    const subscription = await this.em.findOneOrFail(Subscription, { id: refund.subscription.id }, { populate: ['plan'] });
    // Judge by the facts now, as of the month the request was made in.
    const assessment = await this.assess(subscription, refund.reason, DateTime.fromJSDate(refund.createdAt), { excludeRefundId: refund.id });
    const result = decideRefund({ assessment, decision: input.decision });
    if (!result.ok) throw DomainError.of(UserErrorCode.NOT_ELIGIBLE, result.message, ['input', 'decision']);
    refund.status = result.status;
    refund.rule = result.rule;
    refund.decidedAt = now.toJSDate();
    refund.decisionNote = input.note ?? null;
    refund.decidedBy = this.em.getReference(StaffMember, viewer.staffId);
    audit(this.em, viewer, {
      customerId: refund.customer.id,
      action: 'REFUND_DECIDED',
      rule: refund.rule,
      details: { refundId: refund.id, status: refund.status, assessedRule: assessment.rule, note: input.note ?? null },
    });
    await this.deps.events.publish(
      this.em,
      customerEvent(DomainEventType.REFUND_DECIDED, refund.customer.id, viewer, {
        refundId: refund.id,
        decision: refund.status,
        amountMinor: refund.amount,
        currency: refund.currency,
      }),
    );
    if (result.cancelsSubscription && subscription.status === SubscriptionStatus.ACTIVE) this.cancelForStolenCard(subscription);
    return refund;
  }
}
