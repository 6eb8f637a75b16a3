import { Entity, ManyToOne, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { Ticket } from '../ticket/ticket.entity';

/**
 * One published escalation: at most one per ticket, target and kind. The escalation job inserts
 * it (ON CONFLICT DO NOTHING) in the transaction that publishes the event, so however many
 * processes run the job, only the one whose insert lands publishes.
 */
@Entity({ tableName: 'sla_escalation' })
export class SlaEscalation {
  [PrimaryKeyProp]?: ['ticket', 'target', 'kind'];

  @ManyToOne(() => Ticket, { primary: true, deleteRule: 'cascade' })
  ticket!: Ticket;

  /** FIRST_REPLY or RESOLUTION. */
  @PrimaryKey({ type: 'string', length: 16 })
  target!: string;

  /** AT_75_PERCENT or BREACHED. */
  @PrimaryKey({ type: 'string', length: 16 })
  kind!: string;

  /** When the clock reached it (null: in an earlier run of the clock). */
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  reachedAt: Date | null = null;

  /** When the job published it, by the app's clock. */
  @Property({ type: 'Date', columnType: 'timestamptz' })
  publishedAt!: Date;
}
