import type { FilterQuery, QueryOrderMap } from '@mikro-orm/core';
import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { AppContext } from '../../app/context';
import type { Connection } from '../../common/connection';
import { paginate } from '../../common/paginate';
import { Ticket } from './ticket.entity';

/** The fields asked for on a connection and on its nodes (through edges.node or nodes). */
export interface ConnectionSelection {
  totalCount: boolean;
  nodeFields: Set<string>;
}

/** Field names selected under `set`, fragments included (their type conditions are not checked: one type here). */
function selectedFields(set: SelectionSetNode | undefined, info: GraphQLResolveInfo, into = new Map<string, FieldNode[]>()): Map<string, FieldNode[]> {
  for (const selection of set?.selections ?? []) {
    if (selection.kind === Kind.FIELD) into.set(selection.name.value, [...(into.get(selection.name.value) ?? []), selection]);
    else if (selection.kind === Kind.INLINE_FRAGMENT) selectedFields(selection.selectionSet, info, into);
    else selectedFields(info.fragments[selection.name.value]?.selectionSet, info, into);
  }
  return into;
}

export function connectionSelection(info: GraphQLResolveInfo): ConnectionSelection {
  const connection = new Map<string, FieldNode[]>();
  for (const node of info.fieldNodes) selectedFields(node.selectionSet, info, connection);
  const nodeFields = new Map<string, FieldNode[]>();
  for (const nodes of connection.get('nodes') ?? []) selectedFields(nodes.selectionSet, info, nodeFields);
  for (const edges of connection.get('edges') ?? []) {
    for (const node of selectedFields(edges.selectionSet, info).get('node') ?? []) selectedFields(node.selectionSet, info, nodeFields);
  }
  return { totalCount: connection.has('totalCount'), nodeFields: new Set(nodeFields.keys()) };
}

// Edges a page shows, read in the page's own statement (one join each) instead of a batch each.
const JOINED_EDGES = { customer: 'customer', subscription: 'subscription.plan', assignee: 'assignee' } as const;
// Large columns no list shows unless asked for.
const HEAVY_COLUMNS = ['description', 'environment'] as const;

/**
 * A page of tickets that reads what the query shows: the customer, subscription with its plan
 * and assignee joined into the page's statement (and handed to the request's loaders, so no
 * batch query follows), the description and reported environment only when selected, and the
 * count only when `totalCount` is. Read-only: nothing enters the request's identity map.
 */
export async function ticketPage(
  ctx: AppContext,
  where: FilterQuery<Ticket>,
  args: { first: number; after?: string | null },
  orderBy: QueryOrderMap<Ticket>[],
  selection: ConnectionSelection,
): Promise<Connection<Ticket>> {
  const populate = Object.entries(JOINED_EDGES)
    .filter(([field]) => selection.nodeFields.has(field))
    .map(([, path]) => path);
  const exclude = HEAVY_COLUMNS.filter((column) => !selection.nodeFields.has(column));
  // paginate's checks and shape, with a narrower read.
  const page = await paginate(ctx.em, Ticket, where, args, orderBy, {
    includeCount: selection.totalCount,
    populate,
    exclude,
    strategy: 'joined',
    disableIdentityMap: true,
  });
  for (const ticket of page.nodes) {
    if (populate.includes('customer')) ctx.loaders.customer.prime(ticket.customer.id, ticket.customer);
    if (populate.includes('subscription.plan')) {
      ctx.loaders.subscription.prime(ticket.subscription.id, ticket.subscription);
      ctx.loaders.plan.prime(ticket.subscription.plan.id, ticket.subscription.plan);
    }
    if (populate.includes('assignee') && ticket.assignee) ctx.loaders.staff.prime(ticket.assignee.id, ticket.assignee);
  }
  return page;
}
