import type { StoredDomainEvent } from '../events/domain-event';
import type { Viewer } from '../viewer/viewer';

/**
 * Which live events a viewer may receive, by the same rules as queries: staff see every event;
 * a merchant sees only events of their own tickets (or about themselves) that are not
 * staff-only (internal notes, access reveals, escalations). Checked again for every event.
 */
export function mayReceive(viewer: Viewer, event: StoredDomainEvent): boolean {
  if (viewer.kind === 'staff') return true;
  if (viewer.kind !== 'customer') return false;
  return !event.staffOnly && event.customerId === viewer.customerId;
}
