import { Cursor, raw, type FilterQuery } from '@mikro-orm/core';
import { GraphQLError, type FieldNode, type GraphQLResolveInfo } from 'graphql';
import type { AppContext } from '../../app/context';
import type { Connection, Edge } from '../../common/connection';
import { type FieldReads, fieldsUnder, joinedByPage, propertiesRead } from '../../common/field-reads';
import { idOfType } from '../../common/global-id';
import { CUSTOMER_FIELD_READS } from '../customer/customer.reads';
import { PLAN_FIELD_READS, SUBSCRIPTION_FIELD_READS_OF_PLAN } from '../plan/plan.reads';
import { STAFF_MEMBER_FIELD_READS } from '../staff/staff-member.reads';
import { Customer } from '../customer/customer.entity';
import { Plan } from '../plan/plan.entity';
import { StaffMember } from '../staff/staff-member.entity';
import { Subscription } from '../subscription/subscription.entity';
import { isCustomer, type Viewer } from '../viewer/viewer';
import { ticketReportFilterConditions } from '../search/ticket-filters';
import { type RowSelection, rowMapper } from './read-only-rows';
import { TicketMessage } from './ticket-message.entity';
import { NOT_DUE, Ticket } from './ticket.entity';
import { TicketOrder, TicketPriority } from './ticket.enums';
import { TICKET_ALWAYS_READ, TICKET_FIELD_READS, TICKET_MESSAGE_FIELD_READS } from './ticket.reads';
import { ticketMessageScopeSql, ticketScopeSql } from './ticket.scope';
import type { TicketFilter } from './ticket-query.types';

/** The fields asked for on a connection and on its nodes (through edges.node or nodes). */
export interface ConnectionSelection {
  totalCount: boolean;
  /** The node's fields, each with its nodes in the query (for what is asked under it). */
  nodeFields: Map<string, FieldNode[]>;
  info: GraphQLResolveInfo;
}

export function connectionSelection(info: GraphQLResolveInfo): ConnectionSelection {
  const connection = fieldsUnder(info.fieldNodes, info);
  const nodes = [...(connection.get('nodes') ?? []), ...(fieldsUnder(connection.get('edges') ?? [], info).get('node') ?? [])];
  return { totalCount: connection.has('totalCount'), nodeFields: fieldsUnder(nodes, info), info };
}

// ---------- which tickets: the caller's scope and the filter, as SQL ----------

/** One condition over the ticket table (alias `t`), with its `?` bindings in order. */
export interface SqlCondition {
  sql: string;
  params: unknown[];
  /** Set on the status condition: a list narrowed by statuses alone is counted from the tally. */
  statuses?: readonly string[];
}

const NO_ROW = '00000000-0000-0000-0000-000000000000';

/** Enum values written into the SQL text (so the planner can match partial indexes): only ever enum names. */
function enumList(values: readonly string[]): string {
  for (const value of values) if (!/^[A-Z_]+$/.test(value)) throw new RangeError(`not an enum value: ${JSON.stringify(value)}`);
  return values.map((value) => `'${value}'`).join(', ');
}

/**
 * The tickets a caller may list and the `tickets(filter:)` arguments, as SQL conditions over
 * `ticket t`. Every filter of the API is mapped here, each backed by an index
 * (`npm run bench -- --explain`): a new filter is one more `conditions.push`.
 */
export function ticketListConditions(filter: TicketFilter | null | undefined, viewer: Viewer, now: Date): SqlCondition[] {
  if (isCustomer(viewer) && (filter?.customerId || filter?.assigneeId || filter?.unassigned != null || filter?.overdue != null)) {
    throw new GraphQLError('Merchants cannot filter by customer, assignee or overdue.', { extensions: { code: 'FORBIDDEN' } });
  }
  const scope = ticketScopeSql(viewer);
  const conditions: SqlCondition[] = scope ? [scope] : [];
  if (filter?.statuses?.length) {
    const statuses = [...new Set(filter.statuses)];
    conditions.push({ sql: `t.status in (${enumList(statuses)})`, params: [], statuses });
  }
  if (filter?.categories?.length) conditions.push({ sql: `t.category in (${enumList(filter.categories)})`, params: [] });
  if (filter?.priorities?.length) conditions.push({ sql: `t.priority in (${enumList(filter.priorities)})`, params: [] });
  if (filter?.team) conditions.push({ sql: `t.team = ${enumList([filter.team])}`, params: [] });
  if (filter?.customerId) conditions.push({ sql: 't.customer_id = ?', params: [idOfType(filter.customerId, 'Customer') ?? NO_ROW] });
  if (filter?.assigneeId) conditions.push({ sql: 't.assignee_id = ?', params: [idOfType(filter.assigneeId, 'StaffMember') ?? NO_ROW] });
  if (filter?.unassigned === true) conditions.push({ sql: 't.assignee_id is null', params: [] });
  if (filter?.unassigned === false) conditions.push({ sql: 't.assignee_id is not null', params: [] });
  // urgency_at is the due time that matters next while the clock runs, NOT_DUE otherwise; the
  // literal bound lets the planner use the index of running clocks.
  const notDue = `'${NOT_DUE.toISOString()}'`;
  if (filter?.overdue === true) conditions.push({ sql: `t.urgency_at <= ? and t.urgency_at < ${notDue}`, params: [now] });
  if (filter?.overdue === false) conditions.push({ sql: 't.urgency_at > ?', params: [now] });
  if (filter?.createdAfter) conditions.push({ sql: 't.created_at >= ?', params: [filter.createdAfter] });
  if (filter?.createdBefore) conditions.push({ sql: 't.created_at < ?', params: [filter.createdBefore] });
  // Search, SLA breach, platform, OpenCart line/version, flags, resolution dates (search/ticket-filters.ts).
  conditions.push(...ticketReportFilterConditions(filter, isCustomer(viewer) ? 'merchant' : 'staff', now));
  return conditions;
}

/** The conditions as one MikroORM filter (alias `t`), for reads that go through the ORM. */
export function asFilterQuery(conditions: readonly SqlCondition[]): FilterQuery<Ticket> {
  if (conditions.length === 0) return {};
  return {
    [raw(
      whereSql(conditions),
      conditions.flatMap((c) => c.params),
    )]: [],
  } as FilterQuery<Ticket>;
}

/**
 * Conditions written as MikroORM filters over the ticket (alias `t`, raw fragments included), as
 * SQL conditions: the ORM compiles them, the list runs them in its own statement.
 */
export function conditionsOfFilters(em: AppContext['em'], filters: readonly FilterQuery<Ticket>[]): SqlCondition[] {
  return filters.map((filter) => {
    const { sql, bindings } = em
      .createQueryBuilder(Ticket, 't')
      .select(raw('1'))
      .where(filter as never)
      .getKnexQuery()
      .toSQL();
    const at = sql.indexOf(' where ');
    if (at < 0) throw new RangeError('a ticket filter compiled to no condition');
    return { sql: sql.slice(at + ' where '.length), params: [...bindings] };
  });
}

function whereSql(conditions: readonly SqlCondition[]): string {
  return conditions.length ? conditions.map((c) => `(${c.sql})`).join(' and ') : 'true';
}

/** The exact count of the tickets the conditions select: summed from the status tally when only statuses narrow them. */
function countSql(conditions: readonly SqlCondition[]): SqlCondition {
  if (conditions.length === 0) return { sql: 'select coalesce(sum(n), 0)::int from ticket_status_tally', params: [] };
  if (conditions.length === 1 && conditions[0]!.statuses) {
    return { sql: `select coalesce(sum(n), 0)::int from ticket_status_tally where status in (${enumList(conditions[0]!.statuses)})`, params: [] };
  }
  return { sql: `select count(*)::int from "ticket" t where ${whereSql(conditions)}`, params: conditions.flatMap((c) => c.params) };
}

// ---------- in which order: keyset pagination ----------

interface OrderColumn {
  column: string;
  property: 'createdAt' | 'updatedAt' | 'priority' | 'urgencyAt' | 'id';
  descending: boolean;
}

/** Each ordering ends with the id, so pages never overlap or skip; each has its index. */
export const TICKET_ORDERS: Partial<Record<TicketOrder, readonly OrderColumn[]>> = {
  [TicketOrder.NEWEST]: [
    { column: 'created_at', property: 'createdAt', descending: true },
    { column: 'id', property: 'id', descending: true },
  ],
  [TicketOrder.OLDEST]: [
    { column: 'created_at', property: 'createdAt', descending: false },
    { column: 'id', property: 'id', descending: false },
  ],
  [TicketOrder.MOST_URGENT]: [
    { column: 'priority', property: 'priority', descending: true },
    { column: 'urgency_at', property: 'urgencyAt', descending: false },
    { column: 'id', property: 'id', descending: false },
  ],
  [TicketOrder.RECENTLY_UPDATED]: [
    { column: 'updated_at', property: 'updatedAt', descending: true },
    { column: 'id', property: 'id', descending: true },
  ],
};

function invalidCursor(): GraphQLError {
  return new GraphQLError('`after` is not a cursor of this list and ordering; use a pageInfo.endCursor from the same query.', {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}

const PRIORITIES = new Set<string>(Object.values(TicketPriority));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The rows after a cursor (the same encoding as the ORM's cursors), refused unless it fits the ordering. */
function afterCursor(after: string, order: readonly OrderColumn[]): SqlCondition {
  let values: unknown[];
  try {
    values = Cursor.decode(after) as unknown[];
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(values) || values.length !== order.length) throw invalidCursor();
  order.forEach((column, i) => {
    const value = values[i];
    const fits =
      column.property === 'priority'
        ? typeof value === 'string' && PRIORITIES.has(value)
        : column.property === 'id'
          ? typeof value === 'string' && UUID.test(value)
          : value instanceof Date && !Number.isNaN(value.getTime());
    if (!fits) throw invalidCursor();
  });
  // (a, b, c) after (x, y, z): a beyond x, or a = x and b beyond y, or …
  const alternatives: string[] = [];
  const params: unknown[] = [];
  order.forEach((column, i) => {
    const equal = order.slice(0, i).map((c) => `t.${c.column} = ?`);
    alternatives.push([...equal, `t.${column.column} ${column.descending ? '<' : '>'} ?`].join(' and '));
    params.push(...values.slice(0, i + 1));
  });
  return { sql: alternatives.map((a) => `(${a})`).join(' or '), params };
}

// ---------- the page ----------

/** The last message a page joined to each of its tickets (the `lastMessage` resolver takes it from here). */
export const lastMessageOnPage = new WeakMap<Ticket, TicketMessage | null>();

/**
 * A page of tickets in one SQL statement that joins what the query shows (customer,
 * subscription with its plan, assignee, the last message the caller may see) and, when
 * `totalCount` is selected, counts in the same statement. It reads only the columns the asked
 * fields declare (ticket.reads.ts and the joined types' own), or whole rows when a field has no
 * declaration. Rows become read-only entity objects (read-only-rows.ts: no identity map, no
 * hydration), joined to the ticket that shows them (`joinedByPage`), so the edges' field
 * resolvers run no query.
 */
export async function ticketPage(
  ctx: AppContext,
  conditions: readonly SqlCondition[],
  args: { first: number; after?: string | null },
  orderBy: TicketOrder,
  selection: ConnectionSelection,
): Promise<Connection<Ticket>> {
  const order = TICKET_ORDERS[orderBy];
  if (!order) throw new RangeError(`no SQL ordering for ${orderBy}`);
  const where = [...conditions];
  if (args.after) where.push(afterCursor(args.after, order));
  const fields = selection.nodeFields;
  const shows = (field: string) => fields.has(field);
  const under = (nodes: readonly FieldNode[] | undefined) => fieldsUnder(nodes ?? [], selection.info);
  const em = ctx.em;
  const table = (entity: new () => object) => `"${em.getMetadata().get(entity.name).tableName}"`;

  const ticketRead = rowMapper(em, Ticket).select(
    't',
    't_',
    propertiesRead(TICKET_FIELD_READS, fields.keys(), [...TICKET_ALWAYS_READ, ...order.map((c) => c.property)]),
  );
  const select = [ticketRead.sql];
  const joins: string[] = [];
  const selectParams: unknown[] = [];
  // What the query asks of a joined edge: the columns its fields declare, or null (the whole row).
  const readsOf = (nodes: readonly FieldNode[] | undefined, reads: FieldReads, always: readonly string[]) => propertiesRead(reads, under(nodes).keys(), always);
  const customerRead = shows('customer') ? rowMapper(em, Customer).select('c', 'c_', readsOf(fields.get('customer'), CUSTOMER_FIELD_READS, ['id'])) : null;
  if (customerRead) {
    select.push(customerRead.sql);
    joins.push(`join ${table(Customer)} c on c.id = t.customer_id`);
  }
  // A purchase is read whole (its status and allowance read most of its few columns); its plan as
  // its own fields and the purchase's ask.
  let subscriptionRead: RowSelection<Subscription> | null = null;
  let planRead: RowSelection<Plan> | null = null;
  if (shows('subscription')) {
    const subscriptionNodes = fields.get('subscription');
    const ofPurchase = readsOf(subscriptionNodes, SUBSCRIPTION_FIELD_READS_OF_PLAN, ['id']);
    const ofPlan = readsOf(under(subscriptionNodes).get('plan'), PLAN_FIELD_READS, []);
    subscriptionRead = rowMapper(em, Subscription).select('s', 's_');
    planRead = rowMapper(em, Plan).select('p', 'p_', ofPurchase && ofPlan && new Set([...ofPurchase, ...ofPlan]));
    select.push(subscriptionRead.sql, planRead.sql);
    joins.push(`join ${table(Subscription)} s on s.id = t.subscription_id join ${table(Plan)} p on p.id = s.plan_id`);
  }
  const assigneeRead = shows('assignee')
    ? rowMapper(em, StaffMember).select('a', 'a_', readsOf(fields.get('assignee'), STAFF_MEMBER_FIELD_READS, ['id']))
    : null;
  if (assigneeRead) {
    select.push(assigneeRead.sql);
    joins.push(`left join ${table(StaffMember)} a on a.id = t.assignee_id`);
  }
  const messageRead = shows('lastMessage')
    ? rowMapper(em, TicketMessage).select('m', 'm_', readsOf(fields.get('lastMessage'), TICKET_MESSAGE_FIELD_READS, ['id', 'ticket', 'createdAt']))
    : null;
  if (messageRead) {
    const visibleMessages = ticketMessageScopeSql(ctx.viewer, 'm0.');
    select.push(messageRead.sql);
    joins.push(
      `left join lateral (select * from ${table(TicketMessage)} m0 where m0.ticket_id = t.id${visibleMessages ? ` and ${visibleMessages}` : ''}
         order by m0.created_at desc, m0.id desc limit 1) m on true`,
    );
  }
  const count = selection.totalCount ? countSql(conditions) : null;
  if (count) {
    select.push(`(${count.sql}) as "total_count"`);
    selectParams.push(...count.params);
  }
  const sql = `select ${select.join(', ')} from "ticket" t ${joins.join(' ')}
    where ${whereSql(where)}
    order by ${order.map((c) => `t.${c.column} ${c.descending ? 'desc' : 'asc'}`).join(', ')}
    limit ?`;
  const rows = (await em.execute(sql, [...selectParams, ...where.flatMap((c) => c.params), args.first + 1])) as Record<string, unknown>[];

  const nodes: Ticket[] = [];
  for (let i = 0; i < rows.length && i < args.first; i++) {
    const row = rows[i]!;
    const ticket = ticketRead.read(row) as Ticket;
    if (customerRead) joinedByPage.add((ticket.customer = customerRead.read(row) as Customer));
    if (subscriptionRead && planRead) {
      const subscription = subscriptionRead.read(row) as Subscription;
      joinedByPage.add((subscription.plan = planRead.read(row) as Plan));
      joinedByPage.add((ticket.subscription = subscription));
    }
    if (assigneeRead && row.a_id != null) joinedByPage.add((ticket.assignee = assigneeRead.read(row) as StaffMember));
    if (messageRead) lastMessageOnPage.set(ticket, row.m_id == null ? null : (messageRead.read(row) as TicketMessage));
    nodes.push(ticket);
  }
  let totalCount = 0;
  if (count) {
    // An empty page (past the last cursor) has no row to carry the count.
    totalCount = rows.length
      ? Number(rows[0]!.total_count)
      : Number(((await em.execute(`select (${count.sql}) as "total_count"`, count.params)) as Record<string, unknown>[])[0]!.total_count);
  }
  const edges = nodes.map((node) => lazyEdge(node, order));
  return ticketConnection(edges, { hasNextPage: rows.length > args.first, after: args.after, totalCount });
}

/** An edge whose cursor is encoded when read: most pages (the staff queue) show no edge's cursor. */
function lazyEdge(node: Ticket, order: readonly OrderColumn[]): Edge<Ticket> {
  let cursor: string | undefined;
  return {
    node,
    get cursor() {
      return (cursor ??= Cursor.encode(order.map((c) => node[c.property])));
    },
  };
}

/** The Relay page of a list of tickets, whatever the ordering made its cursors. */
export function ticketConnection(edges: Edge<Ticket>[], page: { hasNextPage: boolean; after?: string | null; totalCount: number }): Connection<Ticket> {
  return {
    nodes: edges.map((edge) => edge.node),
    edges,
    totalCount: page.totalCount,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: Boolean(page.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
