import type { ApolloServerPlugin, DocumentStore, GraphQLRequestContext } from '@apollo/server';
import { InMemoryLRUCache, type KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import { GraphQLError, NoSchemaIntrospectionCustomRule, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Viewer } from '../../modules/viewer/viewer';
import type { AppContext } from '../context';
import { isTokenLimitError } from '../../common/client-errors';
import { checkQueryLimits, LIMIT_CODES, type CallerTier, type QueryLimits } from './query-limits';

export function callerTier(viewer: Viewer): CallerTier {
  if (viewer.kind === 'staff') return 'staff';
  return viewer.kind === 'customer' ? 'merchant' : 'anonymous';
}

export interface QueryLimitsPluginOptions {
  schema: GraphQLSchema;
  limits: QueryLimits;
  /** Let anonymous callers introspect the schema (off in production). */
  anonymousIntrospection: boolean;
  /** Told the code of every operation refused by a limit (for metrics). */
  onRefused?: (code: string) => void;
}

/** Documents put in place of a refused one so that graphql-js has nothing to validate. */
const standIns = new WeakSet<DocumentNode>();

/**
 * Apollo's cache of validated documents, except the stand-ins of refused documents: those must
 * be checked again on every request (another caller may have higher limits).
 */
export class ValidatedDocumentStore implements DocumentStore {
  private readonly cache = new InMemoryLRUCache<DocumentNode>();

  get(key: string) {
    return this.cache.get(key);
  }

  async set(key: string, document: DocumentNode, options?: KeyValueCacheSetOptions) {
    if (!standIns.has(document)) await this.cache.set(key, document, options);
  }

  delete(key: string) {
    return this.cache.delete(key);
  }
}

/** Operations found within their limits that are remembered (least recently used forgotten first). */
export const MEASURED_OPERATIONS_KEPT = 1_000;
/** Variables longer than this as JSON (attachments travel as base64) are measured every time, not remembered. */
const REMEMBERED_VARIABLES_LENGTH = 2_048;

/**
 * What an accepted measurement depends on: the query text (by Apollo's hash of it), the
 * operation, the caller's tier and the variables (`first: $n` sets the cost). Null: not remembered.
 */
function measurementKey(rc: GraphQLRequestContext<AppContext>): string | null {
  if (!rc.queryHash) return null;
  const variables = JSON.stringify(rc.request.variables ?? {});
  if (variables.length > REMEMBERED_VARIABLES_LENGTH) return null;
  return `${rc.queryHash}\n${rc.request.operationName ?? ''}\n${callerTier(rc.contextValue.viewer)}\n${variables}`;
}

/**
 * Refuses an operation over its caller's limits before anything runs.
 *
 * Apollo parses (with the token limit), validates with graphql-js's rules, caches the validated
 * document by the query's hash, then calls `didResolveOperation`, the first hook whose errors
 * end the request as a client error (a throw in an earlier hook is a 500). Two of graphql-js's
 * rules take time that grows with the square of repeated fields, so the limits are measured in
 * `validationDidStart`: a refused document is swapped for a one-field stand-in, which validates
 * at once and is never cached, and the refusal is thrown from `didResolveOperation`. A cached
 * document skips parsing and validation and may have been accepted for a caller with higher
 * limits: `didResolveOperation` measures it again, with this request's variables, unless the same
 * text, operation, tier and variables were accepted before: the measurement walks the whole
 * document (a page of 50 tickets: ~1,900 fields), so an accepted one is remembered, up to
 * MEASURED_OPERATIONS_KEPT of them. A refusal is never remembered.
 */
export function queryLimitsPlugin({ schema, limits, anonymousIntrospection, onRefused }: QueryLimitsPluginOptions): ApolloServerPlugin<AppContext> {
  const check = (rc: GraphQLRequestContext<AppContext>, document: DocumentNode): GraphQLError | null => {
    const tier = callerTier(rc.contextValue.viewer);
    const { error } = checkQueryLimits({ schema, document, operationName: rc.request.operationName, variables: rc.request.variables, tier, limits });
    if (error) return error;
    if (tier === 'anonymous' && !anonymousIntrospection && asksForIntrospection(schema, document)) {
      return new GraphQLError('Introspection is available to signed-in callers only: send "Authorization: Bearer <token>".', {
        extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
      });
    }
    return null;
  };
  const accepted = new InMemoryLRUCache<true>({ max: MEASURED_OPERATIONS_KEPT });
  return {
    async requestDidStart() {
      let checked: DocumentNode | null = null;
      let refusal: GraphQLError | null = null;
      const refuse = (error: GraphQLError): never => {
        const code = error.extensions.code;
        if (typeof code === 'string' && (LIMIT_CODES as readonly string[]).includes(code)) onRefused?.(code);
        throw error;
      };
      return {
        async parsingDidStart() {
          return async (error) => {
            if (error && isTokenLimitError(error.message)) onRefused?.('TOO_MANY_TOKENS');
          };
        },
        async validationDidStart(rc) {
          refusal = check(rc, rc.document);
          checked = rc.document;
          const key = refusal ? null : measurementKey(rc);
          if (key) await accepted.set(key, true);
          if (refusal) {
            const standIn = parse('{ __typename }');
            standIns.add(standIn);
            (rc as { document: DocumentNode }).document = standIn;
          }
        },
        async didResolveOperation(rc) {
          if (refusal) refuse(refusal);
          // graphql-js validates a subscription against a schema without any, then fails to run it.
          if (rc.operation?.operation === 'subscription' && !schema.getSubscriptionType()) {
            throw new GraphQLError('This API has no subscriptions: send a query or a mutation.', {
              extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
            });
          }
          if (checked !== rc.document) {
            const key = measurementKey(rc);
            if (key && (await accepted.get(key))) return;
            const error = check(rc, rc.document);
            if (error) refuse(error);
            if (key) await accepted.set(key, true);
          }
        },
      };
    },
  };
}

function asksForIntrospection(schema: GraphQLSchema, document: DocumentNode): boolean {
  return validate(schema, document, [NoSchemaIntrospectionCustomRule]).length > 0;
}
