import { randomUUID } from 'node:crypto';
import { Entity, Enum, Property, Unique } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity';
import { toGlobalId } from '../../common/global-id';
import { Node } from '../../common/node';
import { BanIdentityKind, BanReason } from './ban-rules';

export enum CustomerStatus {
  ACTIVE = 'ACTIVE',
  BANNED = 'BANNED',
}
registerEnumType(CustomerStatus, { name: 'CustomerStatus' });

@ObjectType({ implements: Node, description: 'A merchant: the owner of an OpenCart store who buys support.' })
@Entity()
export class Customer extends BaseEntity<'status'> implements Node {
  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('Customer', this.id);
  }

  /** Stored normalised (trimmed, lower-case) so uniqueness is case-insensitive. */
  @Field(() => String)
  @Property({ type: 'string', length: 254 })
  @Unique()
  email!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 120 })
  name!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 120, nullable: true })
  company?: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 2048, nullable: true })
  storeUrl?: string | null = null;

  @Field(() => CustomerStatus)
  @Enum({ items: () => CustomerStatus, nativeEnumName: 'customer_status' })
  status: CustomerStatus = CustomerStatus.ACTIVE;

  @Enum({ items: () => BanReason, nativeEnumName: 'ban_reason', nullable: true })
  banReason?: BanReason | null = null;

  @Property({ type: 'text', nullable: true })
  banNote?: string | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  bannedAt?: Date | null = null;
}

/**
 * A banned email or store domain: the policy's ban is permanent, so the same person cannot
 * come back as a "new" customer.
 */
@Entity()
@Unique({ properties: ['kind', 'value'] })
export class BannedIdentity {
  @Property({ type: 'uuid', primary: true })
  id: string = randomUUID();

  @Enum({ items: () => BanIdentityKind, nativeEnumName: 'banned_identity_kind' })
  kind!: BanIdentityKind;

  @Property({ type: 'string', length: 2048 })
  value!: string;

  @Property({ type: 'uuid' })
  customerId!: string;

  @Enum({ items: () => BanReason, nativeEnumName: 'ban_reason' })
  reason!: BanReason;

  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
