import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity';
import { toGlobalId } from '../../common/global-id';
import { Money } from '../../common/money';
import { Node } from '../../common/node';
import { Customer } from '../customer/customer.entity';
import { Plan } from '../plan/plan.entity';
import { SubscriptionStatus } from './entitlement-rules';

// Named PlanSubscription in the schema: `Subscription` is GraphQL's root type of live operations.
@ObjectType('PlanSubscription', { implements: Node, description: "A customer's purchase of a plan." })
@Entity()
@Index({ properties: ['customer', 'status'] })
export class Subscription extends BaseEntity<'price' | 'status'> implements Node {
  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    // The ID keeps its original prefix so IDs handed out before the type was renamed still resolve.
    return toGlobalId('Subscription', this.id);
  }

  @ManyToOne(() => Customer)
  customer!: Customer;

  @ManyToOne(() => Plan)
  plan!: Plan;

  @Field(() => Date, { description: 'When the contract starts; its monthly periods count from this instant.' })
  @Property({ type: 'Date', columnType: 'timestamptz' })
  contractStart!: Date;

  @Field(() => Int, { description: 'Contract length in months; Premium Support periods are the months from contractStart.' })
  @Property({ type: 'integer' })
  months!: number;

  /** As stored; the API answers `statusAt` now (an ended contract is EXPIRED). */
  @Enum({ items: () => SubscriptionStatus, nativeEnumName: 'subscription_status' })
  status: SubscriptionStatus = SubscriptionStatus.ACTIVE;

  @Field(() => String, { nullable: true, description: "The payment provider's reference for the purchase." })
  @Property({ type: 'string', length: 200, nullable: true })
  paymentReference?: string | null = null;

  /** Price per period (or per purchase) at the time of purchase: catalogue changes do not rewrite history. */
  @Property({ type: 'integer' })
  priceAmount!: number;

  @Property({ type: 'string', length: 3 })
  currency!: string;

  @Field(() => Money)
  get price(): Money {
    return Money.of(this.priceAmount, this.currency);
  }

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  cancelledAt?: Date | null = null;
}
