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

  /** When the job recorded it (and published it, when notified), by the app's clock. */
  @Property({ type: 'Date', columnType: 'timestamptz' })
  publishedAt!: Date;

  /** False: crossed longer than the catch-up window before the job saw it, so recorded without its own event. */
  @Property({ type: 'boolean', default: true })
  notified: boolean = true;

  /** When a summary event (SLA_ESCALATIONS_CAUGHT_UP) counted this unnotified breach. */
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  summarizedAt: Date | null = null;
}
