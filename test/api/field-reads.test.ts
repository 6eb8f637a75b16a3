import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, getNamedType, isLeafType, isNonNullType, isObjectType, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoStaff, seedCurrent } from '../../server/cli/demo-data';
import type { FieldReads } from '../../server/common/field-reads';
import { CUSTOMER_FIELD_READS } from '../../server/modules/customer/customer.reads';
import { PLAN_FIELD_READS, SUBSCRIPTION_FIELD_READS_OF_PLAN } from '../../server/modules/plan/plan.reads';
import { STAFF_MEMBER_FIELD_READS } from '../../server/modules/staff/staff-member.reads';
import { ColumnNotReadError, rowMapper, SELECTIONS_KEPT } from '../../server/modules/ticket/read-only-rows';
import { Ticket } from '../../server/modules/ticket/ticket.entity';
import { TICKET_FIELD_READS, TICKET_MESSAGE_FIELD_READS } from '../../server/modules/ticket/ticket.reads';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * Ticket pages read only the columns their fields declare (ticket.reads.ts and the joined types'
 * own). The proof: every declared field, shown on a page, answers exactly what the same ticket
 * answers through `node(id:)`, which loads whole rows through the ORM, for staff and for a
 * merchant, over the demo desk's tickets (replies, internal notes, quotes, a port review,
 * assignees, resolved and closed ones).
 */
const schema: GraphQLSchema = buildSchema(readFileSync(path.join(__dirname, '../../schema.graphql'), 'utf8'));

/** Every field of `type` a query can ask without arguments, objects `depth` levels down. */
function everything(type: GraphQLObjectType, depth: number): string {
  return Object.values(type.getFields())
    .filter((field) => field.args.every((arg) => !isNonNullType(arg.type)))
    .map((field) => {
      const named = getNamedType(field.type);
      if (isLeafType(named)) return field.name;
      if (!isObjectType(named) || depth === 0) return null;
      if ('edges' in named.getFields()) return `${field.name} { edges { node { id } } }`;
      return `${field.name} { ${everything(named, depth - 1)} }`;
    })
    .filter(Boolean)
    .join(' ');
}

/** The declared fields of `typeName` (objects under them in full), and `extra` as they are. */
function declared(typeName: string, reads: FieldReads, nested: Record<string, string> = {}, extra = '', omit: ReadonlySet<string> = new Set()): string {
  const type = schema.getType(typeName) as GraphQLObjectType;
  const fields = type.getFields();
  const parts = Object.keys(reads)
    .filter((name) => !omit.has(name))
    .map((name) => {
      const field = fields[name];
      if (!field) throw new Error(`${typeName}.${name} is declared in its reads but is not a field of the schema`);
      if (nested[name]) return `${name} { ${nested[name]} }`;
      const named = getNamedType(field.type);
      if (isLeafType(named)) return name;
      if ('edges' in (named as GraphQLObjectType).getFields()) return `${name}(first: 3) { edges { node { id } } }`;
      return `${name} { ${everything(named as GraphQLObjectType, 2)} }`;
    });
  return `${parts.join(' ')} ${extra}`;
}

/** Fields only staff may ask for (a merchant's query leaves them out). */
const STAFF_ONLY = new Set(['accessWaiverReason', 'accessWithheld', 'thirdPartyBlocked', 'email', 'role']);

const declaredTicket = (omit: ReadonlySet<string> = new Set()) =>
  declared(
    'Ticket',
    TICKET_FIELD_READS,
    {
      customer: declared('Customer', CUSTOMER_FIELD_READS, {}, '', new Set([...omit].filter((name) => name !== 'email'))),
      subscription: `id status contractEnd plan { ${declared('Plan', PLAN_FIELD_READS)} }`,
      assignee: declared('StaffMember', STAFF_MEMBER_FIELD_READS, {}, '', omit),
      lastMessage: declared('TicketMessage', TICKET_MESSAGE_FIELD_READS),
    },
    '',
    omit,
  );

/** The same, with a field each type has not declared (each of those reads its whole row). */
const WITH_UNDECLARED = declared(
  'Ticket',
  TICKET_FIELD_READS,
  {
    customer: declared('Customer', CUSTOMER_FIELD_READS, {}, 'allowance { used limit }'),
    subscription: `id status plan { ${declared('Plan', PLAN_FIELD_READS, {}, 'price { amount currencyCode }')} }`,
    assignee: declared('StaffMember', STAFF_MEMBER_FIELD_READS),
    lastMessage: declared('TicketMessage', TICKET_MESSAGE_FIELD_READS, {}, 'author { __typename }'),
  },
  'attachments { id }',
);

let app: TestApp;
let merchantKey: string;

beforeAll(async () => {
  app = await createTestApp();
  const tokens = await createDemoStaff(app.orm.em.fork());
  merchantKey = await seedCurrent(`${app.url}/graphql`, tokens);
}, 180_000);
afterAll(async () => {
  await app?.close();
});

interface Page {
  tickets: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: Record<string, unknown> & { id: string } }[] };
}

/** Every ticket the caller sees, page by page (a page of 10 stays within the query cost limit). */
async function everyTicket(selection: string, token: string, orderBy = 'MOST_URGENT'): Promise<Record<string, unknown>[]> {
  const tickets: Record<string, unknown>[] = [];
  let after: string | null = null;
  do {
    const answer = await app.raw(
      `query($after: String) { tickets(first: 10, after: $after, orderBy: ${orderBy}) { pageInfo { hasNextPage endCursor } edges { node { ${selection} } } } }`,
      { after },
      token,
    );
    expect(answer.body.errors, JSON.stringify(answer.body.errors)).toBeUndefined();
    const page = answer.body.data as unknown as Page;
    tickets.push(...page.tickets.edges.map((edge) => edge.node));
    after = page.tickets.pageInfo.hasNextPage ? page.tickets.pageInfo.endCursor : null;
  } while (after);
  return tickets;
}

async function wholeRow(id: string, selection: string, token: string): Promise<Record<string, unknown>> {
  const answer = await app.raw(`query($id: ID!) { node(id: $id) { ... on Ticket { ${selection} } } }`, { id }, token);
  expect(answer.body.errors, JSON.stringify(answer.body.errors)).toBeUndefined();
  return (answer.body.data as { node: Record<string, unknown> }).node;
}

describe('ticket pages read the columns their fields declare', () => {
  for (const [who, token, selection] of [
    ['staff', () => app.adminToken, declaredTicket()],
    ['a merchant', () => merchantKey, declaredTicket(STAFF_ONLY)],
  ] as const) {
    it(`every declared field answers as the whole row does (${who})`, async () => {
      const listed = await everyTicket(selection, token());
      expect(listed.length).toBeGreaterThan(who === 'staff' ? 5 : 1);
      for (const ticket of listed) expect(ticket, String(ticket.number)).toEqual(await wholeRow(ticket.id as string, selection, token()));
      // The seeded desk shows what the declarations must cover: a running clock, a reply, an assignee.
      if (who === 'staff') {
        expect(listed.some((t) => (t.sla as { running: boolean }).running)).toBe(true);
        expect(listed.some((t) => t.assignee !== null)).toBe(true);
        expect(listed.some((t) => t.lastMessage !== null)).toBe(true);
      }
    });
  }

  it('each declared field alone reads only its own columns, and answers as the whole row does', async () => {
    // Together, the fields above read the union of their columns: one field that needs a column
    // only another declares would pass there. Here each is asked on its own, joined types too.
    const purchase = declared('PlanSubscription', SUBSCRIPTION_FIELD_READS_OF_PLAN, { plan: 'id', customer: 'id' });
    const whole = new Map<string, Record<string, unknown>>();
    for (const ticket of await everyTicket('id', app.adminToken)) {
      whole.set(ticket.id as string, await wholeRow(ticket.id as string, `${declaredTicket()} purchase: subscription { ${purchase} }`, app.adminToken));
    }
    const alone: Array<[string, string, (node: Record<string, unknown>) => unknown]> = [];
    const pick = (path: string[]) => (node: Record<string, unknown>) =>
      path.reduce<unknown>((value, key) => (value == null ? value : (value as Record<string, unknown>)[key]), node);
    for (const name of Object.keys(TICKET_FIELD_READS)) {
      const nested = { customer: 'id', subscription: 'id', assignee: 'id', lastMessage: 'id' } as Record<string, string>;
      alone.push([`Ticket.${name}`, `id ${declared('Ticket', { [name]: [] }, nested)}`, pick(nested[name] ? [name, 'id'] : [name])]);
    }
    const joined: Array<[string, string, FieldReads]> = [
      ['customer', 'Customer', CUSTOMER_FIELD_READS],
      ['assignee', 'StaffMember', STAFF_MEMBER_FIELD_READS],
      ['lastMessage', 'TicketMessage', TICKET_MESSAGE_FIELD_READS],
    ];
    for (const [edge, typeName, reads] of joined) {
      for (const name of Object.keys(reads)) {
        alone.push([`${typeName}.${name}`, `id ${edge} { ${declared(typeName, { [name]: [] })} }`, pick([edge, name])]);
      }
    }
    for (const name of Object.keys(SUBSCRIPTION_FIELD_READS_OF_PLAN)) {
      const selection = declared('PlanSubscription', { [name]: [] }, { plan: 'id', customer: 'id' });
      alone.push([`PlanSubscription.${name}`, `id purchase: subscription { ${selection} }`, pick(['purchase', name])]);
    }
    for (const name of Object.keys(PLAN_FIELD_READS)) {
      alone.push([`Plan.${name}`, `id subscription { plan { ${declared('Plan', { [name]: [] })} } }`, pick(['subscription', 'plan', name])]);
    }
    for (const [field, selection, value] of alone) {
      const listed = await everyTicket(selection, app.adminToken);
      expect(listed.length, field).toBe(whole.size);
      for (const ticket of listed) expect(value(ticket), `${field} of ${ticket.id}`).toEqual(value(whole.get(ticket.id as string)!));
    }
  }, 120_000);

  it('a field without a declaration reads the whole row, and answers the same', async () => {
    const listed = await everyTicket(WITH_UNDECLARED, app.adminToken, 'NEWEST');
    for (const ticket of listed) expect(ticket).toEqual(await wholeRow(ticket.id as string, WITH_UNDECLARED, app.adminToken));
  });

  it('a page object refuses a column it did not read, instead of showing it as missing', async () => {
    const em = app.orm.em.fork();
    const read = rowMapper(em, Ticket).select('t', 't_', new Set(['subject']));
    expect(read.sql).not.toContain('"description"');
    const [row] = (await em.execute(`select ${read.sql} from ticket t limit 1`)) as Record<string, unknown>[];
    const ticket = read.read(row!) as Ticket;
    expect(typeof ticket.subject).toBe('string');
    expect(ticket.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(() => ticket.description).toThrow(ColumnNotReadError);
    expect(() => ticket.description).toThrow('Ticket.description was not read for this page');
    // A service may still set a field it was handed: the value becomes the object's own.
    ticket.description = 'set later';
    expect(ticket.description).toBe('set later');
  });

  it('keeps a bounded number of compiled column sets: endless field subsets from a client do not grow the heap', async () => {
    const em = app.orm.em.fork();
    const tickets = rowMapper(em, Ticket);
    const first = tickets.select('t', 't_', new Set(['subject']));
    expect(tickets.select('t', 't_', new Set(['subject']))).toBe(first);
    // Every subset of these columns is another set a query's fields could read.
    const columns = ['subject', 'description', 'category', 'coverage', 'priority', 'team', 'complex', 'platformFlags', 'notEnglish', 'closedAt', 'resolvedAt'];
    for (let subset = 1; subset <= SELECTIONS_KEPT + 10; subset++) {
      tickets.select('t', 't_', new Set(['status', ...columns.filter((_, bit) => (subset >> bit) & 1)]));
    }
    // The oldest set was forgotten (compiled again when asked), and it reads as before.
    const again = tickets.select('t', 't_', new Set(['subject']));
    expect(again).not.toBe(first);
    expect(again.sql).toBe(first.sql);
    const [row] = (await em.execute(`select ${again.sql} from ticket t limit 1`)) as Record<string, unknown>[];
    const ticket = again.read(row!) as Ticket;
    expect(typeof ticket.subject).toBe('string');
    expect(() => ticket.description).toThrow(ColumnNotReadError);
  });
});
