import { ArrayMaxSize, IsOptional, MaxLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../../common/connection';
import { Money } from '../../common/money';
import { UserError } from '../../common/user-error';
import { RefundReason, RefundRule, RefundStatus } from './refund-rules';
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
