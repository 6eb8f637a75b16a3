import type { FilterQuery } from '@mikro-orm/core';
import type { Viewer } from '../viewer/viewer';
import type { Customer } from './customer.entity';

/** The customer accounts a viewer may see: staff all of them, a merchant their own, nobody else any (null). */
export function customerScope(viewer: Viewer): FilterQuery<Customer> | null {
  if (viewer.kind === 'staff') return {};
  if (viewer.kind === 'customer') return { id: viewer.customerId };
  return null;
}
