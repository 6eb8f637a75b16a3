import { Entity, Enum, Property, Unique } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity';
import { toGlobalId } from '../../common/global-id';
import { Money } from '../../common/money';
import { Node } from '../../common/node';
import { PlanKind } from '../subscription/entitlement-rules';

@ObjectType({ implements: Node, description: 'A support plan of the public catalogue.' })
@Entity()
export class Plan extends BaseEntity<'price' | 'currency' | 'guaranteedReply' | 'developmentTeamAccess' | 'active'> implements Node {
  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('Plan', this.id);
  }

  @Field(() => PlanKind)
  @Enum({ items: () => PlanKind, nativeEnumName: 'plan_kind' })
  @Unique()
  kind!: PlanKind;

  @Field(() => String)
  @Property({ type: 'string', length: 120 })
  name!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  description!: string;

  @Property({ type: 'integer' })
  priceAmount!: number;

  @Property({ type: 'string', length: 3 })
  currency: string = 'USD';

  @Field(() => Money, { description: 'Price of one purchase (one-time fix) or of one month (Premium Support).' })
  get price(): Money {
    return Money.of(this.priceAmount, this.currency);
  }

  @Field(() => Int, { description: 'Tickets allowed per monthly period (Premium) or per purchase (one-time fix).' })
  @Property({ type: 'integer' })
  ticketAllowance!: number;

  @Field(() => Int, {
    description: 'Contract length of one purchase in months: Premium Support is bought by the month; a one-time fix must be used within this time.',
  })
  @Property({ type: 'integer' })
  contractMonths!: number;

  @Field(() => Boolean, { description: 'Whether the first-reply time is guaranteed (Premium Support).' })
  @Property({ type: 'boolean' })
  guaranteedReply: boolean = false;

  @Field(() => Boolean, { description: 'Whether tickets go straight to the development team (Premium Support).' })
  @Property({ type: 'boolean' })
  developmentTeamAccess: boolean = false;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  active: boolean = true;
}
