import type { FilterQuery, QueryOrderMap } from '@mikro-orm/core';
import { NO_ROW } from '../viewer/owner.scope';
import type { Viewer } from '../viewer/viewer';
import type { Refund } from './refund.entity';
import type { RefundRule, RefundStatus } from './refund-rules';
import { refundListScope } from './refund.scope';

/** The `refunds(filter:)` arguments the list and the CSV export share. */
export interface RefundListFilter {
  status?: RefundStatus | null;
  customerId?: string | null;
  rules?: RefundRule[] | null;
  requestedAfter?: Date | null;
  requestedBefore?: Date | null;
  decidedAfter?: Date | null;
  decidedBefore?: Date | null;
}

/** Newest first; the id breaks ties. */
export const REFUND_ORDER: QueryOrderMap<Refund>[] = [{ createdAt: 'desc' }, { id: 'desc' }];

/** The refunds a caller may list (refund.scope.ts), narrowed by the filter. */
export function refundConditions(filter: RefundListFilter | null | undefined, viewer: Viewer): FilterQuery<Refund>[] {
  const where: FilterQuery<Refund>[] = [refundListScope(viewer, filter?.customerId) ?? { id: NO_ROW }];
  if (filter?.status) where.push({ status: filter.status });
  if (filter?.rules?.length) where.push({ rule: { $in: filter.rules } });
  if (filter?.requestedAfter) where.push({ createdAt: { $gte: filter.requestedAfter } });
  if (filter?.requestedBefore) where.push({ createdAt: { $lt: filter.requestedBefore } });
  if (filter?.decidedAfter) where.push({ decidedAt: { $gte: filter.decidedAfter } });
  if (filter?.decidedBefore) where.push({ decidedAt: { $lt: filter.decidedBefore } });
  return where;
}

/** `refunds(filter:)`'s query. */
export function refundListWhere(filter: RefundListFilter | null | undefined, viewer: Viewer): FilterQuery<Refund> {
  return { $and: refundConditions(filter, viewer) };
}
