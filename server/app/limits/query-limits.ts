import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  getNamedType,
  getOperationAST,
  GraphQLError,
  isCompositeType,
  isListType,
  isNonNullType,
  Kind,
  validate,
  type DocumentNode,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { CallerTier, QueryLimits } from './limit-settings';
import { createComplexityRule, fieldExtensionsEstimator, type ComplexityEstimator } from 'graphql-query-complexity';

export { DEFAULT_QUERY_LIMITS, type CallerTier, type QueryLimits, type TierLimits } from './limit-settings';

/** The error codes a refused query carries in `extensions.code`. */
export const LIMIT_CODES = [
  'QUERY_TOO_COMPLEX',
  'QUERY_TOO_DEEP',
  'TOO_MANY_ALIASES',
  'TOO_MANY_ROOT_FIELDS',
  'TOO_MANY_REPEATED_FIELDS',
  'TOO_MANY_TOKENS',
] as const;
export type LimitCode = (typeof LIMIT_CODES)[number];

/** Assumed length of a list field that has no `first` (e.g. a customer's API keys). */
export const ASSUMED_LIST_LENGTH = 10;
/** What a mutation costs on top of its selection: it writes, in a transaction. */
export const MUTATION_COST = 10;

/**
 * A refused query: the code says which limit, `extensions` carry the measured value and the
 * allowed one, so a client can fix the query (fewer items per page, fewer aliases, …).
 */
export function limitError(code: LimitCode, message: string, measured: Record<string, number | string>): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...measured, http: { status: 400 } } });
}

/**
 * The cost model, in the spirit of Shopify's calculated query cost: a scalar or enum field is
 * free, an object costs 1; a connection costs 1 + `first` × the cost of what is asked for each
 * item (its `edges` and `nodes` are that page, not another multiplier); a list
 * looked up by IDs costs per ID; other object lists are assumed to hold
 * ASSUMED_LIST_LENGTH items; a mutation costs MUTATION_COST more. A field may set its own
 * cost with type-graphql's `complexity` option, which wins.
 */
export function queryCostEstimators(): ComplexityEstimator[] {
  return [introspectionEstimator, fieldExtensionsEstimator(), listEstimator, mutationEstimator, objectEstimator];
}

/**
 * Introspection is answered from the schema in memory, so it is free (the playground needs it);
 * graphql-js's own MaxIntrospectionDepthRule stops nested `fields { type { fields … } }`.
 */
const introspectionEstimator: ComplexityEstimator = ({ type, field }) => (field.name.startsWith('__') || type.name.startsWith('__') ? 0 : undefined);

/** An object costs 1 and what is asked of it; a scalar or enum value costs nothing. */
const objectEstimator: ComplexityEstimator = ({ field, childComplexity }) => (isCompositeType(getNamedType(field.type)) ? 1 + childComplexity : 0);

const listEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  const named = getNamedType(field.type);
  // A connection's `edges` and `nodes` are the page its `first` already counted.
  if (!isCompositeType(named) || type.name.endsWith('Connection')) return undefined;
  if (typeof args.first === 'number' && named.name.endsWith('Connection')) return 1 + args.first * childComplexity;
  if (!isList(field.type)) return undefined;
  const ids = Array.isArray(args.ids) ? args.ids.length : null;
  // Each item is an object (1) with what is asked of it: a list of bare IDs is not free.
  return 1 + (ids ?? ASSUMED_LIST_LENGTH) * (1 + childComplexity);
};

const mutationEstimator: ComplexityEstimator = ({ type, childComplexity }) => (type.name === 'Mutation' ? MUTATION_COST + childComplexity : undefined);

function isList(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

/** Counts the fields at the top of each operation, through fragments (each fragment once). */
function rootFieldsRule(maximum: number, onExceeded: (count: number) => void): ValidationRule {
  return (context: ValidationContext) => ({
    OperationDefinition(operation: OperationDefinitionNode) {
      const seen = new Set<string>();
      const count = (selectionSet: SelectionSetNode): number =>
        selectionSet.selections.reduce((total, selection) => {
          if (selection.kind === Kind.FIELD) return total + 1;
          if (selection.kind === Kind.INLINE_FRAGMENT) return total + count(selection.selectionSet);
          // A fragment spread twice adds nothing new: fields with one name are merged anyway.
          if (seen.has(selection.name.value)) return total;
          seen.add(selection.name.value);
          const fragment = context.getFragment(selection.name.value);
          return fragment ? total + count(fragment.selectionSet) : total;
        }, 0);
      const found = count(operation.selectionSet);
      if (found > maximum) onExceeded(found);
    },
  });
}

/**
 * How often one field (one response name) may be asked in one selection, inline fragments
 * included. Fragments that share fields repeat a name a few times; thousands of repeats are
 * only an attack on graphql-js's OverlappingFieldsCanBeMerged rule, whose time grows with the
 * square of the repeats.
 */
export const MAX_FIELD_REPEATS = 20;

function repeatedFieldsRule(onExceeded: (name: string, repeats: number) => void): ValidationRule {
  return () => ({
    SelectionSet(selectionSet: SelectionSetNode) {
      const counts = new Map<string, number>();
      const count = (set: SelectionSetNode) => {
        for (const selection of set.selections) {
          if (selection.kind === Kind.FIELD) {
            const name = selection.alias?.value ?? selection.name.value;
            counts.set(name, (counts.get(name) ?? 0) + 1);
          } else if (selection.kind === Kind.INLINE_FRAGMENT) count(selection.selectionSet);
        }
      };
      count(selectionSet);
      for (const [name, repeats] of counts) {
        if (repeats > MAX_FIELD_REPEATS) return void onExceeded(name, repeats);
      }
    },
  });
}

/**
 * Fields in the document as written: the cost's stand-in when it cannot be computed (variables
 * that do not fit the operation): that request fails anyway, but a flood of fields must not
 * reach graphql-js's validation because of it.
 */
function countFieldNodes(document: DocumentNode): number {
  let fields = 0;
  const walk = (selectionSet: SelectionSetNode | undefined) => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) fields += 1;
      if (selection.kind !== Kind.FRAGMENT_SPREAD) walk(selection.selectionSet);
    }
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION) walk(definition.selectionSet);
  }
  return fields;
}

export interface LimitCheck {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  tier: CallerTier;
  limits: QueryLimits;
}

export interface LimitReport {
  /** The refusal, or null when the operation is within every limit. */
  error: GraphQLError | null;
  /** The computed cost (null when it could not be computed, e.g. bad variables). */
  cost: number | null;
}

/**
 * Measures an operation against the caller's limits. Linear in the size of the document
 * (fragments are expanded once per use up to graphql-query-complexity's node cap), so it is
 * safe to run on a document that graphql-js has not validated yet: it runs before the
 * validation rules whose time grows with the square of repeated fields.
 */
export function checkQueryLimits({ schema, document: sent, operationName, variables, tier, limits }: LimitCheck): LimitReport {
  const allowed = limits[tier];
  // Only the operation that would run is measured (with the fragments). When none can be told
  // (no such name, several without one) every operation is: Apollo refuses the request later.
  const operation = getOperationAST(sent, operationName);
  const document: DocumentNode = operation
    ? { ...sent, definitions: [operation, ...sent.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION)] }
    : sent;
  let refusal: GraphQLError | null = null;
  const refuse = (error: GraphQLError) => {
    refusal ??= error;
  };
  let cost: number | null = null;
  const rules: ValidationRule[] = [
    rootFieldsRule(allowed.rootFields, (found) =>
      refuse(
        limitError(
          'TOO_MANY_ROOT_FIELDS',
          `This operation asks for ${found} top-level fields; at most ${allowed.rootFields} are allowed for ${tier} callers. Split it into several requests.`,
          { rootFields: found, maximumRootFields: allowed.rootFields, caller: tier },
        ),
      ),
    ),
    repeatedFieldsRule((name, repeats) =>
      refuse(
        limitError(
          'TOO_MANY_REPEATED_FIELDS',
          `This operation asks for \`${name}\` ${repeats} times in one selection; at most ${MAX_FIELD_REPEATS} are allowed.`,
          { field: name, repeats, maximumRepeats: MAX_FIELD_REPEATS },
        ),
      ),
    ),
    maxAliasesRule({
      n: allowed.aliases,
      propagateOnRejection: false,
      onReject: [
        (_context, error) => {
          const found = foundIn(error);
          refuse(
            limitError('TOO_MANY_ALIASES', `This operation uses ${found} aliases; at most ${allowed.aliases} are allowed for ${tier} callers.`, {
              aliases: found,
              maximumAliases: allowed.aliases,
              caller: tier,
            }),
          );
        },
      ],
    }),
    maxDepthRule({
      n: allowed.depth,
      // Depth of fields: a fragment spread is not a level of the response.
      flattenFragments: true,
      propagateOnRejection: false,
      onReject: [
        (_context, error) => {
          const found = foundIn(error);
          refuse(
            limitError('QUERY_TOO_DEEP', `This operation nests ${found} levels deep; at most ${allowed.depth} are allowed for ${tier} callers.`, {
              depth: found,
              maximumDepth: allowed.depth,
              caller: tier,
            }),
          );
        },
      ],
    }),
    createComplexityRule({
      maximumComplexity: Number.MAX_SAFE_INTEGER,
      estimators: queryCostEstimators(),
      variables: variables ?? {},
      // Fragment reuse is expanded: bound the work however the fragments are nested.
      maxQueryNodes: Math.max(10_000, limits.tokens * 4),
      onComplete: (computed: number) => {
        cost = computed;
      },
    }),
  ];
  let unmeasured = false;
  try {
    // Errors other than the limits (unknown fields, bad variables) are graphql-js's to report
    // after this; they only mean the cost may not have been computed.
    unmeasured = validate(schema, document, rules, { maxErrors: 1_000 }).length > 0;
  } catch (error) {
    // The complexity walker gives up past its node cap: that is a query far too costly. It also
    // throws on directive arguments graphql-js has not checked yet (`@skip(if: "x")`): then
    // the cost is unknown, and graphql-js reports the fault itself after this.
    if (error instanceof GraphQLError && /maximum allowed number of nodes/.test(error.message)) refuse(tooComplex(null, allowed.cost, tier));
    else unmeasured = true;
  }
  if (refusal) return { error: refusal, cost };
  const measured = unmeasured || cost === null ? Math.max(cost ?? 0, countFieldNodes(document)) : cost;
  if (measured > allowed.cost) return { error: tooComplex(measured, allowed.cost, tier), cost };
  return { error: null, cost };
}

/** Armor reports the measured value only in its message ("… exceeded, found 14."). */
function foundIn(error: GraphQLError): number {
  return Number(/found (\d+)/.exec(error.message)?.[1] ?? NaN);
}

function tooComplex(cost: number | null, maximum: number, tier: CallerTier): GraphQLError {
  const what = cost === null ? 'far more' : String(cost);
  return limitError(
    'QUERY_TOO_COMPLEX',
    `This operation costs ${what}; at most ${maximum} is allowed for ${tier} callers. Ask for fewer items per page (\`first\`) or fewer nested lists.`,
    { cost: cost ?? 'unbounded', maximumCost: maximum, caller: tier },
  );
}
