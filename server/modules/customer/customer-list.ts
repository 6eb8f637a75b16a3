import type { FilterQuery, QueryOrderMap } from '@mikro-orm/core';
import type { Customer, CustomerStatus } from './customer.entity';

/** Newest first; the id breaks ties. */
export const CUSTOMER_ORDER: QueryOrderMap<Customer>[] = [{ createdAt: 'desc' }, { id: 'desc' }];

/** `customers(filter:)`'s query (staff only: the resolver says who may ask). */
export function customerListWhere(filter: { status?: CustomerStatus | null; search?: string | null } | null): FilterQuery<Customer> {
  const where: FilterQuery<Customer>[] = [];
  if (filter?.status) where.push({ status: filter.status });
  const search = filter?.search?.trim();
  if (search) {
    // The text is matched literally: LIKE's own wildcards in it are escaped.
    const like = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push({ $or: [{ email: { $ilike: like } }, { name: { $ilike: like } }, { company: { $ilike: like } }, { storeUrl: { $ilike: like } }] });
  }
  return where.length ? { $and: where } : {};
}
