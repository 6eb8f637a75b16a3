import { Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity';
import { toGlobalId } from '../../common/global-id';
import { Money } from '../../common/money';
import { Node } from '../../common/node';
import { Customer } from '../customer/customer.entity';
import { StaffMember } from '../staff/staff-member.entity';
import { Subscription } from '../subscription/subscription.entity';
import { RefundReason, RefundRule, RefundStatus } from './refund-rules';

/** A refund request for one monthly period of a subscription. At most one per period. */
@ObjectType({ implements: Node, description: 'A refund request for one billing period.' })
@Entity()
// One refund per month: a rejected request does not count, so the index is partial.
@Unique({
  name: 'refund_subscription_id_period_index_unique',
  expression: `create unique index "refund_subscription_id_period_index_unique" on "refund" ("subscription_id", "period_index") where "status" <> 'REJECTED'`,
})
@Index({ properties: ['createdAt', 'id'] })
@Index({ properties: ['decidedAt'] })
export class Refund extends BaseEntity<'money' | 'status'> implements Node {
  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('Refund', this.id);
  }

  @ManyToOne(() => Subscription)
  subscription!: Subscription;

  @ManyToOne(() => Customer)
  customer!: Customer;

  @Field(() => Int, { description: 'The billing period refunded, 0 for the first month.' })
  @Property({ type: 'integer' })
  periodIndex!: number;

  @Field(() => Date)
  @Property({ type: 'Date', columnType: 'timestamptz' })
  periodStart!: Date;

  @Field(() => Date)
  @Property({ type: 'Date', columnType: 'timestamptz' })
  periodEnd!: Date;

  @Property({ type: 'integer' })
  amount!: number;

  @Property({ type: 'string', length: 3 })
  currency!: string;

  @Field(() => Money)
  get money(): Money {
    return Money.of(this.amount, this.currency);
  }

  @Field(() => RefundReason)
  @Enum({ items: () => RefundReason, nativeEnumName: 'refund_reason' })
  reason!: RefundReason;

  @Field(() => String)
  @Property({ type: 'text' })
  details!: string;

  @Field(() => RefundStatus)
  @Enum({ items: () => RefundStatus, nativeEnumName: 'refund_status' })
  status: RefundStatus = RefundStatus.PENDING;

  @Field(() => RefundRule, { description: 'The policy rule behind the current status.' })
  @Enum({ items: () => RefundRule, nativeEnumName: 'refund_rule' })
  rule!: RefundRule;

  @ManyToOne(() => StaffMember, { nullable: true })
  decidedBy?: StaffMember | null = null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  decidedAt?: Date | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  decisionNote?: string | null = null;
}
