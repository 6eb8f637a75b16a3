import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { UseMiddleware } from 'type-graphql';
import { DomainError, type UserError, UserErrorCode, userError } from './user-error';

/** What a declared transaction needs from the request context (the app's context has it). */
export interface TransactionScope<Context = unknown> {
  em: EntityManager;
  /** Runs `work` with this context moved onto one transaction: its EntityManager and services. */
  transaction<T>(work: (tx: Context) => Promise<T>): Promise<T>;
}

type WithUserErrors = { userErrors: UserError[] };

export interface TransactionalOptions<P> {
  /** The payload field the resolver's value fills (e.g. 'ticket'); without it the value is merged into the payload. */
  into?: Exclude<keyof P & string, 'userErrors'>;
  /**
   * The service opens its own transactions (e.g. to wait on the network between two of them):
   * none is opened around it, and a DomainError still becomes the payload's userErrors.
   */
  ownTransactions?: boolean;
}

/**
 * Declares a mutation transactional and names its payload: the resolver runs in one database
 * transaction (its `@Ctx()` is the transaction's context), its value fills the payload, and a
 * DomainError rolls everything back into `userErrors`: nothing half-written survives a refusal.
 *
 *   @Mutation(() => TicketPayload)
 *   @Transactional(TicketPayload, { into: 'ticket' })
 *   ticketAssign(@Arg('input') input: TicketAssignInput, @Ctx() ctx: AppContext) {
 *     return ctx.services.tickets.assign(input);
 *   }
 */
export function Transactional<P extends WithUserErrors>(Payload: new () => P, options: TransactionalOptions<P> = {}) {
  return UseMiddleware(async (data, next) => {
    const ctx = data.context as TransactionScope;
    const payload = new Payload();
    try {
      const result = options.ownTransactions
        ? await next()
        : await ctx.transaction(async (tx) => {
            // type-graphql reads @Ctx() from here once the middlewares have run.
            data.context = tx;
            try {
              return await next();
            } finally {
              data.context = ctx;
            }
          });
      return Object.assign(payload, options.into ? { [options.into]: result } : result);
    } catch (error) {
      const refused = refusalOf(error);
      if (!refused) throw error;
      ctx.em.clear();
      payload.userErrors = refused;
      return payload;
    }
  });
}

/** The userErrors a failed mutation answers with, or null for a fault (which is thrown on). */
export function refusalOf(error: unknown): UserError[] | null {
  if (error instanceof DomainError) return error.errors;
  // Two requests raced past a uniqueness check (same email, same key): the loser is told plainly.
  if (error instanceof UniqueConstraintViolationException) {
    return [userError(UserErrorCode.TAKEN, 'This already exists (another request created it at the same moment).')];
  }
  return null;
}
