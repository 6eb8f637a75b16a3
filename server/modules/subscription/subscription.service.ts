import type { EntityManager } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { Ticket } from '../ticket/ticket.entity';
import { allowanceSummary, allowanceWindow, checkTicketEntitlement, PlanKind, SubscriptionStatus, type AllowanceSummary, type EntitlementResult } from './entitlement-rules';
import { Subscription } from './subscription.entity';

/** Billing periods follow the support zone's calendar months. */
export const CONTRACT_ZONE = 'America/New_York';

export function contractStartOf(subscription: Subscription): DateTime {
  return DateTime.fromJSDate(subscription.contractStart, { zone: CONTRACT_ZONE });
}

/** Tickets counted against the subscription's current allowance window. */
export async function ticketsUsed(em: EntityManager, subscription: Subscription, now: DateTime): Promise<number> {
  const window = allowanceWindow(subscription.plan.kind, contractStartOf(subscription), subscription.months, now);
  if (!window) return 0;
  return em.count(Ticket, {
    subscription: subscription.id,
    consumesAllowance: true,
    ...(subscription.plan.kind === PlanKind.PREMIUM_MONTHLY ? { periodIndex: window.period.index } : {}),
  });
}

export async function entitlementFor(em: EntityManager, subscription: Subscription, now: DateTime): Promise<EntitlementResult> {
  return checkTicketEntitlement({
    planKind: subscription.plan.kind,
    allowancePerPeriod: subscription.plan.ticketAllowance,
    status: subscription.status,
    contractStart: contractStartOf(subscription),
    contractMonths: subscription.months,
    now,
    ticketsUsedInPeriod: await ticketsUsed(em, subscription, now),
  });
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
 * The subscription a new ticket draws on: Premium before one-time fixes, oldest first, the
 * first with allowance left. When none has any, the first candidate (its refusal says when
 * the allowance renews). Null when the customer has no active plan at all.
 */
export async function selectSubscriptionForTicket(
  em: EntityManager,
  customerId: string,
  now: DateTime,
  consumesAllowance: boolean,
): Promise<Subscription | null> {
  const candidates = (
    await em.find(
      Subscription,
      { customer: customerId, status: SubscriptionStatus.ACTIVE, contractStart: { $lte: now.toJSDate() } },
      { populate: ['plan'], orderBy: { contractStart: 'asc' } },
    )
  )
    .filter((s) => allowanceWindow(s.plan.kind, contractStartOf(s), s.months, now) !== null)
    .sort((a, b) => rank(a) - rank(b));
  if (candidates.length === 0) return null;
  if (!consumesAllowance) return candidates[0]!;
  for (const candidate of candidates) {
    if ((await entitlementFor(em, candidate, now)).ok) return candidate;
  }
  return candidates[0]!;
}

const rank = (s: Subscription) => (s.plan.kind === PlanKind.PREMIUM_MONTHLY ? 0 : 1);
