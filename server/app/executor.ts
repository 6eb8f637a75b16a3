import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import { execute, getVariableValues, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';

type Gateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;
type GatewayRequest = Parameters<GatewayExecutor>[0];

/**
 * Compiled operations kept (least recently used forgotten first). Each is a few generated
 * functions, tens of KB for a page of tickets; clients send a handful of distinct documents, so
 * 500 keeps them all while a client sending endless variants cannot grow the heap without bound.
 */
export const COMPILED_OPERATIONS_KEPT = 500;

/**
 * Documents seen once and not compiled yet (their keys only). Compiling the staff queue takes
 * ~15 ms, several of its runs: a document is compiled the second time it comes, so a client
 * sending a new document with every request gets graphql-js, not a compilation per request.
 */
export const SEEN_OPERATIONS_KEPT = 2_000;

/** Why an operation went to graphql-js instead of its compiled form (counted for tests and metrics). */
export type InterpretedBecause = 'first-sight' | 'not-a-query' | 'invalid-variables' | 'not-compilable' | 'errors';

export interface CompiledExecution {
  /** Apollo's `gateway` option: the one supported way to bring another executor to Apollo Server 5. */
  gateway: Gateway;
  /** How many operations ran compiled, and how many went to graphql-js and why. */
  readonly counts: Readonly<Record<'compiled' | InterpretedBecause, number>>;
  /** Operations compiled and kept right now. */
  readonly kept: number;
}

/**
 * Runs queries through graphql-jit, which compiles each operation once into JavaScript that
 * executes several times faster than graphql-js walking the document field by field (a page of
 * 50 tickets is ~1,900 fields). Parsing, validation, limits, context and error formatting stay
 * Apollo's: only the execution step changes, and only where the answer is the same:
 * - mutations run on graphql-js (serial execution, userErrors, and rare enough not to matter);
 * - variables graphql-js refuses go to graphql-js, which refuses them before running anything,
 *   with its own words (client-errors.ts rewrites those messages);
 * - a query whose compiled run reports any error is answered by graphql-js instead: error
 *   texts, paths and null propagation are then exactly graphql-js's. Queries change nothing, so
 *   running one again costs time only on a failing request, never a second write.
 */
export function compiledExecution(schema: GraphQLSchema, kept = COMPILED_OPERATIONS_KEPT): CompiledExecution {
  const seen = new LRUCache<string, true>({ max: SEEN_OPERATIONS_KEPT });
  // `false`: graphql-jit could not compile this operation; remembered so as not to try again.
  const compiled = new LRUCache<string, CompiledQuery | false>({ max: kept });
  const counts = { compiled: 0, 'first-sight': 0, 'not-a-query': 0, 'invalid-variables': 0, 'not-compilable': 0, errors: 0 };

  const interpret = (request: GatewayRequest, because: InterpretedBecause) => {
    counts[because] += 1;
    return execute({
      schema,
      document: request.document,
      contextValue: request.context,
      variableValues: request.request.variables,
      operationName: request.request.operationName,
    });
  };

  const executor: GatewayExecutor = async (request) => {
    const { operation, document, source } = request;
    if (operation?.operation !== 'query' || !source) return interpret(request, 'not-a-query');
    const variables = request.request.variables ?? {};
    if (operation.variableDefinitions?.length && 'errors' in getVariableValues(schema, operation.variableDefinitions, variables, { maxErrors: 50 })) {
      return interpret(request, 'invalid-variables');
    }
    const operationName = request.request.operationName ?? undefined;
    const key = `${operationName ?? ''}\n${source}`;
    let query = compiled.get(key);
    if (query === undefined) {
      if (!seen.has(key)) {
        seen.set(key, true);
        return interpret(request, 'first-sight');
      }
      seen.delete(key);
      const result = compileQuery(schema, document, operationName);
      query = isCompiledQuery(result) ? result : false;
      compiled.set(key, query);
    }
    if (!query) return interpret(request, 'not-compilable');
    const result: ExecutionResult = await query.query(undefined, request.context, variables);
    if (result.errors?.length) return interpret(request, 'errors');
    counts.compiled += 1;
    return result;
  };

  let onLoad: Parameters<Gateway['onSchemaLoadOrUpdate']>[0] | undefined;
  return {
    counts,
    get kept() {
      return compiled.size;
    },
    gateway: {
      onSchemaLoadOrUpdate(callback) {
        onLoad = callback;
        return () => {
          onLoad = undefined;
        };
      },
      async load() {
        // The schema never changes in a running process: told once, before the first request.
        onLoad?.({ apiSchema: schema, coreSupergraphSdl: '' });
        return { schema, executor };
      },
      async stop() {
        compiled.clear();
      },
    },
  };
}
