import { IsInt, IsOptional, Max, MaxLength, Min } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../../common/connection';
import { DateTimeScalar } from '../../common/date-time.scalar';
import { UserError } from '../../common/user-error';
import { PlanKind, SubscriptionStatus } from './entitlement-rules';
import { Subscription } from './subscription.entity';

registerEnumType(PlanKind, {
  name: 'PlanKind',
  valuesConfig: {
    ONE_TIME_FIX: { description: 'One ticket, fixed once.' },
    PREMIUM_MONTHLY: { description: 'Premium Support by the month: guaranteed reply time, the development team, 10 tickets a month.' },
  },
});
registerEnumType(SubscriptionStatus, { name: 'SubscriptionStatus' });

export const SubscriptionConnection = ConnectionType(Subscription, 'PlanSubscription');

@ObjectType({ description: 'A monthly billing period of a contract.' })
export class BillingPeriodView {
  @Field(() => Int, { description: '0 for the first month.' }) index!: number;
  @Field(() => DateTimeScalar) start!: unknown;
  @Field(() => DateTimeScalar, { description: 'Exclusive.' }) end!: unknown;
}

@InputType()
export class SubscriptionFilter {
  @Field(() => ID, { nullable: true, description: 'Staff only.' })
  @IsOptional()
  customerId?: string | null;

  @Field(() => SubscriptionStatus, { nullable: true })
  @IsOptional()
  status?: SubscriptionStatus | null;
}

@InputType()
export class SubscriptionCreateInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => ID)
  planId!: string;

  @Field(() => Date, { nullable: true, description: 'Defaults to now.' })
  @IsOptional()
  contractStart?: Date | null;

  @Field(() => Int, { nullable: true, description: "Contract length in months; defaults to the plan's." })
  @IsOptional()
  @IsInt()
  @Min(1, { message: 'months must be at least 1' })
  @Max(120, { message: 'months must be at most 120' })
  months?: number | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  paymentReference?: string | null;
}

@InputType()
export class SubscriptionCancelInput {
  @Field(() => ID)
  subscriptionId!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  reason?: string | null;
}

@ObjectType()
export class SubscriptionPayload {
  @Field(() => Subscription, { nullable: true })
  subscription?: Subscription | null;

  @Field(() => [UserError])
  userErrors: UserError[] = [];
}
