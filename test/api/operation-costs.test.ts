import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  parse,
  typeFromAST,
  type DefinitionNode,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  validate,
  visit as visitAst,
  type ASTNode,
  type FragmentDefinitionNode,
} from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkQueryLimits, DEFAULT_QUERY_LIMITS, type CallerTier } from '../../server/app/limits/query-limits';
import { getSchema } from '../../server/app/schema';

/**
 * The operations the OpenCart module and the tests send must stay far below the limits: a
 * module in a store must never meet QUERY_TOO_COMPLEX. Page sizes are taken at their maximum
 * (100), whatever a caller sends today.
 */
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const PAGE = 100;
let schema: GraphQLSchema;

beforeAll(async () => {
  schema = await getSchema();
});

function definitionsIn(folder: string): DefinitionNode[] {
  return readdirSync(path.join(ROOT, folder))
    .filter((file) => file.endsWith('.graphql'))
    .flatMap((file) => parse(readFileSync(path.join(ROOT, folder, file), 'utf8')).definitions);
}

/** A value of the variable's type that coerces: page sizes at their maximum, the rest minimal. */
function sampleValue(type: GraphQLInputType, name: string): unknown {
  if (isNonNullType(type)) return sampleValue(type.ofType, name);
  if (isListType(type)) return [];
  if (isInputObjectType(type)) {
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((field) => isNonNullType(field.type) && field.defaultValue === undefined)
        .map((field) => [field.name, sampleValue(field.type, field.name)]),
    );
  }
  if (isEnumType(type)) return type.getValues()[0]!.value;
  switch (getNamedType(type).name) {
    case 'Int':
      return PAGE;
    case 'Boolean':
      return true;
    case 'DateTime':
      return '2026-03-03T05:00:00Z';
    case 'JSONObject':
      return {};
    default:
      return name;
  }
}

function costOf(document: DocumentNode, operation: OperationDefinitionNode, tier: CallerTier) {
  const variables = Object.fromEntries(
    (operation.variableDefinitions ?? []).map((definition) => [
      definition.variable.name.value,
      sampleValue(typeFromAST(schema, definition.type as never) as GraphQLInputType, definition.variable.name.value),
    ]),
  );
  expect(validate(schema, document)).toEqual([]);
  const report = checkQueryLimits({ schema, document, operationName: operation.name?.value, variables, tier, limits: DEFAULT_QUERY_LIMITS });
  expect(report.error).toBeNull();
  expect(report.cost).not.toBeNull();
  return report.cost!;
}

function operationsOf(folder: string) {
  const definitions = definitionsIn(folder);
  const fragments = definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
  return definitions
    .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
    .map((operation) => ({ operation, document: { kind: Kind.DOCUMENT, definitions: [operation, ...usedFragments(operation, fragments)] } as DocumentNode }));
}

/** The fragments an operation spreads, directly or through other fragments. */
function usedFragments(operation: OperationDefinitionNode, fragments: FragmentDefinitionNode[]): FragmentDefinitionNode[] {
  const used = new Set<string>();
  const visit = (node: ASTNode) =>
    visitAst(node, {
      FragmentSpread(spread) {
        if (used.has(spread.name.value)) return;
        used.add(spread.name.value);
        visit(fragments.find((f) => f.name.value === spread.name.value)!);
      },
    });
  visit(operation);
  return fragments.filter((f) => used.has(f.name.value));
}

describe('the cost of our own operations', () => {
  it("keeps every operation of the OpenCart module under half of a merchant's limit", () => {
    const costs = operationsOf('opencart-extension/graphql').map(
      ({ operation, document }) => [operation.name!.value, costOf(document, operation, 'merchant')] as const,
    );
    expect(costs.length).toBeGreaterThan(10);
    const [heaviest, cost] = costs.reduce((a, b) => (b[1] > a[1] ? b : a));
    console.info(`module's heaviest operation: ${heaviest} costs ${cost} of ${DEFAULT_QUERY_LIMITS.merchant.cost} allowed to a merchant`);
    for (const [, each] of costs) expect(each).toBeLessThan(DEFAULT_QUERY_LIMITS.merchant.cost / 2);
    // Pages are counted: the ticket list with 100 tickets is well above a single ticket.
    expect(Object.fromEntries(costs).TicketList).toBeGreaterThan(100);
  });

  it("keeps every operation of the tests' SDK under half of a merchant's limit (staff's are higher)", () => {
    const costs = operationsOf('test/sdk/operations').map(
      ({ operation, document }) => [operation.name!.value, costOf(document, operation, 'merchant')] as const,
    );
    expect(costs.length).toBeGreaterThan(30);
    for (const [name, cost] of costs) expect({ name, cost: cost < DEFAULT_QUERY_LIMITS.merchant.cost / 2 }).toEqual({ name, cost: true });
    const [heaviest, cost] = costs.reduce((a, b) => (b[1] > a[1] ? b : a));
    console.info(`tests' heaviest operation: ${heaviest} costs ${cost}`);
  });

  it("keeps the staff queue of 50 tickets with everything an agent looks at under half of a staff member's limit", () => {
    const queue = parse(`query Queue {
      tickets(first: 50, orderBy: MOST_URGENT, filter: { unassigned: false }) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { cursor node {
          id number subject status priority category coverage createdAt updatedAt firstReplyDueAt resolutionDueAt
          customer { id name email company storeUrl status }
          subscription { id status plan { id name kind price { amount currencyCode formatted } } }
          assignee { id name team }
          sla { guaranteed running usedMinutes firstReply { dueAt remainingMinutes breached } resolution { dueAt remainingMinutes breached } }
          messages(first: 1) { nodes { id body createdAt author { displayName kind team } } }
        } }
      }
    }`);
    const cost = costOf(queue, queue.definitions[0] as OperationDefinitionNode, 'staff');
    console.info(`staff queue (50 tickets) costs ${cost} of ${DEFAULT_QUERY_LIMITS.staff.cost} allowed to staff`);
    expect(cost).toBeLessThan(DEFAULT_QUERY_LIMITS.staff.cost / 2);
    expect(cost).toBeGreaterThan(50 * 5);
  });

  it('lets the playground introspect the schema at no cost', () => {
    const introspection = parse(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, inputValueDeprecation: true }));
    for (const tier of ['anonymous', 'merchant', 'staff'] as const) {
      expect(costOf(introspection, introspection.definitions[0] as OperationDefinitionNode, tier)).toBe(0);
    }
  });
});
