import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import express from 'express';
import type { GraphQLFormattedError } from 'graphql';
import { pinoHttp } from 'pino-http';
import type { DomainEvents } from '../modules/events/domain-events';
import { createDomainEvents } from '../modules/events/events.runtime';
import { SupportCalendar } from '../modules/support-hours/support-calendar';
import type { Vault } from '../modules/vault/vault';
import { exportRoute } from '../modules/export/export-route';
import { authenticate, signInLookup } from '../modules/viewer/authenticate';
import type { Viewer } from '../modules/viewer/viewer';
import { attachmentDownloadRoute } from '../modules/attachment/attachment-download';
import { attachmentStores, postgresAttachmentStorage, type AttachmentStorage } from '../modules/attachment/attachment-storage';
import { personalDataExportRoute } from '../modules/personal-data/personal-data-export';
import { MAX_AUTHENTICATED_BODY } from '../modules/attachment/attachment-limits';
import type { WebhookRuntime } from '../modules/webhook/webhook.runtime';
import type { LiveHub } from '../modules/live/live-hub';
import type { Clock } from '../common/clock';
import type { AppContext } from './context';
import { HttpDrain } from './drain';
import { serveLiveSocket } from './live-socket';
import { metricsPlugin, metricsRoute, recordRejectedByCost, type MetricsAccess } from './metrics';
import { createRateLimits, DEFAULT_RATE_LIMITS, type RateLimitSettings } from './rate-limit';
import { registerReactions } from './reactions';
import { createRequestContext } from './request-context';
import { createServices, type AppWiring, type Services } from './services';
import { serializeError, type Logger } from './logger';
import { PLAYGROUND_ASSET_PATH, PLAYGROUND_BOOT, playgroundAssets, playgroundHtml } from './playground';
import { dashboardRoutes } from './dashboard';
import { getSchema } from './schema';
import { compiledExecution, type CompiledExecution } from './executor';
import { flattenValidation, type ValidationFailure } from '../common/validation';
import { DEFAULT_QUERY_LIMITS, LIMIT_CODES, type QueryLimits } from './limits/query-limits';
import { queryLimitsPlugin, ValidatedDocumentStore } from './limits/query-limits.plugin';
import { isTokenLimitError, isUncodedClientError, variableErrorMessage } from '../common/client-errors';

export interface HttpAppOptions {
  orm: MikroORM;
  logger: Logger;
  clock: Clock;
  calendar: SupportCalendar;
  /** The store-access vault of this app (its keys, shred delay and login-check settings). */
  vault: Vault;
  /** The process's domain events (startEventRuntime); unset: a fresh one (nothing is delivered without a relay). */
  events?: DomainEvents;
  host: string;
  port: number;
  /** How long a stop waits for requests in flight before closing their connections. */
  shutdownGraceMs?: number;
  /** Cost, depth, alias, root-field and token limits per caller (DEFAULT_QUERY_LIMITS if unset). */
  queryLimits?: QueryLimits;
  /** NODE_ENV=production: no field suggestions in errors, no introspection for anonymous callers. */
  production?: boolean;
  /** Per-caller limits shared through the database; on by default. */
  rateLimits?: RateLimitSettings;
  /** Who may read GET /metrics besides staff: default, loopback clients only. */
  metrics?: MetricsAccess;
  /** Proxies in front whose X-Forwarded-For gives the client address (rate limits per address). */
  trustProxyHops?: number;
  /** Webhook endpoints' keys and address rules (mutations); unset = webhooks off. */
  webhooks?: WebhookRuntime;
  /** This process's live feed: GraphQL subscriptions over WebSocket on /graphql; unset = none. */
  live?: LiveHub;
  /** Where attachment bytes go (startAttachmentStore); unset: PostgreSQL. */
  attachmentStorage?: AttachmentStorage;
  /** Queries run compiled by graphql-jit (executor.ts); false: every operation on graphql-js. Default true. */
  compiledQueries?: boolean;
}

export interface HttpApp {
  server: http.Server;
  url: string;
  /** The services of this app on an EntityManager and viewer of the caller's choosing (scripts, tests). */
  services(em: EntityManager, viewer: Viewer): Services;
  /** How operations were executed (compiled or by graphql-js, and why). */
  execution: Pick<CompiledExecution, 'counts' | 'kept'>;
  /** Stops taking requests, waits for those in flight, then resolves. */
  stop(): Promise<void>;
}

/**
 * How long the token's owner the rate limiter read stays good for the request's sign-in; past it
 * (a slow upload) the sign-in reads it again, so a revocation meanwhile is not missed.
 */
const SIGN_IN_FRESH_MS = 1_000;

/** Codes a client can act on; anything else is our fault and is masked. */
const CLIENT_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * Client faults keep their message; everything else becomes "Internal server error" with
 * no stack, SQL or path leaking. Validation errors from type-graphql become BAD_USER_INPUT
 * with the offending properties. A refused query keeps its measured and allowed values.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  options: { production?: boolean; maxTokens?: number } = {},
): GraphQLFormattedError {
  const code = formatted.extensions?.code as string | undefined;
  const validation =
    formatted.extensions?.validationErrors ??
    (error as { originalError?: { extensions?: { validationErrors?: unknown } } })?.originalError?.extensions?.validationErrors;
  if (Array.isArray(validation)) {
    const messages = flattenValidation(validation as ValidationFailure[]);
    return {
      message: `Invalid input: ${messages.map((m) => m.message).join('; ')}`,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'BAD_USER_INPUT', validationErrors: messages },
    };
  }
  if (code === 'UNAUTHORIZED') return { ...formatted, extensions: { code: 'FORBIDDEN' } };
  if (code && (LIMIT_CODES as readonly string[]).includes(code)) {
    const { http: _http, ...extensions } = formatted.extensions ?? {};
    return { message: formatted.message, extensions };
  }
  if (code === 'GRAPHQL_PARSE_FAILED' && isTokenLimitError(formatted.message)) {
    return {
      message: `This document has more than ${options.maxTokens} tokens (names, punctuation, values), the most allowed: send a smaller query.`,
      extensions: { code: 'TOO_MANY_TOKENS', maximumTokens: options.maxTokens },
    };
  }
  if (code === 'BAD_USER_INPUT') {
    const message = variableErrorMessage(error, { suggestions: !options.production });
    if (message) return { message, locations: formatted.locations, path: formatted.path, extensions: { code } };
  }
  if (isUncodedClientError(error)) {
    return { message: formatted.message, locations: formatted.locations, extensions: { code: 'BAD_REQUEST' } };
  }
  if (code && CLIENT_CODES.has(code)) {
    // The path to the input field at fault, when a check named it (e.g. ['filter', 'customerId']).
    const field = Array.isArray(formatted.extensions?.field) ? { field: formatted.extensions.field } : {};
    // Why a sign-in was refused, when a client acts on it (ACCOUNT_BANNED: a new key will not help).
    const reason = formatted.extensions?.reason === 'ACCOUNT_BANNED' ? { reason: formatted.extensions.reason } : {};
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code, ...field, ...reason } };
  }
  return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/** Logs every unexpected error with the request id, so a masked 500 can be traced. */
function errorLogging(): ApolloServerPlugin<AppContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors }) {
          for (const error of errors) {
            const code = error.extensions?.code as string | undefined;
            if (code && (CLIENT_CODES.has(code) || code === 'UNAUTHORIZED' || (LIMIT_CODES as readonly string[]).includes(code))) continue;
            if (isUncodedClientError(error)) continue;
            contextValue?.log?.error({ err: error.originalError ?? error, path: error.path }, 'unexpected error in a GraphQL request');
          }
        },
      };
    },
  };
}

export async function startHttpApp(options: HttpAppOptions): Promise<HttpApp> {
  const { orm, logger, clock, calendar } = options;
  const events = options.events ?? createDomainEvents(clock);
  const attachmentStorage = attachmentStores(options.attachmentStorage ?? postgresAttachmentStorage);
  const wiring: AppWiring = { clock, calendar, vault: options.vault, events, webhooks: options.webhooks, attachmentStorage };
  // Cross-module reactions (a ban shreds stored access, …) run inside the change's transaction.
  registerReactions(wiring);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxyHops ?? 0);
  const limits = createRateLimits(orm, options.rateLimits ?? DEFAULT_RATE_LIMITS, logger, (req) => signInLookup(req.headers.authorization, clock()));
  const server = http.createServer(app);

  const schema = await getSchema();
  const queryLimits = options.queryLimits ?? DEFAULT_QUERY_LIMITS;
  const production = options.production ?? false;
  // Queries run compiled (graphql-jit) where the answer is graphql-js's to the letter (executor.ts).
  const execution = compiledExecution(schema);
  const apollo = new ApolloServer<AppContext>({
    ...(options.compiledQueries === false ? { schema } : { gateway: execution.gateway }),
    // Signed-in callers only in production: queryLimitsPlugin refuses anonymous introspection.
    introspection: true,
    // No "Did you mean …" in production: it reveals the schema field by field.
    hideSchemaDetailsFromClientErrors: production,
    parseOptions: { maxTokens: queryLimits.tokens },
    documentStore: new ValidatedDocumentStore(),
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGTERM/SIGINT: drain, then close the database, in that order.
    stopOnTerminationSignals: false,
    formatError: (formatted, error) => formatError(formatted, error, { production, maxTokens: queryLimits.tokens }),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // No @cacheControl hints anywhere: Apollo's default plugin would only add a hook to every field.
      ApolloServerPluginCacheControlDisabled(),
      queryLimitsPlugin({ schema, limits: queryLimits, anonymousIntrospection: !production, onRefused: recordRejectedByCost }),
      errorLogging(),
      metricsPlugin(),
    ],
  });
  const hub = options.live;
  const live = hub
    ? serveLiveSocket({
        server,
        path: '/graphql',
        schema,
        orm,
        clock,
        logger,
        queryLimits,
        live: hub,
        createContext: (viewer, requestId) => Object.assign(createRequestContext(wiring, { requestId, viewer, em: orm.em.fork(), log: logger }), { live: hub }),
        formatError: (error) => formatError(error.toJSON(), error, { production, maxTokens: queryLimits.tokens }),
      })
    : null;
  await apollo.start();
  const drain = new HttpDrain(server);

  app.use(drain.track);
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // Headers are left out entirely: they carry bearer tokens.
      serializers: {
        // The path only: a query string can carry a whole GraphQL request with its variables.
        req: (req) => ({ id: req.id, method: req.method, url: (req.url ?? '').split('?')[0] }),
        res: (res) => ({ statusCode: res.statusCode }),
        err: serializeError,
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' },
    }),
  );

  app.get(
    '/healthz',
    drain.wrap(async (_req, res) => {
      try {
        await orm.em.getConnection().execute('select 1');
        res.json({ status: 'ok', database: 'ok' });
      } catch {
        res.status(503).json({ status: 'unavailable', database: 'unreachable' });
      }
    }),
  );

  app.get(
    '/metrics',
    limits.authGate,
    drain.wrap(metricsRoute({ orm, clock, logger, access: options.metrics ?? { allowLocalhost: true }, onAuthFailure: limits.recordAuthFailure })),
  );

  // Attachment downloads, scoped like their tickets (the bearer token of GraphQL calls).
  app.get(
    '/attachments/:id',
    limits.guard,
    drain.wrap(attachmentDownloadRoute({ orm, clock, onAuthFailure: limits.recordAuthFailure, storage: attachmentStorage })),
  );
  app.get(
    '/personal-data/customers/:id',
    limits.guard,
    drain.wrap(personalDataExportRoute({ orm, clock, onAuthFailure: limits.recordAuthFailure, storage: attachmentStorage })),
  );

  // CSV exports for staff (the bearer token of GraphQL calls), streamed in keyset pages.
  const exports = { orm, schema, clock, onAuthFailure: limits.recordAuthFailure, logger };
  app.get('/export/tickets.csv', limits.guard, drain.wrap(exportRoute('tickets', exports)));
  app.get('/export/refunds.csv', limits.guard, drain.wrap(exportRoute('refunds', exports)));

  app.use(PLAYGROUND_ASSET_PATH, playgroundAssets());
  app.get(`${PLAYGROUND_ASSET_PATH}/playground.js`, (_req, res) => {
    res.type('application/javascript').send(PLAYGROUND_BOOT);
  });
  app.get('/', (_req, res) => res.redirect('/graphql'));
  app.get('/favicon.ico', (_req, res) => res.status(204).end());
  // The staff dashboard: a page built from dashboard/ that reads this server's /graphql only.
  app.use('/dashboard', dashboardRoutes(logger));
  app.get('/graphql', (req, res, next) => {
    if (!req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) || req.accepts('html') !== 'html' || req.query.query) {
      return next();
    }
    res
      .type('html')
      .setHeader(
        'Content-Security-Policy',
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'",
      )
      // A link to one ticket (`?ticket=OC-000123`: the dashboard, emails) opens with its query.
      .send(playgroundHtml('/graphql', { ticketNumber: typeof req.query.ticket === 'string' ? req.query.ticket : undefined }));
  });

  const anonymousJson = express.json({ limit: '1mb' });
  const authenticatedJson = express.json({ limit: MAX_AUTHENTICATED_BODY });
  app.use(
    '/graphql',
    limits.guard,
    // Attachments travel as base64 in mutations: only a caller with a token may send that much.
    (req, res, next) => (req.headers.authorization ? authenticatedJson : anonymousJson)(req, res, next),
    drain.wrap(
      expressMiddleware(apollo, {
        context: async ({ req, res }): Promise<AppContext> => {
          const em = orm.em.fork();
          const log = req.log as Logger;
          // The token's owner, read by the rate limiter's statement when it ran (one round trip for
          // both), unless reading the body took long: a key revoked meanwhile is refused now, not later.
          const readAt = res.locals.signInReadAt as number | undefined;
          const found = readAt !== undefined && performance.now() - readAt < SIGN_IN_FRESH_MS ? res.locals.signIn : undefined;
          const viewer = await authenticate(em, req.headers.authorization, clock(), found).catch(async (error: unknown) => {
            await limits.recordAuthFailure(req);
            throw error;
          });
          return createRequestContext(wiring, { requestId: String(req.id), viewer, em, log });
        },
      }),
    ),
  );

  app.use((err: unknown, req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = (err as { status?: number }).status ?? 500;
    if (status >= 500) (req.log ?? logger).error({ err }, 'unhandled HTTP error');
    res.status(status).json({ errors: [{ message: status >= 500 ? 'Internal server error' : (err as Error).message }] });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${host}:${address.port}`,
    services: (em, viewer) => createServices(wiring, em, viewer),
    execution,
    stop: async () => {
      // Live sockets first: they are told the server is going away (1001) instead of being cut.
      await live?.close();
      const graceful = await drain.stop(options.shutdownGraceMs ?? 10_000);
      if (!graceful) logger.warn('requests still running after the shutdown grace period were cut off');
      await apollo.stop();
    },
  };
}
