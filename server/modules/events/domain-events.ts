import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../common/clock';
import type { DomainEvent, DomainEventType, StoredDomainEvent } from './domain-event';
import { OutboxEvent } from './outbox-event.entity';

/** A reaction that must happen in the same transaction as the change (or the change fails). */
export type InTransactionHandler = (em: EntityManager, event: DomainEvent) => Promise<void>;

/**
 * Publishing domain events, one instance per process (the wiring puts it into each request's
 * services). `publish` is called by the service that makes a change, inside that change's
 * transaction: the in-transaction handlers run on the same EntityManager (a failure rolls the
 * whole change back), then the event is written to the outbox through the same unit of work,
 * so it is committed with the change or not at all. Everything that may happen later (email,
 * notifications, webhooks, live updates) is a relay consumer instead (outbox-relay.ts).
 */
export class DomainEvents {
  private readonly handlers = new Map<DomainEventType, InTransactionHandler[]>();

  constructor(private readonly clock: Clock) {}

  on(type: DomainEventType, handler: InTransactionHandler): void {
    const list = this.handlers.get(type) ?? [];
    list.push(handler);
    this.handlers.set(type, list);
  }

  async publish(em: EntityManager, event: DomainEvent): Promise<void> {
    if (!em.isInTransaction()) throw new Error(`${event.type} published outside a transaction: it would not be written with its change`);
    for (const handler of this.handlers.get(event.type) ?? []) await handler(em, event);
    const row = new OutboxEvent();
    row.type = event.type;
    row.occurredAt = this.clock().toJSDate();
    row.ticketId = event.ticketId;
    row.customerId = event.customerId;
    row.team = event.team;
    row.actorKind = event.actor.kind;
    row.actorId = event.actor.id;
    row.staffOnly = event.staffOnly;
    row.data = event.data;
    em.persist(row);
  }
}

export function storedEvent(row: OutboxEvent): StoredDomainEvent {
  return {
    id: String(row.id),
    type: row.type,
    occurredAt: row.occurredAt,
    ticketId: row.ticketId,
    customerId: row.customerId,
    team: row.team,
    actor: { kind: row.actorKind, id: row.actorId },
    staffOnly: row.staffOnly,
    data: row.data,
  };
}
