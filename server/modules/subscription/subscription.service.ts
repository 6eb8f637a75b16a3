import type { EntityManager } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { requireId } from '../../common/access';
import { DomainError, UserErrorCode } from '../../common/user-error';
import { audit } from '../audit/audit';
import { Customer, CustomerStatus } from '../customer/customer.entity';
import { Plan } from '../plan/plan.entity';
import { Ticket } from '../ticket/ticket.entity';
import type { Viewer } from '../viewer/viewer';
import {
  allowanceSummary,
  allowanceWindow,
  checkTicketEntitlement,
  PlanKind,
  statusAt,
  statusAtMillis,
  SubscriptionStatus,
  type AllowanceSummary,
  type EntitlementDenialCode,
  type EntitlementResult,
} from './entitlement-rules';
import { contractEndMillis } from './billing-period';
import { Subscription } from './subscription.entity';
import type { SubscriptionCancelInput, SubscriptionCreateInput } from './subscription.types';

/**
 * Billing periods are calendar months in the company's zone. Fixed on purpose: moving the
 * support hours to another zone must not move the months of contracts already sold.
 */
export const CONTRACT_ZONE = 'America/New_York';

export function contractStartOf(subscription: Subscription): DateTime {
  return DateTime.fromJSDate(subscription.contractStart, { zone: CONTRACT_ZONE });
}

/** The status the API answers at `nowMs` (an ended contract is EXPIRED), without a zoned date per call. */
export function subscriptionStatusAt(subscription: Subscription, nowMs: number): SubscriptionStatus {
  return statusAtMillis(subscription.status, contractEndMillis(subscription.contractStart, CONTRACT_ZONE, subscription.months), nowMs);
}

/**
 * What the allowance count of a subscription is keyed by: its monthly period for Premium,
 * the whole purchase ("*") for a one-time fix; null outside the contract. Its plan must be loaded.
 */
export function allowanceKey(subscription: Subscription, now: DateTime): string | null {
  const window = allowanceWindow(subscription.plan.kind, contractStartOf(subscription), subscription.months, now);
  if (!window) return null;
  return subscription.plan.kind === PlanKind.PREMIUM_MONTHLY ? `${subscription.id}:${window.period.index}` : `${subscription.id}:*`;
}

/** Tickets counted against the subscription's current allowance window. */
export async function ticketsUsed(em: EntityManager, subscription: Subscription, now: DateTime): Promise<number> {
  const key = allowanceKey(subscription, now);
  if (!key) return 0;
  const period = key.split(':')[1]!;
  return em.count(Ticket, {
    subscription: subscription.id,
    consumesAllowance: true,
    ...(period === '*' ? {} : { periodIndex: Number(period) }),
  });
}

/** The entitlement rules for one subscription with `used` tickets in its window. */
export function entitlementWith(subscription: Subscription, used: number, now: DateTime): EntitlementResult {
  return checkTicketEntitlement({
    planKind: subscription.plan.kind,
    allowancePerPeriod: subscription.plan.ticketAllowance,
    status: subscription.status,
    contractStart: contractStartOf(subscription),
    contractMonths: subscription.months,
    now,
    ticketsUsedInPeriod: used,
  });
}

export async function entitlementFor(em: EntityManager, subscription: Subscription, now: DateTime): Promise<EntitlementResult> {
  return entitlementWith(subscription, await ticketsUsed(em, subscription, now), now);
}

export function summaryFor(subscription: Subscription, used: number, now: DateTime): AllowanceSummary | null {
  return allowanceSummary({
    planKind: subscription.plan.kind,
    allowancePerPeriod: subscription.plan.ticketAllowance,
    contractStart: contractStartOf(subscription),
    contractMonths: subscription.months,
    now,
    ticketsUsedInPeriod: used,
  });
}

/**
 * The subscription a new ticket draws on, among a customer's subscriptions (plans loaded):
 * active and within their contract, Premium before one-time fixes, oldest first, the first
 * with allowance left. When none has any, the first candidate (its refusal says when the
 * allowance renews). Null when the customer has no active plan at all.
 */
export async function chooseSubscription(
  subscriptions: Subscription[],
  now: DateTime,
  consumesAllowance: boolean,
  usedOf: (subscription: Subscription) => Promise<number>,
): Promise<Subscription | null> {
  const candidates = subscriptions
    .filter((s) => s.status === SubscriptionStatus.ACTIVE && s.contractStart.getTime() <= now.toMillis() && allowanceKey(s, now) !== null)
    .sort((a, b) => rank(a) - rank(b) || a.contractStart.getTime() - b.contractStart.getTime());
  if (candidates.length === 0) return null;
  if (!consumesAllowance) return candidates[0]!;
  // All counts asked for at once, so a DataLoader answers them in one batch.
  const used = await Promise.all(candidates.map(usedOf));
  return candidates.find((candidate, i) => entitlementWith(candidate, used[i]!, now).ok) ?? candidates[0]!;
}

const rank = (s: Subscription) => (s.plan.kind === PlanKind.PREMIUM_MONTHLY ? 0 : 1);

export async function selectSubscriptionForTicket(
  em: EntityManager,
  customerId: string,
  now: DateTime,
  consumesAllowance: boolean,
): Promise<Subscription | null> {
  const subscriptions = await em.find(Subscription, { customer: customerId, status: SubscriptionStatus.ACTIVE }, { populate: ['plan'] });
  // Inside the ticket's transaction: one connection, so the counts run one after the other.
  let previous: Promise<unknown> = Promise.resolve();
  return chooseSubscription(subscriptions, now, consumesAllowance, (s) => {
    const count = previous.then(() => ticketsUsed(em, s, now));
    previous = count.catch(() => undefined);
    return count;
  });
}

/**
 * Why a customer has no plan to draw a ticket on, in the entitlement rules' words: a plan that
 * starts later, one that ended or expired, one refunded or cancelled, or none ever bought.
 */
export async function explainNoPlan(em: EntityManager, customerId: string, now: DateTime): Promise<{ code: EntitlementDenialCode; message: string }> {
  const buy = 'Buy a one-time fix or Premium Support to open a ticket.';
  const subscriptions = await em.find(Subscription, { customer: customerId }, { populate: ['plan'], orderBy: { contractStart: 'desc' } });
  // A plan still to come says when it starts; otherwise the latest plan says how it ended.
  const upcoming = subscriptions.filter((s) => s.status === SubscriptionStatus.ACTIVE && s.contractStart.getTime() > now.toMillis()).at(-1);
  const latest = upcoming ?? subscriptions[0];
  if (!latest) return { code: 'NO_ACTIVE_PLAN', message: `You have no active support plan. ${buy}` };
  const result = entitlementWith(latest, 0, now);
  if (result.ok) return { code: 'NO_ACTIVE_PLAN', message: `You have no active support plan. ${buy}` };
  return { code: result.code, message: upcoming ? result.message : `${result.message} ${buy}` };
}

/** Purchases of plans, recorded and cancelled by admins. */
export class SubscriptionService {
  constructor(
    private readonly em: EntityManager,
    private readonly deps: { viewer: Viewer; now: DateTime },
  ) {}

  async create(input: SubscriptionCreateInput): Promise<Subscription> {
    const { em } = this;
    const customerId = requireId(input.customerId, 'Customer', ['input', 'customerId']);
    const planId = requireId(input.planId, 'Plan', ['input', 'planId']);
    // One after the other: a transaction has one connection, which runs one query at a time.
    const customer = await em.findOne(Customer, { id: customerId });
    const plan = await em.findOne(Plan, { id: planId });
    if (!customer) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No Customer with this ID.', ['input', 'customerId']);
    if (customer.status === CustomerStatus.BANNED) throw DomainError.of(UserErrorCode.BANNED, 'This customer is banned permanently.', ['input', 'customerId']);
    if (!plan) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No Plan with this ID.', ['input', 'planId']);
    if (!plan.active) throw DomainError.of(UserErrorCode.INVALID, 'This plan is no longer sold.', ['input', 'planId']);
    const now = this.deps.now;
    const subscription = em.create(Subscription, {
      customer,
      plan,
      contractStart: input.contractStart ?? now.toJSDate(),
      months: input.months ?? plan.contractMonths,
      paymentReference: input.paymentReference ?? null,
      priceAmount: plan.priceAmount,
      currency: plan.currency,
      status: SubscriptionStatus.ACTIVE,
      createdAt: now.toJSDate(),
      updatedAt: now.toJSDate(),
    });
    audit(em, this.deps.viewer, {
      customerId,
      action: 'SUBSCRIPTION_CREATED',
      details: {
        subscriptionId: subscription.id,
        plan: plan.kind,
        months: subscription.months,
        start: DateTime.fromJSDate(subscription.contractStart).toISO(),
      },
    });
    return subscription;
  }

  async cancel(input: SubscriptionCancelInput): Promise<Subscription> {
    const id = requireId(input.subscriptionId, 'Subscription', ['input', 'subscriptionId']);
    const subscription = await this.em.findOne(Subscription, { id });
    if (!subscription) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No Subscription with this ID.', ['input', 'subscriptionId']);
    const status = statusAt(subscription.status, contractStartOf(subscription), subscription.months, this.deps.now);
    if (status !== SubscriptionStatus.ACTIVE) {
      throw DomainError.of(UserErrorCode.INVALID_TRANSITION, `The subscription is already ${status.toLowerCase()}.`, ['input', 'subscriptionId']);
    }
    subscription.status = SubscriptionStatus.CANCELLED;
    subscription.cancelledAt = this.deps.now.toJSDate();
    audit(this.em, this.deps.viewer, {
      customerId: subscription.customer.id,
      action: 'SUBSCRIPTION_CANCELLED',
      details: { subscriptionId: id, reason: input.reason ?? null },
    });
    return subscription;
  }
}
