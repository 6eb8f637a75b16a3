import type { Viewer } from '../viewer/viewer';
import type { DomainEvent, DomainEventData, DomainEventType } from './domain-event';

/** Who did it, as events say it: the signed-in viewer, or the system (jobs, automatic moves). */
export function actorOf(viewer: Viewer | 'system'): DomainEvent['actor'] {
  if (viewer === 'system' || viewer.kind === 'anonymous') return { kind: 'SYSTEM', id: null };
  return viewer.kind === 'staff' ? { kind: 'STAFF', id: viewer.staffId } : { kind: 'MERCHANT', id: viewer.customerId };
}

/** Events whose every consumer is staff: a merchant never sees them. */
const STAFF_ONLY = new Set<string>([
  'INTERNAL_NOTE_ADDED',
  'ACCESS_REVEALED',
  'CUSTOMER_BANNED',
  'SLA_TARGET_AT_75_PERCENT',
  'SLA_BREACHED',
  'SLA_ESCALATIONS_CAUGHT_UP',
  'TICKET_ASSIGNED',
  'WEBHOOK_ENDPOINT_DISABLED',
]);

/** An event about a ticket: its customer and team come from the ticket. */
export function ticketEvent(
  type: DomainEventType,
  ticket: { id: string; number: string; team: string; customer: { id: string } },
  actor: Viewer | 'system',
  data: DomainEventData = {},
): DomainEvent {
  return {
    type,
    ticketId: ticket.id,
    customerId: ticket.customer.id,
    team: ticket.team,
    actor: actorOf(actor),
    staffOnly: STAFF_ONLY.has(type),
    data: { number: ticket.number, ...data },
  };
}

/** An event about a customer's account rather than one ticket (refunds, bans, allowance). */
export function customerEvent(type: DomainEventType, customerId: string, actor: Viewer | 'system', data: DomainEventData = {}): DomainEvent {
  return { type, ticketId: null, customerId, team: null, actor: actorOf(actor), staffOnly: STAFF_ONLY.has(type), data };
}
