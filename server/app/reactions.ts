import type { EntityManager } from '@mikro-orm/postgresql';
import type { DomainEvent } from '../modules/events/domain-event';
import { DomainEventType } from '../modules/events/domain-event';
import { StaffRole } from '../modules/staff/staff-member.entity';
import { Ticket } from '../modules/ticket/ticket.entity';
import { isResolution } from '../modules/ticket/ticket.service';
import { ANONYMOUS, type Viewer } from '../modules/viewer/viewer';
import { createServices, type AppWiring } from './services';

const registered = new WeakSet<object>();

/**
 * What one module does when another announces a change, in the same transaction (a failure
 * rolls the change back): the services publish, the reactions are wired here, so no service
 * calls another module back. Registered once per DomainEvents.
 */
export function registerReactions(wiring: AppWiring): void {
  if (registered.has(wiring.events)) return;
  registered.add(wiring.events);
  const on = (type: DomainEventType, react: (em: EntityManager, event: DomainEvent) => Promise<void>) => wiring.events.on(type, react);

  // A banned customer's stored store access is destroyed at once.
  on(DomainEventType.CUSTOMER_BANNED, async (em, event) => {
    if (event.customerId) await createServices(wiring, em, actingViewer(event)).vault.onCustomerBanned(event.customerId);
  });

  // A resolution (or a close that ends the work like one) gives the stored access its shred date.
  on(DomainEventType.STATUS_CHANGED, async (em, event) => {
    if (!event.ticketId || !isResolution(event.data)) return;
    // Already in the transaction's identity map: no query.
    const ticket = await em.findOneOrFail(Ticket, { id: event.ticketId });
    await createServices(wiring, em, actingViewer(event)).vault.onResolved(ticket);
  });

  // The merchant confirmed the temporary access is disabled: our copy goes at once.
  on(DomainEventType.ACCESS_DISABLED, async (em, event) => {
    if (!event.ticketId) return;
    // Already in the transaction's identity map: no query.
    const ticket = await em.findOneOrFail(Ticket, { id: event.ticketId });
    await createServices(wiring, em, actingViewer(event)).vault.onAccessDisabled(ticket);
  });
}

/** The viewer who made the change, as far as the reaction's audit entries need it (who acted). */
function actingViewer(event: DomainEvent): Viewer {
  const { kind, id } = event.actor;
  if (kind === 'STAFF' && id) return { kind: 'staff', staffId: id, role: StaffRole.AGENT };
  if (kind === 'MERCHANT' && id) return { kind: 'customer', customerId: id, apiKeyId: '' };
  return ANONYMOUS;
}
