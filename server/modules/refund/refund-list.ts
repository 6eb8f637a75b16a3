import type { FilterQuery } from '@mikro-orm/core';
import { idOfType } from '../../common/global-id';
import { isCustomer, type Viewer } from '../viewer/viewer';
import type { Refund } from './refund.entity';
import type { RefundRule, RefundStatus } from './refund-rules';

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

const NO_ROW = '00000000-0000-0000-0000-000000000000';

/** The refunds a caller may list, narrowed by the filter (merchants: their own only). */
export function refundConditions(filter: RefundListFilter | null | undefined, viewer: Viewer): FilterQuery<Refund>[] {
  const where: FilterQuery<Refund>[] = [];
  if (isCustomer(viewer)) where.push({ customer: viewer.customerId });
  else if (filter?.customerId) where.push({ customer: idOfType(filter.customerId, 'Customer') ?? NO_ROW });
  if (filter?.status) where.push({ status: filter.status });
  if (filter?.rules?.length) where.push({ rule: { $in: filter.rules } });
  if (filter?.requestedAfter) where.push({ createdAt: { $gte: filter.requestedAfter } });
  if (filter?.requestedBefore) where.push({ createdAt: { $lt: filter.requestedBefore } });
  if (filter?.decidedAfter) where.push({ decidedAt: { $gte: filter.decidedAfter } });
  if (filter?.decidedBefore) where.push({ decidedAt: { $lt: filter.decidedBefore } });
  return where;
}
