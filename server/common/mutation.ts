import type { EntityManager } from '@mikro-orm/postgresql';
import { refusalOf } from './transaction';
import type { UserError } from './user-error';

/**
 * Runs a mutation's work in one database transaction. A DomainError rolls everything back
 * and becomes the payload's userErrors: nothing half-written survives a refused request.
 * New mutations declare this with `@Transactional(Payload)` (transaction.ts) instead.
 */
export async function runMutation<P extends { userErrors: UserError[] }>(
  em: EntityManager,
  makePayload: () => P,
  work: (em: EntityManager) => Promise<Partial<P>>,
): Promise<P> {
  const payload = makePayload();
  try {
    const result = await em.transactional((tx) => work(tx as EntityManager));
    return Object.assign(payload, result);
  } catch (error) {
    const refused = refusalOf(error);
    if (!refused) throw error;
    em.clear();
    payload.userErrors = refused;
    return payload;
  }
}
