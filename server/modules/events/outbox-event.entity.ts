import { BigIntType, Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import type { DomainEventActorKind, DomainEventData, DomainEventType } from './domain-event';

/**
 * The transactional outbox: one row per published event, inserted in the transaction that
 * made the change, so a rolled-back change leaves none and a committed one keeps its events
 * even if the process dies right after the commit. The relay (outbox-relay.ts) reads it.
 * An insert wakes the relays of every process through NOTIFY (a trigger, see the migration).
 */
@Entity({ tableName: 'outbox_event' })
@Index({ properties: ['ticketId', 'id'] })
export class OutboxEvent {
  @PrimaryKey({ type: new BigIntType('string'), autoincrement: true })
  id!: string;

  // Text, not a native enum: a new event type needs no migration.
  @Property({ type: 'string', length: 64 })
  type!: DomainEventType;

  /** When it happened, by the app's clock. */
  @Property({ type: 'Date', columnType: 'timestamptz' })
  occurredAt!: Date;

  /** When the row was written, by the database's clock (the relay's housekeeping uses it). */
  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()', persist: false })
  recordedAt?: Date;

  @Property({ type: 'uuid', nullable: true })
  ticketId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  customerId: string | null = null;

  @Property({ type: 'string', length: 32, nullable: true })
  team: string | null = null;

  @Property({ type: 'string', length: 16 })
  actorKind!: DomainEventActorKind;

  @Property({ type: 'uuid', nullable: true })
  actorId: string | null = null;

  @Property({ type: 'boolean' })
  staffOnly!: boolean;

  @Property({ type: 'json' })
  data!: DomainEventData;
}
