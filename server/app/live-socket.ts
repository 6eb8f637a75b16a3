import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import { getOperationAST, GraphQLError, parse, validate, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { WebSocketServer, type WebSocket } from 'ws';
import type { LiveHub } from '../modules/live/live-hub';
import { DEFAULT_LIVE_SOCKET_SETTINGS, type LiveSocketSettings } from '../modules/live/live-settings';
import { authenticate } from '../modules/viewer/authenticate';
import type { Viewer } from '../modules/viewer/viewer';
import type { Clock } from '../common/clock';
import type { Config } from './config';
import type { AppContext } from './context';
import type { Logger } from './logger';
import { checkQueryLimits, type QueryLimits } from './limits/query-limits';
import { callerTier } from './limits/query-limits.plugin';

/** Close codes of the live endpoint besides graphql-ws's own (4400, 4408 connection-init timeout) and 1009 (message too big). */
export const LIVE_CLOSE = {
  /** No valid credential at connection_init, or it was revoked while open: sign in again. */
  CREDENTIAL_REFUSED: 4403,
  /** Too many connections (per credential or address) or subscribe messages: retry later. */
  TOO_MANY: 4429,
  /** The credential could not be checked (the database did not answer): reconnect. */
  CHECK_FAILED: 1011,
} as const;

export interface LiveSocketOptions {
  server: http.Server;
  path: string;
  schema: GraphQLSchema;
  orm: MikroORM;
  clock: Clock;
  logger: Logger;
  queryLimits: QueryLimits;
  /** The feed's revocations and the endpoint's bounds (DEFAULT_LIVE_SOCKET_SETTINGS without it). */
  live?: LiveHub;
  /** The context of one live operation, like a request's. */
  createContext(viewer: Viewer, requestId: string): AppContext;
  /** The same masking as for HTTP answers. */
  formatError(error: GraphQLError): GraphQLFormattedError;
}

/** One open connection once signed in: what is re-checked, and under which credential it counts. */
interface Connection {
  socket: WebSocket;
  authorization: string;
  /** `key:<id>` or `staff:<id>`: what connection and subscribe limits count. */
  credential: string;
  /** Every revocation subject that ends this connection (its key and its customer, or its staff member). */
  subjects: string[];
  checkedAt: number;
  operations: number;
  closed: boolean;
}

interface ConnectionState {
  connection?: Connection;
}

function bearer(params: Record<string, unknown> | undefined): string | undefined {
  const value = params?.Authorization ?? params?.authorization;
  return typeof value === 'string' ? value : undefined;
}

/** The client's address: the peer's, or the one TRUST_PROXY_HOPS proxies forwarded (as Express's `trust proxy` hop count). */
export function socketClientAddress(request: http.IncomingMessage, trustProxyHops: number): string {
  const peer = request.socket.remoteAddress ?? 'unknown';
  if (trustProxyHops <= 0) return peer;
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const chain = [peer, ...forwarded.reverse()];
  return chain[Math.min(trustProxyHops, chain.length - 1)]!;
}

/** Close reasons are at most 123 bytes. */
function reason(text: string): string {
  return Buffer.byteLength(text) <= 123 ? text : `${Buffer.from(text).subarray(0, 120).toString()}…`;
}

/**
 * GraphQL subscriptions over the graphql-ws protocol on the HTTP server's own port and path.
 * The client signs in with `connection_init` ({"Authorization": "Bearer <token>"}, the same
 * tokens as HTTP); without a valid token the socket closes with 4403 and the reason. Every
 * operation gets the query limits of its caller, is re-authenticated when it starts, and only
 * subscriptions are served here: queries and mutations stay on HTTP, with their rate limits.
 *
 * Revocation: a credential that stops holding (key revoked, customer banned, staff member disabled
 * or given a new token) closes its connections on every process at once (4403), told by the
 * database at commit; and before any event is delivered, a connection whose credential was last
 * checked over `credentialRecheckSeconds` ago is checked again, so a missed notice still delivers
 * nothing after a revocation.
 */
export function serveLiveSocket(options: LiveSocketOptions): { close(): Promise<void> } {
  const settings: LiveSocketSettings = options.live?.socketSettings ?? DEFAULT_LIVE_SOCKET_SETTINGS;
  const wss = new WebSocketServer({ server: options.server, path: options.path, maxPayload: settings.maxMessageBytes });
  const bySubject = new Map<string, Set<Connection>>();
  const perCredential = new Map<string, number>();
  const perAddress = new Map<string, number>();
  const subscribes = new RateLimiterMemory({ keyPrefix: 'live_subscribe', points: settings.subscribesPerMinute, duration: 60 });
  // A budget of elapsed time, not a date: the monotonic clock, unmoved by changes of the wall clock.
  const now = () => performance.now();
  const count = (map: Map<string, number>, key: string, delta: number) => {
    const value = (map.get(key) ?? 0) + delta;
    if (value > 0) map.set(key, value);
    else map.delete(key);
    return value;
  };

  /** The viewer of a token now, or why not: a refusal's message, or null when the database did not answer. */
  const signIn = async (authorization: string | undefined): Promise<{ viewer: Viewer } | { refused: string | null }> => {
    try {
      const viewer = await authenticate(options.orm.em.fork(), authorization, options.clock());
      return viewer.kind === 'anonymous' ? { refused: 'Sign in: send {"Authorization": "Bearer <token>"} in connection_init.' } : { viewer };
    } catch (error) {
      if (error instanceof GraphQLError && error.extensions.code === 'UNAUTHENTICATED') return { refused: error.message };
      options.logger.warn({ err: error }, 'live connection: the credential could not be checked');
      return { refused: null };
    }
  };
  const close = (connection: Connection, code: number, text: string) => {
    if (connection.closed) return;
    connection.closed = true;
    connection.socket.close(code, reason(text));
  };
  /** The connection's viewer now, or null (and the socket closing) when its credential no longer holds. */
  const recheck = async (connection: Connection): Promise<Viewer | null> => {
    if (connection.closed) return null;
    const signedIn = await signIn(connection.authorization);
    if ('viewer' in signedIn) {
      connection.checkedAt = now();
      return connection.closed ? null : signedIn.viewer;
    }
    if (signedIn.refused === null) close(connection, LIVE_CLOSE.CHECK_FAILED, 'The credential could not be checked: reconnect.');
    else close(connection, LIVE_CLOSE.CREDENTIAL_REFUSED, `Credential revoked: ${signedIn.refused}`);
    return null;
  };
  const detachRevocations = options.live?.onCredentialRevoked((subject) => {
    if (subject === null) {
      // Notices may have been missed (the listener reconnected): every connection checks again before its next event.
      for (const set of bySubject.values()) for (const connection of set) connection.checkedAt = Number.NEGATIVE_INFINITY;
      return;
    }
    for (const connection of [...(bySubject.get(subject) ?? [])]) void recheck(connection);
  });

  // Before graphql-ws sees the connection: the address's count (signed in or not).
  wss.on('connection', (socket, request) => {
    const address = socketClientAddress(request, settings.trustProxyHops);
    if (count(perAddress, address, 1) > settings.maxConnectionsPerAddress) {
      socket.close(LIVE_CLOSE.TOO_MANY, reason(`Too many open connections from this address: at most ${settings.maxConnectionsPerAddress}.`));
    }
    socket.once('close', () => count(perAddress, address, -1));
  });

  const refuse = (code: string, message: string) => [new GraphQLError(message, { extensions: { code } })];
  const server = useServer<Record<string, unknown>, { state?: ConnectionState }>(
    {
      schema: options.schema,
      connectionInitWaitTimeout: settings.connectionInitTimeoutSeconds * 1_000,
      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        const authorization = bearer(ctx.connectionParams);
        const signedIn = await signIn(authorization);
        if (!('viewer' in signedIn)) {
          socket.close(LIVE_CLOSE.CREDENTIAL_REFUSED, reason(signedIn.refused ?? 'The credential could not be checked: try again.'));
          return false;
        }
        const viewer = signedIn.viewer;
        const credential = viewer.kind === 'staff' ? `staff:${viewer.staffId}` : viewer.kind === 'customer' ? `key:${viewer.apiKeyId}` : '';
        const subjects = viewer.kind === 'customer' ? [credential, `customer:${viewer.customerId}`] : [credential];
        if (socket.readyState !== socket.OPEN) return false;
        if ((perCredential.get(credential) ?? 0) >= settings.maxConnectionsPerCredential) {
          socket.close(LIVE_CLOSE.TOO_MANY, reason(`Too many open connections with this credential: at most ${settings.maxConnectionsPerCredential}.`));
          return false;
        }
        const connection: Connection = { socket, authorization: authorization!, credential, subjects, checkedAt: now(), operations: 0, closed: false };
        count(perCredential, credential, 1);
        for (const subject of subjects) bySubject.set(subject, (bySubject.get(subject) ?? new Set()).add(connection));
        socket.once('close', () => {
          connection.closed = true;
          count(perCredential, credential, -1);
          for (const subject of subjects) {
            const set = bySubject.get(subject);
            set?.delete(connection);
            if (set?.size === 0) bySubject.delete(subject);
          }
        });
        ctx.extra.state = { connection };
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        const connection = ctx.extra.state!.connection!;
        const limited = await subscribes.consume(connection.credential).then(
          () => null,
          (rejection: unknown) => (rejection instanceof RateLimiterRes ? rejection : null),
        );
        if (limited) {
          close(
            connection,
            LIVE_CLOSE.TOO_MANY,
            `Too many subscribe messages: at most ${settings.subscribesPerMinute} a minute. Retry in ${Math.ceil(limited.msBeforeNext / 1000)} s.`,
          );
          return refuse('BAD_REQUEST', 'Too many subscribe messages.');
        }
        const viewer = await recheck(connection);
        if (!viewer) return refuse('UNAUTHENTICATED', 'This token is not valid any more: sign in again.');
        if (connection.operations >= settings.maxSubscriptionsPerConnection) {
          return refuse('BAD_REQUEST', `At most ${settings.maxSubscriptionsPerConnection} live operations per connection.`);
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
        connection.operations += 1;
        return {
          schema: options.schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: options.createContext(viewer, randomUUID()),
        };
      },
      onComplete: (ctx) => {
        const connection = ctx.extra.state?.connection;
        if (connection) connection.operations = Math.max(0, connection.operations - 1);
      },
      onNext: async (ctx, _id, _payload, _args, result) => {
        // Authorised as of now: a credential checked too long ago is checked again first; a closed socket sends nothing.
        const connection = ctx.extra.state?.connection;
        if (connection && (connection.closed || now() - connection.checkedAt >= settings.credentialRecheckSeconds * 1_000)) await recheck(connection);
        return result.errors ? { ...result, errors: result.errors.map((error) => options.formatError(error)) } : undefined;
      },
      onError: (_ctx, _id, _payload, errors) => errors.map((error) => options.formatError(error)),
    },
    wss,
  );
  return {
    close: async () => {
      detachRevocations?.();
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** The endpoint's bounds from the environment (LIVE_* and TRUST_PROXY_HOPS). */
export function liveSocketSettingsFromConfig(
  config: Pick<
    Config,
    | 'LIVE_MAX_CONNECTIONS_PER_CREDENTIAL'
    | 'LIVE_MAX_CONNECTIONS_PER_ADDRESS'
    | 'LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION'
    | 'LIVE_CONNECTION_INIT_TIMEOUT_SECONDS'
    | 'LIVE_MAX_MESSAGE_BYTES'
    | 'LIVE_SUBSCRIBES_PER_MINUTE'
    | 'LIVE_CREDENTIAL_RECHECK_SECONDS'
    | 'TRUST_PROXY_HOPS'
  >,
): LiveSocketSettings {
  return {
    maxConnectionsPerCredential: config.LIVE_MAX_CONNECTIONS_PER_CREDENTIAL,
    maxConnectionsPerAddress: config.LIVE_MAX_CONNECTIONS_PER_ADDRESS,
    maxSubscriptionsPerConnection: config.LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION,
    connectionInitTimeoutSeconds: config.LIVE_CONNECTION_INIT_TIMEOUT_SECONDS,
    maxMessageBytes: config.LIVE_MAX_MESSAGE_BYTES,
    subscribesPerMinute: config.LIVE_SUBSCRIBES_PER_MINUTE,
    credentialRecheckSeconds: config.LIVE_CREDENTIAL_RECHECK_SECONDS,
    trustProxyHops: config.TRUST_PROXY_HOPS,
  };
}
