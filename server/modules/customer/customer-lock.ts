import type { EntityManager } from '@mikro-orm/postgresql';
import { Customer } from './customer.entity';

/**
 * Locks a customer row for a change that must not interleave with another (a ban, the ticket
 * allowance check) and returns it fresh. FOR NO KEY UPDATE, not FOR UPDATE: rows that only
 * refer to the customer (audit entries, stored access) can still be written meanwhile, so a
 * request holding a ticket lock never waits on the customer while the ban waits on its ticket.
 */
export async function lockCustomer(em: EntityManager, id: string): Promise<Customer | null> {
  const rows = await em.execute<Array<{ id: string }>>('select id from customer where id = ? for no key update', [id]);
  if (rows.length === 0) return null;
  return em.findOne(Customer, { id }, { refresh: true });
}
