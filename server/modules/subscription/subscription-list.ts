import { raw, type FilterQuery, type QueryOrderMap } from '@mikro-orm/core';
import type { DateTime } from 'luxon';
import { NO_ROW } from '../viewer/owner.scope';
import type { Viewer } from '../viewer/viewer';
import { SubscriptionStatus } from './entitlement-rules';
import type { Subscription } from './subscription.entity';
import { subscriptionListScope } from './subscription.scope';
import { CONTRACT_ZONE } from './subscription.service';

/** Newest contract first; the id breaks ties. */
export const SUBSCRIPTION_ORDER: QueryOrderMap<Subscription>[] = [{ contractStart: 'desc' }, { id: 'desc' }];

/** `subscriptions(filter:)`'s query: the purchases the viewer may see (subscription.scope.ts), narrowed by the filter. */
export function subscriptionListWhere(
  filter: { customerId?: string | null; status?: SubscriptionStatus | null } | null,
  viewer: Viewer,
  now: DateTime,
): FilterQuery<Subscription> {
  const where: FilterQuery<Subscription>[] = [subscriptionListScope(viewer, filter?.customerId) ?? { id: NO_ROW }];
  if (filter?.status) where.push(statusFilter(filter.status, now));
  return { $and: where };
}

/**
 * The list filter by the status the API answers: ACTIVE excludes ended contracts, EXPIRED
 * includes them. The end is computed as `statusAt` does: months added in the contract's zone.
 */
function statusFilter(status: SubscriptionStatus, now: DateTime): FilterQuery<Subscription> {
  const contractEndSql = () =>
    raw((alias) => `((${alias}.contract_start at time zone '${CONTRACT_ZONE}') + make_interval(months => ${alias}.months)) at time zone '${CONTRACT_ZONE}'`);
  const at = now.toJSDate();
  if (status === SubscriptionStatus.ACTIVE) return { status, [contractEndSql()]: { $gt: at } };
  if (status === SubscriptionStatus.EXPIRED) return { $or: [{ status }, { status: SubscriptionStatus.ACTIVE, [contractEndSql()]: { $lte: at } }] };
  return { status };
}
