import type { FilterQuery } from '@mikro-orm/core';
import { customerOwnedListScope, customerOwnedScope } from '../viewer/owner.scope';
import type { Viewer } from '../viewer/viewer';
import type { Refund } from './refund.entity';

/*
 * What a viewer may see of refunds, stated once: staff all of them, a merchant their own, nobody
 * else any (null). The list, its CSV export, `node(id:)` and the loaders all read these.
 */

export function refundScope(viewer: Viewer): FilterQuery<Refund> | null {
  return customerOwnedScope(viewer);
}

/** The list's: its staff-only `customerId` filter narrows staff's view; a merchant's stays their own. */
export function refundListScope(viewer: Viewer, customerGlobalId: string | null | undefined): FilterQuery<Refund> | null {
  return customerOwnedListScope(viewer, customerGlobalId);
}
