import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import { getOperationAST, GraphQLError, parse, validate, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { authenticate } from '../modules/viewer/authenticate';
import type { Viewer } from '../modules/viewer/viewer';
import type { Clock } from './clock';
import type { AppContext } from './context';
import type { Logger } from './logger';
import { checkQueryLimits, type QueryLimits } from './limits/query-limits';
import { callerTier } from './limits/query-limits.plugin';

/** Live operations one connection may hold at once. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 20;

export interface LiveSocketOptions {
  server: http.Server;
  path: string;
  schema: GraphQLSchema;
  orm: MikroORM;
  clock: Clock;
  logger: Logger;
  queryLimits: QueryLimits;
  /** The context of one live operation, like a request's. */
  createContext(viewer: Viewer, requestId: string): AppContext;
  /** The same masking as for HTTP answers. */
  formatError(error: GraphQLError): GraphQLFormattedError;
}

interface ConnectionState {
  authorization?: string;
  viewer?: Viewer;
  operations?: number;
}

function bearer(params: Record<string, unknown> | undefined): string | undefined {
  const value = params?.Authorization ?? params?.authorization;
  return typeof value === 'string' ? value : undefined;
}

/**
 * GraphQL subscriptions over the graphql-ws protocol on the HTTP server's own port and path.
 * The client signs in with `connection_init` ({"Authorization": "Bearer <token>"}, the same
 * tokens as HTTP); without a valid token the socket closes with 4403. Every operation gets the
 * query limits of its caller, is re-authenticated when it starts (a revoked key starts nothing
 * more), and only subscriptions are served here: queries and mutations stay on HTTP, with their
 * rate limits.
 */
export function serveLiveSocket(options: LiveSocketOptions): { close(): Promise<void> } {
  const wss = new WebSocketServer({ server: options.server, path: options.path, maxPayload: 256 * 1024 });
  const signIn = async (state: ConnectionState): Promise<Viewer | null> => {
    try {
      const viewer = await authenticate(options.orm.em.fork(), state.authorization, options.clock());
      return viewer.kind === 'anonymous' ? null : viewer;
    } catch {
      return null;
    }
  };
  const refuse = (code: string, message: string) => [new GraphQLError(message, { extensions: { code } })];
  const server = useServer<Record<string, unknown>, { state: ConnectionState }>(
    {
      schema: options.schema,
      onConnect: async (ctx) => {
        const state: ConnectionState = { authorization: bearer(ctx.connectionParams), operations: 0 };
        (ctx.extra as { state?: ConnectionState }).state = state;
        state.viewer = (await signIn(state)) ?? undefined;
        return state.viewer !== undefined;
      },
      onSubscribe: async (ctx, _id, payload) => {
        const state = ctx.extra.state!;
        const viewer = await signIn(state);
        if (!viewer) return refuse('UNAUTHENTICATED', 'This token is not valid any more: sign in again.');
        if ((state.operations ?? 0) >= MAX_SUBSCRIPTIONS_PER_CONNECTION) {
          return refuse('BAD_REQUEST', `At most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} live operations per connection.`);
        }
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: options.queryLimits.tokens });
        } catch (error) {
          return refuse('GRAPHQL_PARSE_FAILED', error instanceof GraphQLError ? error.message : 'The query could not be parsed.');
        }
        const limits = checkQueryLimits({
          schema: options.schema,
          document,
          operationName: payload.operationName,
          variables: payload.variables,
          tier: callerTier(viewer),
          limits: options.queryLimits,
        });
        if (limits.error) return [limits.error];
        const errors = validate(options.schema, document);
        if (errors.length) return errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
        if (getOperationAST(document, payload.operationName)?.operation !== 'subscription') {
          return refuse('BAD_REQUEST', 'Only subscriptions are served over WebSocket: send queries and mutations to POST /graphql.');
        }
        state.operations = (state.operations ?? 0) + 1;
        return {
          schema: options.schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: options.createContext(viewer, randomUUID()),
        };
      },
      onComplete: (ctx) => {
        const state = ctx.extra.state;
        if (state) state.operations = Math.max(0, (state.operations ?? 1) - 1);
      },
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((error) => options.formatError(error)) } : undefined,
      onError: (_ctx, _id, _payload, errors) => errors.map((error) => options.formatError(error)),
    },
    wss,
  );
  return {
    close: async () => {
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
