import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError, type UserError, UserErrorCode, userError } from './user-error';

/**
 * Runs a mutation's work in one database transaction. A DomainError rolls everything back
 * and becomes the payload's userErrors: nothing half-written survives a refused request.
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
    if (error instanceof DomainError) {
      em.clear();
      payload.userErrors = error.errors;
      return payload;
    }
    // Two requests raced past a uniqueness check (same email, same key): the loser is told plainly.
    if (error instanceof UniqueConstraintViolationException) {
      em.clear();
      payload.userErrors = [userError(UserErrorCode.TAKEN, 'This already exists (another request created it at the same moment).')];
      return payload;
    }
    throw error;
  }
}
