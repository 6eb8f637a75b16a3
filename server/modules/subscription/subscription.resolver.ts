import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { ConnectionArgs } from '../../common/connection';
import { joinedByPage } from '../../common/field-reads';
import { requestNow } from '../../common/request-now';
import { Transactional } from '../../common/transaction';
import { paginate } from '../../common/paginate';
import { Allowance } from '../customer/customer.types';
import { Customer } from '../customer/customer.entity';
import { Plan } from '../plan/plan.entity';
import { Role } from '../viewer/viewer';
import { periodAt } from './billing-period';
import { SubscriptionStatus } from './entitlement-rules';
import { Subscription } from './subscription.entity';
import { allowanceOf } from './subscription-allowance';
import { SUBSCRIPTION_ORDER, subscriptionListWhere } from './subscription-list';
import { contractStartOf, subscriptionStatusAt } from './subscription.service';
import {
  BillingPeriodView,
  SubscriptionCancelInput,
  SubscriptionConnection,
  SubscriptionCreateInput,
  SubscriptionFilter,
  SubscriptionPayload,
} from './subscription.types';

@Resolver(() => Subscription)
export class SubscriptionResolver {
  @Authorized()
  @Query(() => SubscriptionConnection, { description: 'Purchases, newest first. Merchants see only their own.' })
  subscriptions(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => SubscriptionFilter, { nullable: true }) filter: SubscriptionFilter | null,
    @Ctx() ctx: AppContext,
  ) {
    return paginate(ctx.em, Subscription, subscriptionListWhere(filter, ctx.viewer, ctx.clock()), args, SUBSCRIPTION_ORDER);
  }

  @FieldResolver(() => SubscriptionStatus, { description: 'EXPIRED once the contract has ended.' })
  status(@Root() subscription: Subscription, @Ctx() ctx: AppContext): SubscriptionStatus {
    return subscriptionStatusAt(subscription, requestNow(ctx.loaders, ctx.clock).toMillis());
  }

  @FieldResolver(() => Customer)
  customer(@Root() subscription: Subscription, @Ctx() ctx: AppContext) {
    return ctx.loaders.customer.load(subscription.customer.id);
  }

  @FieldResolver(() => Plan)
  plan(@Root() subscription: Subscription, @Ctx() ctx: AppContext) {
    return joinedByPage.has(subscription.plan) ? subscription.plan : ctx.loaders.plan.load(subscription.plan.id);
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
