import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { toGlobalId } from '../../common/global-id';
import { Node } from '../../common/node';
import { Customer } from '../customer/customer.entity';
import { StaffMember } from '../staff/staff-member.entity';
import { AuthorKind } from '../ticket/ticket.enums';
import { Ticket } from '../ticket/ticket.entity';

/**
 * Append-only audit trail: who did what, when, and by which rule. The database refuses
 * UPDATE and DELETE on this table (see the migration), so history cannot be rewritten.
 * Details never hold secrets.
 */
@ObjectType({ implements: Node, description: 'An entry of the append-only audit trail.' })
@Entity()
@Index({ properties: ['ticket', 'createdAt'] })
@Index({ properties: ['customer', 'createdAt'] })
export class AuditEvent implements Node {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('AuditEvent', this.id);
  }

  @ManyToOne(() => Customer)
  customer!: Customer;

  @ManyToOne(() => Ticket, { nullable: true })
  ticket?: Ticket | null = null;

  @Field(() => AuthorKind, { description: 'Who acted: the merchant, a staff member, or the system.' })
  @Enum({ items: () => AuthorKind, nativeEnumName: 'author_kind' })
  actorKind!: AuthorKind;

  @ManyToOne(() => StaffMember, { nullable: true })
  actorStaff?: StaffMember | null = null;

  @Field(() => String, { description: 'What happened, e.g. TICKET_CREATED, STATUS_CHANGED, REFUND_DECIDED.' })
  @Property({ type: 'string', length: 64 })
  action!: string;

  @Field(() => String, { nullable: true, description: 'The policy rule that decided it, when one did.' })
  @Property({ type: 'string', length: 64, nullable: true })
  rule?: string | null = null;

  @Property({ type: 'json', nullable: true })
  details?: Record<string, unknown> | null = null;

  @Field(() => Date)
  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
