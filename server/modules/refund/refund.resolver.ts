import { ArrayMaxSize, IsOptional, MaxLength } from 'class-validator';
import {
  Arg,
  Args,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
  registerEnumType,
} from 'type-graphql';
import type { AppContext } from '../../app/context';
import { ConnectionArgs, ConnectionType } from '../../common/connection';
import { Money } from '../../common/money';
import { Transactional } from '../../common/transaction';
import { paginate } from '../../common/paginate';
import { UserError } from '../../common/user-error';
import { Customer } from '../customer/customer.entity';
import { StaffMember } from '../staff/staff-member.entity';
import { Subscription } from '../subscription/subscription.entity';
import { Role } from '../viewer/viewer';
import { RefundReason, RefundRule, RefundStatus } from './refund-rules';
import { refundConditions } from './refund-list';
import { Refund } from './refund.entity';

registerEnumType(RefundReason, {
  name: 'RefundReason',
  valuesConfig: {
    SERVICE_NOT_DELIVERED: { description: 'We did not deliver what the plan promises (e.g. a guaranteed reply was late).' },
    STOLEN_CARD: { description: 'The purchase was made with a stolen card: refunded with no questions asked.' },
    OTHER: { description: 'Anything else; decided by the rules like any request.' },
  },
});
registerEnumType(RefundStatus, { name: 'RefundStatus' });
registerEnumType(RefundRule, { name: 'RefundRule', description: 'The policy rule behind a refund decision.' });

export const RefundConnection = ConnectionType(Refund, 'Refund');

@ObjectType({ description: 'Whether a refund of the current month would be considered, and why.' })
export class RefundEligibility {
  @Field(() => Boolean) eligible!: boolean;
  @Field(() => RefundRule) rule!: RefundRule;
  @Field(() => String) message!: string;
  @Field(() => Money, { nullable: true }) amount!: Money | null;
  @Field(() => Int, { nullable: true }) periodIndex!: number | null;
}

@InputType()
export class RefundFilter {
  @Field(() => RefundStatus, { nullable: true })
  @IsOptional()
  status?: RefundStatus | null;

  @Field(() => ID, { nullable: true, description: 'Staff only.' })
  @IsOptional()
  customerId?: string | null;

  @Field(() => [RefundRule], { nullable: true, description: 'Refunds whose current status was decided by one of these rules.' })
  @IsOptional()
  @ArrayMaxSize(20)
  rules?: RefundRule[] | null;

  @Field(() => Date, { nullable: true, description: 'Requested at or after this instant.' })
  @IsOptional()
  requestedAfter?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Requested before this instant.' })
  @IsOptional()
  requestedBefore?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Decided at or after this instant.' })
  @IsOptional()
  decidedAfter?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Decided before this instant.' })
  @IsOptional()
  decidedBefore?: Date | null;
}

@InputType()
export class RefundRequestInput {
  @Field(() => ID)
  subscriptionId!: string;

  @Field(() => RefundReason)
  reason!: RefundReason;

  @Field(() => String, {
    nullable: true,
    description: 'What went wrong, in a few sentences (at least 5 characters). Not needed for a stolen card: no questions asked.',
  })
  @IsOptional()
  @MaxLength(5000, { message: 'details must be at most 5000 characters' })
  details?: string | null;
}

@InputType()
export class RefundDecideInput {
  @Field(() => ID)
  refundId!: string;

  @Field(() => RefundStatus, { description: 'APPROVED or REJECTED.' })
  decision!: RefundStatus;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(5000)
  note?: string | null;
}

@ObjectType()
export class RefundPayload {
  @Field(() => Refund, { nullable: true })
  refund?: Refund | null;

  @Field(() => [UserError])
  userErrors: UserError[] = [];
}

@Resolver(() => Refund)
export class RefundResolver {
  @Authorized()
  @Query(() => RefundConnection, { description: 'Refund requests, newest first. Merchants see only their own.' })
  refunds(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => RefundFilter, { nullable: true }) filter: RefundFilter | null,
    @Ctx() ctx: AppContext,
  ) {
    const where = refundConditions(filter, ctx.viewer);
    return paginate(ctx.em, Refund, where.length ? { $and: where } : {}, args, [{ createdAt: 'desc' }, { id: 'desc' }]);
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
