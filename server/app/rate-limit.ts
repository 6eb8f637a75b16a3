import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from './config';
import type { Logger } from './logger';
import { recordRateLimited } from './metrics';

export interface RateLimitSettings {
  enabled: boolean;
  /** Length of a request window, in seconds. */
  windowSeconds: number;
  /** Requests per window for each token (staff token or merchant key). */
  requestsPerToken: number;
  /** Requests per window for each client address calling without a token. */
  anonymousRequests: number;
  /** Failed authentications per client address before its requests with a token are refused. */
  authFailures: number;
  authFailureWindowSeconds: number;
}

/** High enough that the OpenCart module and the test suite never meet them (the load benchmark raises them). */
export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  enabled: true,
  windowSeconds: 60,
  requestsPerToken: 3_000,
  anonymousRequests: 600,
  authFailures: 50,
  authFailureWindowSeconds: 900,
};

export type RateLimitName = 'token' | 'anonymous' | 'auth_failures';

export interface RateLimits {
  /** Express middleware for the API: refuses with 429 and says when to retry. */
  guard: RequestHandler;
  /** Refuses requests carrying a token from an address that failed authentication too often. */
  authGate: RequestHandler;
  /** Counts a failed authentication against the request's client address. */
  recordAuthFailure(req: Request): Promise<void>;
}

const TABLE = 'rate_limit';

/**
 * Limits per caller kept in PostgreSQL (the `rate_limit` table), so every server process on one
 * database shares them. A caller with a token is counted by the token's hash (never the token),
 * one without by client address. If the database is briefly unreachable, each process falls back
 * to counting in memory rather than refusing everyone or letting everyone through.
 */
export function createRateLimits(
  orm: MikroORM,
  settings: RateLimitSettings,
  logger: Logger,
  /**
   * A statement returning at most one row that the request's count also runs (the sign-in's
   * token lookup): its row, as JSON, or null, goes to `res.locals.signIn` (and the moment it was
   * read, `res.locals.signInReadAt`, from `performance.now()`), one round trip instead of two.
   */
  alsoRead?: (req: Request) => { sql: string; params: (Date | string)[] } | null,
): RateLimits {
  if (!settings.enabled) {
    const pass: RequestHandler = (_req, _res, next) => next();
    return { guard: pass, authGate: pass, recordAuthFailure: async () => {} };
  }
  const knex = orm.em.getKnex();
  const limiter = (keyPrefix: string, points: number, duration: number, clearsExpired: boolean) =>
    new RateLimiterPostgres({
      storeClient: knex,
      storeType: 'knex',
      tableName: TABLE,
      tableCreated: true, // by the migration
      keyPrefix,
      points,
      duration,
      // One limiter is enough to delete windows that ended over an hour ago (every 5 minutes).
      clearExpiredByTimeout: clearsExpired,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
    });
  const perToken = limiter('token', settings.requestsPerToken, settings.windowSeconds, true);
  const anonymous = limiter('anonymous', settings.anonymousRequests, settings.windowSeconds, false);
  const authFailures = limiter('auth_failures', settings.authFailures, settings.authFailureWindowSeconds, false);

  const refuse = (res: Response, name: RateLimitName, limit: number, state: RateLimiterRes) => {
    recordRateLimited(name);
    const retryAfter = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
    res.setHeader('Retry-After', String(retryAfter));
    setLimitHeaders(res, limit, 0, state.msBeforeNext);
    res.status(429).json({
      errors: [
        {
          message:
            name === 'auth_failures'
              ? `Too many failed authentications from this address: retry in ${retryAfter} s.`
              : `Too many requests: at most ${limit} every ${settings.windowSeconds} s. Retry in ${retryAfter} s.`,
          extensions: { code: 'RATE_LIMITED', limit: name, retryAfterSeconds: retryAfter },
        },
      ],
    });
  };

  /** The address's failed authentications, when the request carries a token (null: none, or unknown). */
  const failuresOf = (req: Request): Promise<RateLimiterRes | null> =>
    req.headers.authorization ? authFailures.get(clientAddress(req)).catch(() => null) : Promise.resolve(null);
  const tooManyFailures = (failures: RateLimiterRes | null): failures is RateLimiterRes =>
    failures !== null && failures.consumedPoints >= settings.authFailures;

  const authGate: RequestHandler = async (req, res, next) => {
    const failures = await failuresOf(req);
    if (tooManyFailures(failures)) return refuse(res, 'auth_failures', settings.authFailures, failures);
    next();
  };

  /**
   * A request with a token in one statement: the address's failed authentications are read and,
   * unless they block it, the token's request is counted (the same row, rule and key as
   * rate-limiter-flexible's upsert). Null when the database does not answer.
   */
  const countWithToken = async (
    req: Request,
    res: Response,
    tokenKey: string,
  ): Promise<{ blockedBy: RateLimiterRes | null; counted: RateLimiterRes | null } | null> => {
    const now = Date.now();
    const also = alsoRead?.(req) ?? null;
    try {
      const result = (await knex.raw(
        `with failures as (
           select points, expire from ${TABLE} where key = ? and (expire > ? or expire is null)
         ), counted as (
           insert into ${TABLE} (key, points, expire)
           select ?, 1, ? where not exists (select 1 from failures where points >= ?)
           on conflict (key) do update set
             points = case when ${TABLE}.expire <= ? then 1 else ${TABLE}.points + 1 end,
             expire = case when ${TABLE}.expire <= ? then excluded.expire else ${TABLE}.expire end
           returning points, expire
         )
         select (select points from failures) as failure_points, (select expire from failures) as failure_expire,
                (select points from counted) as points, (select expire from counted) as expire${also ? ', (select row_to_json(also) from (' + also.sql + ') also) as also' : ''}`,
        [
          authFailures.getKey(clientAddress(req)),
          now,
          perToken.getKey(tokenKey),
          now + settings.windowSeconds * 1000,
          settings.authFailures,
          now,
          now,
          ...(also?.params ?? []),
        ],
      )) as {
        rows: Array<{ failure_points: number | null; failure_expire: string | null; points: number | null; expire: string | null; also?: unknown }>;
      };
      const row = result.rows[0]!;
      if (also) {
        res.locals.signIn = row.also ?? null;
        res.locals.signInReadAt = performance.now();
      }
      const state = (points: number, expire: string | null, limit: number) =>
        new RateLimiterRes(Math.max(limit - points, 0), expire === null ? -1 : Math.max(Number(expire) - now, 0), points, points === 1);
      if (row.points === null) return { blockedBy: state(row.failure_points ?? 0, row.failure_expire, settings.authFailures), counted: null };
      return { blockedBy: null, counted: state(row.points, row.expire, settings.requestsPerToken) };
    } catch (error) {
      // Only the code: the driver's message carries the statement with its values (the token's hashes).
      logger.warn({ code: (error as { code?: string }).code ?? 'unknown' }, 'rate limit store unavailable; counting in memory');
      return null;
    }
  };

  const guard: RequestHandler = async (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization;
    const [name, store, key, limit]: [RateLimitName, RateLimiterPostgres, string, number] = header
      ? ['token', perToken, createHash('sha256').update(header.trim()).digest('hex'), settings.requestsPerToken]
      : ['anonymous', anonymous, clientAddress(req), settings.anonymousRequests];
    if (header) {
      const one = await countWithToken(req, res, key);
      if (one?.blockedBy) return refuse(res, 'auth_failures', settings.authFailures, one.blockedBy);
      if (one?.counted) {
        if (one.counted.consumedPoints > limit) return refuse(res, name, limit, one.counted);
        setLimitHeaders(res, limit, one.counted.remainingPoints, one.counted.msBeforeNext);
        return next();
      }
    }
    // Without a token, or when the one statement failed: the library's store and its in-memory fallback.
    // First the address's failures, then the count: a blocked address adds no row per guessed token.
    const failures = await failuresOf(req);
    if (tooManyFailures(failures)) return refuse(res, 'auth_failures', settings.authFailures, failures);
    const counted = await store.consume(key).then(
      (state) => ({ state, refused: false as const }),
      (rejection: unknown) => (rejection instanceof RateLimiterRes ? { state: rejection, refused: true as const } : { error: rejection }),
    );
    if ('error' in counted) {
      // Neither the store nor the in-memory fallback answered: serving beats refusing everyone.
      logger.warn({ err: counted.error }, 'rate limit store unavailable; request let through');
      return next();
    }
    if (counted.refused) return refuse(res, name, limit, counted.state);
    setLimitHeaders(res, limit, counted.state.remainingPoints, counted.state.msBeforeNext);
    next();
  };

  return {
    guard,
    authGate,
    recordAuthFailure: async (req) => {
      await authFailures.penalty(clientAddress(req)).catch((error: unknown) => logger.warn({ err: error }, 'could not record a failed authentication'));
    },
  };
}

/** The client's address as Express sees it (TRUST_PROXY_HOPS decides whether proxies' headers count). */
function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/** The IETF draft's RateLimit-* headers: the limit, what is left, and seconds until the window ends. */
function setLimitHeaders(res: Response, limit: number, remaining: number, msBeforeNext: number): void {
  res.setHeader('RateLimit-Limit', String(limit));
  res.setHeader('RateLimit-Remaining', String(Math.max(0, remaining)));
  res.setHeader('RateLimit-Reset', String(Math.max(0, Math.ceil(msBeforeNext / 1000))));
}

export function rateLimitsFromConfig(
  config: Pick<
    Config,
    | 'RATE_LIMIT_ENABLED'
    | 'RATE_LIMIT_WINDOW_SECONDS'
    | 'RATE_LIMIT_REQUESTS'
    | 'RATE_LIMIT_ANONYMOUS_REQUESTS'
    | 'RATE_LIMIT_AUTH_FAILURES'
    | 'RATE_LIMIT_AUTH_FAILURE_WINDOW_SECONDS'
  >,
): RateLimitSettings {
  return {
    enabled: config.RATE_LIMIT_ENABLED === 'true',
    windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
    requestsPerToken: config.RATE_LIMIT_REQUESTS,
    anonymousRequests: config.RATE_LIMIT_ANONYMOUS_REQUESTS,
    authFailures: config.RATE_LIMIT_AUTH_FAILURES,
    authFailureWindowSeconds: config.RATE_LIMIT_AUTH_FAILURE_WINDOW_SECONDS,
  };
}
