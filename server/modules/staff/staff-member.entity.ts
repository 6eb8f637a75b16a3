import { Entity, Enum, Index, Property, Unique } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity';
import { toGlobalId } from '../../common/global-id';
import { Node } from '../../common/node';

export enum StaffRole {
  AGENT = 'AGENT',
  ADMIN = 'ADMIN',
}
registerEnumType(StaffRole, {
  name: 'StaffRole',
  valuesConfig: {
    AGENT: { description: 'Works tickets: replies, internal notes, assignment, status.' },
    ADMIN: { description: 'Everything an agent does, plus staff, plans, subscriptions, refunds and bans.' },
  },
});

/** Premium Support promises "direct communication with a development team": staff belong to a team. */
export enum StaffTeam {
  SUPPORT = 'SUPPORT',
  DEVELOPMENT = 'DEVELOPMENT',
}
registerEnumType(StaffTeam, { name: 'StaffTeam' });

@ObjectType({ implements: Node, description: 'A member of the support staff.' })
@Entity()
export class StaffMember extends BaseEntity<'role' | 'team' | 'active'> implements Node {
  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('StaffMember', this.id);
  }

  @Field(() => String)
  @Property({ type: 'string', length: 254 })
  @Unique()
  email!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 120 })
  name!: string;

  @Field(() => StaffRole)
  @Enum({ items: () => StaffRole, nativeEnumName: 'staff_role' })
  role: StaffRole = StaffRole.AGENT;

  @Field(() => StaffTeam)
  @Enum({ items: () => StaffTeam, nativeEnumName: 'staff_team' })
  team: StaffTeam = StaffTeam.SUPPORT;

  /** SHA-256 of the bearer token; the token itself is shown once and never stored. */
  @Property({ type: 'string', length: 64, hidden: true })
  @Index()
  tokenHash!: string;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  active: boolean = true;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  lastSeenAt?: Date | null = null;
}
