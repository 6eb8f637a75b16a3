import { GraphQLError } from 'graphql';
import type { AppContext } from '../../app/context';
import type { Connection } from '../../common/connection';
import { readSide } from '../../common/read-side';
import { ticketConnection, ticketPage, type ConnectionSelection, type SqlCondition } from '../ticket/ticket-list';
import type { Ticket } from '../ticket/ticket.entity';
import { TicketOrder } from '../ticket/ticket.enums';
import { QUERY, type SearchScope } from './search-condition';

/** ts_rank (subject above description above messages), as float8 so a cursor carries it exactly. */
function rankSql(alias: string, scope: SearchScope): string {
  const document = scope === 'staff' ? `s.document || s.internal_document` : `s.document`;
  return `(select ts_rank(${document}, ${QUERY})::float8 from ticket_search s where s.ticket_id = ${alias}.id)`;
}

interface RelevanceCursor {
  rank: number;
  id: string;
}

function encodeCursor(cursor: RelevanceCursor): string {
  return Buffer.from(JSON.stringify(['relevance', cursor.rank, cursor.id])).toString('base64url');
}

function decodeCursor(after: string): RelevanceCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
  } catch {
    value = null;
  }
  if (
    !Array.isArray(value) ||
    value.length !== 3 ||
    value[0] !== 'relevance' ||
    typeof value[1] !== 'number' ||
    !Number.isFinite(value[1]) ||
    typeof value[2] !== 'string' ||
    !/^[0-9a-f-]{36}$/i.test(value[2])
  ) {
    throw new GraphQLError('`after` is not a cursor of this list and ordering; use a pageInfo.endCursor from the same query.', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return { rank: value[1], id: value[2] };
}

/**
 * A page of tickets best match first (then by id), keyset-paginated on (rank, id): the ids of
 * the page come from one ranked statement over the list's conditions (the search among them),
 * then the list's own read (`ticketPage`) fetches those tickets with what the query shows.
 */
export async function ticketPageByRelevance(
  ctx: AppContext,
  conditions: readonly SqlCondition[],
  search: string,
  scope: SearchScope,
  args: { first: number; after?: string | null },
  selection: ConnectionSelection,
): Promise<Connection<Ticket>> {
  const where = [...conditions];
  const rank = rankSql('t', scope);
  if (args.after) {
    const after = decodeCursor(args.after);
    where.push({ sql: `${rank} < ? or (${rank} = ? and t.id > ?)`, params: [search, after.rank, search, after.rank, after.id] });
  }
  const whereSql = where.map((c) => `(${c.sql})`).join(' and ') || 'true';
  // The ranking and the count run on the read side (a replica when configured); the page's tickets are the list's read.
  const reads = readSide(ctx.em, ctx.log);
  const rows = (await reads.execute(`select t.id, ${rank} as rank from "ticket" t where ${whereSql} order by rank desc, t.id limit ?`, [
    search,
    ...where.flatMap((c) => c.params),
    args.first + 1,
  ])) as Array<{ id: string; rank: number }>;
  const pageRows = rows.slice(0, args.first);

  // The same read as every other ordering, for exactly these ids; the count over the full conditions.
  const read = await ticketPage(
    ctx,
    [{ sql: `t.id in (${pageRows.map(() => '?').join(', ') || 'null'})`, params: pageRows.map((row) => row.id) }],
    { first: args.first },
    TicketOrder.NEWEST,
    { ...selection, totalCount: false },
  );
  const byId = new Map(read.nodes.map((ticket) => [ticket.id, ticket]));
  const edges = pageRows.flatMap((row) => {
    const node = byId.get(row.id);
    return node ? [{ node, cursor: encodeCursor({ rank: Number(row.rank), id: row.id }) }] : [];
  });
  let totalCount = 0;
  if (selection.totalCount) {
    const counted = (await reads.execute(
      `select count(*)::int as n from "ticket" t where ${conditions.map((c) => `(${c.sql})`).join(' and ') || 'true'}`,
      conditions.flatMap((c) => c.params),
    )) as Array<{ n: number }>;
    totalCount = Number(counted[0]!.n);
  }
  return ticketConnection(edges, { hasNextPage: rows.length > args.first, after: args.after, totalCount });
}
