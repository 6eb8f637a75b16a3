import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { ConnectionArgs } from '../../common/connection';
import { Money } from '../../common/money';
import { paginate } from '../../common/paginate';
import { Transactional } from '../../common/transaction';
import { Customer } from '../customer/customer.entity';
import { StaffMember } from '../staff/staff-member.entity';
import { Subscription } from '../subscription/subscription.entity';
import { Role } from '../viewer/viewer';
import { RefundReason } from './refund-rules';
import { REFUND_ORDER, refundListWhere } from './refund-list';
import { Refund } from './refund.entity';
import { RefundConnection, RefundDecideInput, RefundEligibility, RefundFilter, RefundPayload, RefundRequestInput } from './refund.types';

@Resolver(() => Refund)
export class RefundResolver {
  @Authorized()
  @Query(() => RefundConnection, { description: 'Refund requests, newest first. Merchants see only their own.' })
  refunds(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => RefundFilter, { nullable: true }) filter: RefundFilter | null,
    @Ctx() ctx: AppContext,
  ) {
    return paginate(ctx.em, Refund, refundListWhere(filter, ctx.viewer), args, REFUND_ORDER);
  }

  @FieldResolver(() => Subscription)
  subscription(@Root() refund: Refund, @Ctx() ctx: AppContext) {
    return ctx.loaders.subscription.load(refund.subscription.id);
  }

  @FieldResolver(() => Customer)
  customer(@Root() refund: Refund, @Ctx() ctx: AppContext) {
    return ctx.loaders.customer.load(refund.customer.id);
  }

  @FieldResolver(() => StaffMember, { nullable: true })
  decidedBy(@Root() refund: Refund, @Ctx() ctx: AppContext) {
    return refund.decidedBy ? ctx.loaders.staff.load(refund.decidedBy.id) : null;
  }

  @Authorized()
  @Mutation(() => RefundPayload, {
    description:
      'Ask for a refund of the current month (merchants; admins on their behalf). Stolen-card claims are approved at once (taking over a request still pending for the month) and end the plan; for a month already refunded they end the plan and return that refund. Other eligible requests wait for an admin.',
  })
  @Transactional(RefundPayload)
  refundRequest(@Arg('input', () => RefundRequestInput) input: RefundRequestInput, @Ctx() ctx: AppContext) {
    return ctx.services.refunds.request(input);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => RefundPayload, { description: 'Approve or reject a pending refund; hard rules cannot be overruled.' })
  @Transactional(RefundPayload, { into: 'refund' })
  refundDecide(@Arg('input', () => RefundDecideInput) input: RefundDecideInput, @Ctx() ctx: AppContext) {
    return ctx.services.refunds.decide(input);
  }
}

@Resolver(() => Subscription)
export class SubscriptionRefundResolver {
  @FieldResolver(() => RefundEligibility, { description: 'Would a refund of the current month be considered now (for a service failure)?' })
  async refundEligibility(@Root() subscription: Subscription, @Ctx() ctx: AppContext): Promise<RefundEligibility> {
    await ctx.loaders.plan.load(subscription.plan.id);
    const [refunds, tickets] = await Promise.all([
      ctx.loaders.refundsBySubscription.load(subscription.id),
      ctx.loaders.ticketsBySubscription.load(subscription.id),
    ]);
    const a = await ctx.services.refunds.assess(subscription, RefundReason.SERVICE_NOT_DELIVERED, ctx.clock(), { refunds, tickets });
    return {
      eligible: a.eligible,
      rule: a.rule,
      message: a.message,
      amount: a.eligible ? Money.of(a.amountMinor, subscription.currency) : null,
      periodIndex: a.periodIndex,
    };
  }

  @FieldResolver(() => [Refund])
  refunds(@Root() subscription: Subscription, @Ctx() ctx: AppContext) {
    return ctx.loaders.refundsBySubscription.load(subscription.id);
  }
}
