import type { EntityManager } from '@mikro-orm/postgresql';
import { keyedLoader } from '../../common/batched-connection';
import { CustomerErasure } from './customer-erasure.entity';

export function personalDataLoaders(em: EntityManager) {
  return {
    /** When a customer's personal data was erased, by customer id: a page of customers asks once. */
    erasedAt: keyedLoader(async (customerIds) => {
      const rows = await em.find(CustomerErasure, { customer: { $in: [...customerIds] } });
      return new Map(rows.map((row) => [row.customer.id, row.erasedAt]));
    }),
  };
}
