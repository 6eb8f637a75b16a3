import { idOfType } from '../../common/global-id';
import type { Viewer } from './viewer';

/** Matches no row: an ID of the wrong type filters to nothing rather than to everything. */
export const NO_ROW = '00000000-0000-0000-0000-000000000000';

/**
 * Rows that belong to a customer (subscriptions, refunds, API keys): staff see all of them, a
 * merchant only their own, nobody else any (null).
 */
export function customerOwnedScope(viewer: Viewer): { customer?: string } | null {
  if (viewer.kind === 'staff') return {};
  if (viewer.kind === 'customer') return { customer: viewer.customerId };
  return null;
}

/**
 * The same for a list with a staff-only "of this customer" filter: a merchant's own rows
 * whatever the filter says, staff those of the customer asked for (or all).
 */
export function customerOwnedListScope(viewer: Viewer, customerGlobalId: string | null | undefined): { customer?: string } | null {
  const scope = customerOwnedScope(viewer);
  if (!scope || viewer.kind === 'customer' || !customerGlobalId) return scope;
  return { customer: idOfType(customerGlobalId, 'Customer') ?? NO_ROW };
}
