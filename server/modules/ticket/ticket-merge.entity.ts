import { Entity, Index, ManyToOne, OneToOne, Property } from '@mikro-orm/core';
import { StaffMember } from '../staff/staff-member.entity';
import { Ticket } from './ticket.entity';

/** A duplicate ticket merged into another: the merged ticket points at where it continues. */
@Entity()
@Index({ properties: ['target'] })
export class TicketMerge {
  @OneToOne(() => Ticket, { primary: true, owner: true, deleteRule: 'cascade' })
  source!: Ticket;

  @ManyToOne(() => Ticket, { deleteRule: 'cascade' })
  target!: Ticket;

  @ManyToOne(() => StaffMember)
  mergedBy!: StaffMember;

  @Property({ type: 'integer' })
  messagesMoved!: number;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  mergedAt!: Date;
}
