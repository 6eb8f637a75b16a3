import type { FilterQuery } from '@mikro-orm/core';
import { customerOwnedListScope, customerOwnedScope } from '../viewer/owner.scope';
import type { Viewer } from '../viewer/viewer';
import type { Subscription } from './subscription.entity';

/*
 * What a viewer may see of subscriptions (purchases), stated once: staff all of them, a merchant
 * their own, nobody else any (null). The list and `node(id:)` read these.
 */

export function subscriptionScope(viewer: Viewer): FilterQuery<Subscription> | null {
  return customerOwnedScope(viewer);
}

/** The list's: its staff-only `customerId` filter narrows staff's view; a merchant's stays their own. */
export function subscriptionListScope(viewer: Viewer, customerGlobalId: string | null | undefined): FilterQuery<Subscription> | null {
  return customerOwnedListScope(viewer, customerGlobalId);
}
