import { Cursor, DriverException, type FilterQuery, type QueryOrderMap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import type { Connection } from './connection';

/**
 * Relay pagination on MikroORM's keyset cursors. The order must end with a unique column
 * so that pages never overlap or skip rows.
 */
export async function paginate<T extends object>(
  em: EntityManager,
  entity: new () => T,
  where: FilterQuery<T>,
  args: { first: number; after?: string | null },
  orderBy: QueryOrderMap<T>[],
  /** A narrower read (joined edges, fewer columns, no count): the count is included unless turned off. */
  read: { includeCount?: boolean; populate?: readonly string[]; exclude?: readonly string[]; strategy?: 'joined'; disableIdentityMap?: boolean } = {},
): Promise<Connection<T>> {
  if (args.after) assertCursor(em, entity, args.after, orderBy);
  let cursor;
  try {
    cursor = await em.findByCursor(entity, where, {
      first: args.first,
      after: args.after ?? undefined,
      orderBy: orderBy as never,
      includeCount: true,
      ...(read as object),
    });
  } catch (error) {
    // A cursor of another list can hold values of the wrong type for this ordering.
    if (args.after && error instanceof DriverException) throw invalidCursor();
    throw error;
  }
  const nodes = [...cursor.items] as T[];
  return {
    nodes,
    edges: nodes.map((node) => ({ cursor: cursor.from(node as never), node })),
    totalCount: cursor.totalCount as number,
    pageInfo: {
      hasNextPage: cursor.hasNextPage,
      hasPreviousPage: cursor.hasPrevPage,
      startCursor: cursor.startCursor,
      endCursor: cursor.endCursor,
    },
  };
}

function invalidCursor(): GraphQLError {
  return new GraphQLError('`after` is not a cursor of this list and ordering; use a pageInfo.endCursor from the same query.', {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}

/** A cursor from another list or ordering would page through the wrong rows: refuse it clearly. */
function assertCursor<T extends object>(em: EntityManager, entity: new () => T, after: string, orderBy: QueryOrderMap<T>[]) {
  const invalid = invalidCursor;
  let values: unknown;
  try {
    values = Cursor.decode(after);
  } catch {
    throw invalid();
  }
  const meta = em.getMetadata().get(entity.name);
  const definition = Cursor.getDefinition(meta, orderBy as never) as Array<[string, unknown]>;
  if (!Array.isArray(values) || values.length !== definition.length) throw invalid();
  // A forged cursor ([null, null], objects) would reach the SQL as values of the wrong kind.
  const fits = values.every((value, i) => {
    if (value === null) return meta.properties[definition[i]![0] as never]?.nullable === true;
    return value instanceof Date ? !Number.isNaN(value.getTime()) : ['string', 'number', 'boolean'].includes(typeof value);
  });
  if (!fits) throw invalid();
}
