import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Request, RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { STAFF_TOKEN_PREFIX } from '../common/tokens';
import { authenticate } from '../modules/viewer/authenticate';
import { isStaff } from '../modules/viewer/viewer';
import type { Clock } from '../common/clock';
import type { Logger } from './logger';

const PREFIX = 'support_desk_';

/** Process-wide: counters keep counting whichever app (or test) in this process records them. */
const processRegistry = new Registry();
collectDefaultMetrics({ register: processRegistry, prefix: PREFIX });

const requestDuration = new Histogram({
  name: `${PREFIX}graphql_request_duration_seconds`,
  help: 'GraphQL requests by operation name and type, from receipt to response.',
  labelNames: ['operation', 'type'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [processRegistry],
});

const graphqlErrors = new Counter({
  name: `${PREFIX}graphql_errors_total`,
  help: 'Errors in GraphQL responses, by code (before masking: an unexpected fault counts as INTERNAL_SERVER_ERROR).',
  labelNames: ['code'] as const,
  registers: [processRegistry],
});

const rejectedByCost = new Counter({
  name: `${PREFIX}graphql_rejected_by_cost_total`,
  help: 'Operations refused before execution by the query cost limits, by error code.',
  labelNames: ['code'] as const,
  registers: [processRegistry],
});

const rateLimited = new Counter({
  name: `${PREFIX}rate_limited_total`,
  help: 'Requests refused with HTTP 429, by limit: token, anonymous or auth_failures.',
  labelNames: ['limit'] as const,
  registers: [processRegistry],
});

/** Counts an operation refused by the cost limits; `code` is one of the limits' fixed error codes. */
export function recordRejectedByCost(code: string): void {
  rejectedByCost.inc({ code: errorCodeLabel(code) });
}

export function recordRateLimited(limit: 'token' | 'anonymous' | 'auth_failures'): void {
  rateLimited.inc({ limit });
}

/** Operation names come from clients: a bounded set of well-formed ones, the rest as "other". */
const MAX_OPERATION_LABELS = 300;
const seenOperations = new Set<string>();

export function operationLabel(name: string | null | undefined): string {
  if (!name) return '(anonymous)';
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) return 'other';
  if (seenOperations.has(name)) return name;
  if (seenOperations.size >= MAX_OPERATION_LABELS) return 'other';
  seenOperations.add(name);
  return name;
}

function errorCodeLabel(code: unknown): string {
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,47}$/.test(code) ? code : 'INTERNAL_SERVER_ERROR';
}

/** Apollo plugin: request durations by operation, errors by code. */
export function metricsPlugin<Context extends object>(): ApolloServerPlugin<Context> {
  return {
    async contextCreationDidFail({ error }) {
      graphqlErrors.inc({ code: errorCodeLabel((error as { extensions?: { code?: unknown } }).extensions?.code) });
    },
    async requestDidStart() {
      const started = process.hrtime.bigint();
      let operation = '(unparsed)';
      let type = 'unknown';
      return {
        async didResolveOperation({ operationName, operation: resolved }) {
          operation = operationLabel(operationName);
          type = resolved?.operation ?? 'unknown';
        },
        async didEncounterErrors({ errors }) {
          for (const error of errors) graphqlErrors.inc({ code: errorCodeLabel(error.extensions?.code) });
        },
        async willSendResponse() {
          requestDuration.observe({ operation, type }, Number(process.hrtime.bigint() - started) / 1e9);
        },
      };
    },
  };
}

export interface MetricsAccess {
  /** A secret a scraper sends as `Authorization: Bearer <token>` (METRICS_TOKEN). */
  token?: string;
  /** Loopback clients without proxy headers may read without a token (METRICS_LOCALHOST). */
  allowLocalhost: boolean;
}

/**
 * GET /metrics in Prometheus's text format: the process's counters, plus gauges read from the
 * database at scrape time (pool, job queue, tickets past their SLA target). Readable with
 * METRICS_TOKEN, a staff token, or from this machine.
 */
export function metricsRoute(options: {
  orm: MikroORM;
  clock: Clock;
  logger: Logger;
  access: MetricsAccess;
  onAuthFailure: (req: Request) => Promise<void>;
}): RequestHandler {
  const { orm, clock, access } = options;
  const appRegistry = new Registry();
  const knexPool = () => (orm.em.getKnex().client as { pool?: TarnPool }).pool;
  new Gauge({
    name: `${PREFIX}db_pool_connections`,
    help: 'Connections of the database pool: used, free, and requests waiting for one.',
    labelNames: ['state'] as const,
    registers: [appRegistry],
    collect() {
      const pool = knexPool();
      this.set({ state: 'used' }, pool?.numUsed() ?? 0);
      this.set({ state: 'free' }, pool?.numFree() ?? 0);
      this.set({ state: 'pending' }, pool?.numPendingAcquires() ?? 0);
    },
  });
  new Gauge({
    name: `${PREFIX}db_pool_max_connections`,
    help: 'Size limit of the database pool.',
    registers: [appRegistry],
    collect() {
      this.set(knexPool()?.max ?? 0);
    },
  });
  new Gauge({
    name: `${PREFIX}job_queue_depth`,
    help: 'pg-boss jobs waiting (created or to retry) by queue, due now or later.',
    labelNames: ['queue'] as const,
    registers: [appRegistry],
    async collect() {
      this.reset();
      const rows = await orm.em
        .getConnection()
        .execute<Array<{ name: string; depth: number }>>(
          `select q.name, count(j.id)::int as depth from pgboss.queue q left join pgboss.job j on j.name = q.name and j.state in ('created', 'retry') group by q.name`,
        )
        .catch(() => []); // no queue schema yet (the job runner has not started on this database)
      for (const row of rows) this.set({ queue: row.name }, row.depth);
    },
  });
  new Gauge({
    name: `${PREFIX}tickets_past_sla_target`,
    help: 'Tickets whose next SLA target (first reply or resolution) has passed: what tickets(filter: { overdue: true }) lists.',
    registers: [appRegistry],
    async collect() {
      const [row] = await orm.em
        .getConnection()
        .execute<Array<{ n: number }>>('select count(*)::int as n from ticket where urgency_at <= ?', [clock().toJSDate()]);
      this.set(row?.n ?? 0);
    },
  });

  const expectedToken = access.token ? sha256(access.token) : null;
  const allowed = async (req: Request): Promise<'yes' | 'no' | 'unauthenticated'> => {
    const header = req.headers.authorization;
    if (!header) return access.allowLocalhost && fromThisMachine(req) ? 'yes' : 'unauthenticated';
    const token = /^Bearer\s+(\S+)$/i.exec(header.trim())?.[1];
    if (!token) return 'unauthenticated';
    if (expectedToken && timingSafeEqual(sha256(token), expectedToken)) return 'yes';
    if (!token.startsWith(STAFF_TOKEN_PREFIX)) return 'unauthenticated';
    try {
      return isStaff(await authenticate(orm.em.fork(), header, clock())) ? 'yes' : 'no';
    } catch {
      return 'unauthenticated';
    }
  };

  return async (req, res) => {
    const verdict = await allowed(req);
    if (verdict !== 'yes') {
      if (verdict === 'unauthenticated' && req.headers.authorization) await options.onAuthFailure(req);
      res
        .status(verdict === 'no' ? 403 : 401)
        .json({ errors: [{ message: 'Metrics need METRICS_TOKEN or a staff token (or a request from this machine, if allowed).' }] });
      return;
    }
    const registry = Registry.merge([processRegistry, appRegistry]);
    res.type(registry.contentType).send(await registry.metrics());
  };
}

interface TarnPool {
  max: number;
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** A loopback peer that is not a proxy relaying someone else (no forwarding headers). */
function fromThisMachine(req: Request): boolean {
  const peer = req.socket.remoteAddress ?? '';
  const loopback = peer === '::1' || peer.startsWith('127.') || peer.startsWith('::ffff:127.');
  return loopback && !req.headers['x-forwarded-for'] && !req.headers.forwarded && !req.headers['x-real-ip'];
}
