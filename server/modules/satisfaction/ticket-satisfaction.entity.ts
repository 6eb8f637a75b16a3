import { Entity, Index, ManyToOne, OneToOne, Property } from '@mikro-orm/core';
import { Customer } from '../customer/customer.entity';
import { Ticket } from '../ticket/ticket.entity';

/**
 * The merchant's rating of a finished ticket: one per ticket, 1 (very unhappy) to 5 (very happy),
 * with an optional comment. Kept apart from the ticket so stats read one narrow table.
 */
@Entity()
@Index({ properties: ['createdAt'] })
export class TicketSatisfaction {
  @OneToOne(() => Ticket, { primary: true, owner: true, deleteRule: 'cascade' })
  ticket!: Ticket;

  @ManyToOne(() => Customer)
  customer!: Customer;

  @Property({ type: 'smallint' })
  rating!: number;

  @Property({ type: 'text', nullable: true })
  comment?: string | null = null;

  /** When the rating was first given: it may be changed for RATING_CHANGE_DAYS after. */
  @Property({ type: 'Date', columnType: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  updatedAt!: Date;
}
