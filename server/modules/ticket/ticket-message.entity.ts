import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity';
import { toGlobalId } from '../../common/global-id';
import { Node } from '../../common/node';
import { Customer } from '../customer/customer.entity';
import { StaffMember } from '../staff/staff-member.entity';
import { AuthorKind } from './ticket.enums';
import { Ticket } from './ticket.entity';

@ObjectType({ implements: Node, description: 'A message in a ticket conversation.' })
@Entity()
@Index({ properties: ['ticket', 'createdAt'] })
export class TicketMessage extends BaseEntity<'internal' | 'notEnglish'> implements Node {
  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('TicketMessage', this.id);
  }

  @ManyToOne(() => Ticket, { deleteRule: 'cascade' })
  ticket!: Ticket;

  @Field(() => AuthorKind)
  @Enum({ items: () => AuthorKind, nativeEnumName: 'author_kind' })
  authorKind!: AuthorKind;

  @ManyToOne(() => Customer, { nullable: true })
  authorCustomer?: Customer | null = null;

  @ManyToOne(() => StaffMember, { nullable: true })
  authorStaff?: StaffMember | null = null;

  @Field(() => String)
  @Property({ type: 'text' })
  body!: string;

  @Field(() => Boolean, { description: 'An internal note: visible to staff only.' })
  @Property({ type: 'boolean' })
  internal: boolean = false;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  notEnglish: boolean = false;
}
