import { Entity, Index, ManyToOne, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity';
import { toGlobalId } from '../../common/global-id';
import { Node } from '../../common/node';
import { StaffMember } from '../staff/staff-member.entity';

/**
 * A reply text staff reuse, with placeholders filled in on use. Shared replies (no owner) are
 * the team's and managed by admins; personal ones belong to the staff member who wrote them.
 */
@ObjectType({ implements: Node, description: 'A reusable reply for staff, with placeholders filled in when used on a ticket.' })
@Entity()
@Index({ properties: ['owner', 'title'] })
export class CannedReply extends BaseEntity<'shared' | 'owner'> implements Node {
  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('CannedReply', this.id);
  }

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  title!: string;

  @Field(() => String, { description: 'The text as written, placeholders such as {{merchant_name}} included.' })
  @Property({ type: 'text' })
  body!: string;

  /** null: shared with every staff member (admins manage these). */
  @ManyToOne(() => StaffMember, { nullable: true, deleteRule: 'cascade' })
  owner?: StaffMember | null = null;

  @ManyToOne(() => StaffMember)
  createdBy!: StaffMember;

  @Field(() => Boolean, { description: 'Shared with every staff member (managed by admins); false: your own.' })
  get shared(): boolean {
    return this.owner == null;
  }
}
