import { Cursor, type QueryOrderMap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type { Connection } from './connection';
import { placeholders } from './sql';

export interface FirstPageSpec {
  /** Table and the column holding the parent's id. */
  table: string;
  parentColumn: string;
  /** Extra SQL condition (no user input), e.g. "internal = false". */
  where?: string;
  /** ORDER BY in SQL, and the same order for cursors. Must end with a unique column. */
  orderSql: string;
  orderBy: QueryOrderMap<object>[];
}

/**
 * The first page of a to-many connection for many parents in one query (a window function per
 * parent), so a list of tickets with `messages(first: 10)` costs one statement, not one per
 * ticket. Later pages (`after`) are per parent anyway: they are asked for one parent at a time.
 */
export function firstPageLoader<T extends object>(em: EntityManager, entity: new () => T, spec: FirstPageSpec) {
  return new DataLoader<{ parentId: string; first: number }, Connection<T>, string>(
    async (keys) => {
      const ids = [...new Set(keys.map((k) => k.parentId))];
      const limit = Math.max(...keys.map((k) => k.first)) + 1;
      const rows = (await em.execute(
        `select * from (
           select t.*, row_number() over (partition by t.${spec.parentColumn} order by ${spec.orderSql}) as page_row,
                  count(*) over (partition by t.${spec.parentColumn}) as page_total
             from ${spec.table} t
            where t.${spec.parentColumn} in (${placeholders(ids)}) ${spec.where ? `and ${spec.where}` : ''}
         ) ranked where page_row <= ? order by ${spec.parentColumn}, page_row`,
        [...ids, limit],
      )) as Array<Record<string, unknown>>;
      const meta = em.getMetadata().get(entity.name);
      const byParent = new Map<string, { total: number; nodes: T[] }>();
      for (const { page_row: _row, page_total: total, ...row } of rows) {
        const parent = String(row[spec.parentColumn]);
        const group = byParent.get(parent) ?? { total: Number(total), nodes: [] };
        group.nodes.push(em.map(entity, row) as T);
        byParent.set(parent, group);
      }
      return keys.map(({ parentId, first }) => {
        const group = byParent.get(parentId) ?? { total: 0, nodes: [] };
        const nodes = group.nodes.slice(0, first);
        const edges = nodes.map((node) => ({ node, cursor: Cursor.for(meta, node as never, spec.orderBy as never) }));
        return {
          nodes,
          edges,
          totalCount: group.total,
          pageInfo: {
            hasNextPage: group.nodes.length > first,
            hasPreviousPage: false,
            startCursor: edges[0]?.cursor ?? null,
            endCursor: edges.at(-1)?.cursor ?? null,
          },
        };
      });
    },
    { cacheKeyFn: (k) => `${k.parentId}:${k.first}` },
  );
}

/** All children of each parent, one query for all parents. */
export function childrenLoader<T extends object>(
  em: EntityManager,
  entity: new () => T,
  parentProperty: string,
  orderBy: Record<string, 'asc' | 'desc'>,
  where: Record<string, unknown> = {},
) {
  return new DataLoader<string, T[]>(async (parentIds) => {
    const rows = (await em.find(entity as never, { [parentProperty]: { $in: [...parentIds] }, ...where } as never, { orderBy } as never)) as T[];
    const parentOf = (row: T) => String((row as Record<string, { id: string }>)[parentProperty]!.id);
    return parentIds.map((id) => rows.filter((row) => parentOf(row) === id));
  });
}

/** One lookup for every key asked for in the same tick; null for a key the lookup did not find. */
export function keyedLoader<V>(lookup: (keys: readonly string[]) => Promise<Map<string, V>>): DataLoader<string, V | null> {
  return new DataLoader<string, V | null>(async (keys) => {
    const found = await lookup(keys);
    return keys.map((key) => found.get(key) ?? null);
  });
}
