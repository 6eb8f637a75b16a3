import { Entity, Index, ManyToOne, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity';
import { toGlobalId } from '../../common/global-id';
import { Node } from '../../common/node';
import { Customer } from '../customer/customer.entity';

@ObjectType({ implements: Node, description: "A merchant's API key (the secret is shown once, at creation)." })
@Entity()
export class MerchantApiKey extends BaseEntity implements Node {
  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('MerchantApiKey', this.id);
  }

  @ManyToOne(() => Customer, { deleteRule: 'cascade' })
  customer!: Customer;

  @Field(() => String, { description: 'A label, e.g. the store it is used by.' })
  @Property({ type: 'string', length: 120 })
  name!: string;

  /** SHA-256 of the key; keys are 32 random bytes, so a plain hash is enough. */
  @Property({ type: 'string', length: 64, hidden: true })
  @Index()
  tokenHash!: string;

  @Field(() => String, { description: 'The first characters of the key, to tell keys apart.' })
  @Property({ type: 'string', length: 16 })
  prefix!: string;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  lastUsedAt?: Date | null = null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  revokedAt?: Date | null = null;
}
