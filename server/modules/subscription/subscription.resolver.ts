import { raw, type FilterQuery } from '@mikro-orm/core';
import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { ConnectionArgs } from '../../common/connection';
import { Transactional } from '../../common/transaction';
import { paginate } from '../../common/paginate';
import { Allowance } from '../customer/customer.types';
import { Customer } from '../customer/customer.entity';
import { Plan } from '../plan/plan.entity';
import { customerOwnedListScope, NO_ROW } from '../viewer/owner.scope';
import { Role } from '../viewer/viewer';
import { periodAt } from './billing-period';
import { SubscriptionStatus } from './entitlement-rules';
import { Subscription } from './subscription.entity';
import { allowanceKey, chooseSubscription, CONTRACT_ZONE, contractStartOf, subscriptionStatusAt, summaryFor } from './subscription.service';
import {
  BillingPeriodView,
  SubscriptionCancelInput,
  SubscriptionConnection,
  SubscriptionCreateInput,
  SubscriptionFilter,
  SubscriptionPayload,
} from './subscription.types';
import { DateTime } from 'luxon';

async function allowanceOf(ctx: AppContext, subscription: Subscription): Promise<Allowance | null> {
  const plan = await ctx.loaders.plan.load(subscription.plan.id);
  if (!plan) return null;
  const now = ctx.clock();
  const key = allowanceKey(subscription, now);
  if (!key) return null;
  const summary = summaryFor(subscription, await ctx.loaders.ticketsUsed.load(key), now);
  return summary && { planKind: plan.kind, ...summary };
}

/** The allowance of the plan a new ticket would draw on, or null with no active plan (batched). */
export async function currentAllowance(ctx: AppContext, customerId: string): Promise<Allowance | null> {
  const now = ctx.clock();
  const subscriptions = await ctx.loaders.activeSubscriptionsByCustomer.load(customerId);
  await Promise.all(subscriptions.map((s) => ctx.loaders.plan.load(s.plan.id)));
  const chosen = await chooseSubscription(subscriptions, now, true, async (s) => {
    const key = allowanceKey(s, now);
    return key ? ctx.loaders.ticketsUsed.load(key) : 0;
  });
  return chosen ? allowanceOf(ctx, chosen) : null;
}

/**
 * The list filter by the status the API answers: ACTIVE excludes ended contracts, EXPIRED
 * includes them. The end is computed as `statusAt` does: months added in the contract's zone.
 */
function statusFilter(status: SubscriptionStatus, now: DateTime): FilterQuery<Subscription> {
  const contractEndSql = () =>
    raw((alias) => `((${alias}.contract_start at time zone '${CONTRACT_ZONE}') + make_interval(months => ${alias}.months)) at time zone '${CONTRACT_ZONE}'`);
  const at = now.toJSDate();
  if (status === SubscriptionStatus.ACTIVE) return { status, [contractEndSql()]: { $gt: at } };
  if (status === SubscriptionStatus.EXPIRED) return { $or: [{ status }, { status: SubscriptionStatus.ACTIVE, [contractEndSql()]: { $lte: at } }] };
  return { status };
}

@Resolver(() => Subscription)
export class SubscriptionResolver {
  @Authorized()
  @Query(() => SubscriptionConnection, { description: 'Purchases, newest first. Merchants see only their own.' })
  subscriptions(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => SubscriptionFilter, { nullable: true }) filter: SubscriptionFilter | null,
    @Ctx() ctx: AppContext,
  ) {
    const where: FilterQuery<Subscription>[] = [customerOwnedListScope(ctx.viewer, filter?.customerId) ?? { id: NO_ROW }];
    if (filter?.status) where.push(statusFilter(filter.status, ctx.clock()));
    return paginate(ctx.em, Subscription, where.length ? { $and: where } : {}, args, [{ contractStart: 'desc' }, { id: 'desc' }]);
  }

  @FieldResolver(() => SubscriptionStatus, { description: 'EXPIRED once the contract has ended.' })
  status(@Root() subscription: Subscription, @Ctx() ctx: AppContext): SubscriptionStatus {
    return subscriptionStatusAt(subscription, ctx.clock().toMillis());
  }

  @FieldResolver(() => Customer)
  customer(@Root() subscription: Subscription, @Ctx() ctx: AppContext) {
    return ctx.loaders.customer.load(subscription.customer.id);
  }

  @FieldResolver(() => Plan)
  plan(@Root() subscription: Subscription, @Ctx() ctx: AppContext) {
    return ctx.loaders.plan.load(subscription.plan.id);
  }

  @FieldResolver(() => Date, { description: 'When the contract ends (exclusive).' })
  contractEnd(@Root() subscription: Subscription) {
    return contractStartOf(subscription).plus({ months: subscription.months }).toJSDate();
  }

  @FieldResolver(() => BillingPeriodView, { nullable: true, description: 'The monthly period running now; null outside the contract.' })
  currentPeriod(@Root() subscription: Subscription, @Ctx() ctx: AppContext): BillingPeriodView | null {
    const period = periodAt(contractStartOf(subscription), subscription.months, ctx.clock());
    return period && { index: period.index, start: period.start, end: period.end };
  }

  @FieldResolver(() => Allowance, { nullable: true, description: 'Tickets used and left in the current window; null outside the contract.' })
  allowance(@Root() subscription: Subscription, @Ctx() ctx: AppContext) {
    return allowanceOf(ctx, subscription);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => SubscriptionPayload, { description: 'Record a purchase of a plan by a customer.' })
  @Transactional(SubscriptionPayload, { into: 'subscription' })
  subscriptionCreate(@Arg('input', () => SubscriptionCreateInput) input: SubscriptionCreateInput, @Ctx() ctx: AppContext) {
    return ctx.services.subscriptions.create(input);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => SubscriptionPayload)
  @Transactional(SubscriptionPayload, { into: 'subscription' })
  subscriptionCancel(@Arg('input', () => SubscriptionCancelInput) input: SubscriptionCancelInput, @Ctx() ctx: AppContext) {
    return ctx.services.subscriptions.cancel(input);
  }
}
