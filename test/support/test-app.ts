import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { GraphQLClient } from 'graphql-request';
import { DateTime } from 'luxon';
import pg from 'pg';
import { Writable } from 'node:stream';
import { inject } from 'vitest';
import { startHttpApp, type HttpApp, type HttpAppOptions } from '../../server/app/http';
import type { QueryLimits } from '../../server/app/limits/query-limits';
import { createLogger } from '../../server/app/logger';
import { ensureFirstAdmin, openOrm, prepareDatabase } from '../../server/app/runtime';
import { SupportCalendar } from '../../server/modules/support-hours/support-calendar';
import { Vault } from '../../server/modules/vault/vault';
import { startWebhooks } from '../../server/modules/webhook/webhook.runtime';
import { getSdk, PlanKind, type Sdk } from '../sdk/generated';

const TEMPLATE_DB = 'support_desk_template';

export interface TestAppOptions {
  /** Where the app's clock stands; move it with `app.setNow`. Default: a Tuesday 05:00 New York. */
  now?: DateTime;
  /** Receives every SQL statement the app runs. */
  onQuery?: (sql: string) => void;
  /** Another PostgreSQL server (its maintenance database URL) instead of the suite's embedded one. */
  adminUrl?: string;
  /** Passed to the HTTP app: as with NODE_ENV=production (no suggestions, no anonymous introspection). */
  production?: boolean;
  /** Passed to the HTTP app: query limits other than the defaults. */
  queryLimits?: QueryLimits;
  /** Passed to the HTTP app: where attachment bytes go (default PostgreSQL). */
  attachmentStorage?: HttpAppOptions['attachmentStorage'];
  /** A read replica of `adminUrl`'s server: the URL of the test's database there (DATABASE_REPLICA_URLS). */
  replicaOf?: (databaseUrl: string) => string;
}

export interface TestApp {
  url: string;
  databaseUrl: string;
  orm: MikroORM;
  /** The app's store-access vault (its master keys and shred delay). */
  vault: Vault;
  /** The app's services on an EntityManager and viewer of the test's choosing (a transaction held open, say). */
  services: HttpApp['services'];
  adminToken: string;
  admin: Sdk;
  logs: string[];
  sdk(token?: string | null): Sdk;
  /** A raw GraphQL call, for asserting on errors and HTTP statuses. */
  raw(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<{ status: number; body: RawBody }>;
  now(): DateTime;
  setNow(at: DateTime | string): void;
  /**
   * One more HTTP app over this app's database and clock, with other settings (rate limits,
   * metrics access, proxies); silent, stopped by `close()` if the test does not stop it first.
   */
  serveAlso(settings: Partial<HttpAppOptions>): Promise<HttpApp>;
  close(): Promise<void>;
}

export interface RawBody {
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; extensions?: { code?: string; [k: string]: unknown }; path?: string[] }>;
}

export const DEFAULT_NOW = DateTime.fromISO('2026-03-03T05:00:00', { zone: 'America/New_York' });

/**
 * The real app (HTTP, GraphQL, MikroORM) on a fresh database cloned from the migrated
 * template, on 127.0.0.1 and a free port. Each test file gets its own.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const adminUrl = options.adminUrl ?? inject('postgresAdminUrl');
  const name = `t_${randomUUID().replace(/-/g, '')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  // The suite's server has a migrated template to clone; another server is migrated here.
  await client.query(options.adminUrl ? `CREATE DATABASE ${name}` : `CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`);
  await client.end();
  const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
  if (options.adminUrl) {
    const migrating = await openOrm(databaseUrl);
    await prepareDatabase(migrating);
    await migrating.close();
  }

  let now = options.now ?? DEFAULT_NOW;
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const orm = await openOrm(databaseUrl, options.onQuery, options.replicaOf ? [options.replicaOf(databaseUrl)] : []);
  const logger = createLogger('info', sink);
  const vault = Vault.forTests({ clock: () => now, logger });
  const adminToken = (await ensureFirstAdmin(orm, 'admin@support.test'))!;
  const http: HttpApp = await startHttpApp({
    orm,
    logger,
    clock: () => now,
    calendar: new SupportCalendar(),
    vault,
    host: '127.0.0.1',
    port: 0,
    production: options.production,
    queryLimits: options.queryLimits,
    attachmentStorage: options.attachmentStorage,
    // Endpoints can be managed as in production; deliveries are webhooks.test.ts's (its own dispatcher).
    webhooks: startWebhooks({ orm, keyring: vault.keyring, clock: () => now, logger, production: Boolean(options.production), autoStart: false }),
  });
  const extras: HttpApp[] = [];
  const endpoint = `${http.url}/graphql`;
  const sdk = (token?: string | null) => getSdk(new GraphQLClient(endpoint, { headers: token ? { authorization: `Bearer ${token}` } : {} }));

  return {
    url: http.url,
    databaseUrl,
    orm,
    vault,
    services: http.services,
    adminToken,
    admin: sdk(adminToken),
    logs,
    sdk,
    async raw(query, variables = {}, token) {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: (await response.json()) as RawBody };
    },
    now: () => now,
    setNow(at) {
      now = typeof at === 'string' ? DateTime.fromISO(at, { setZone: true }) : at;
    },
    async serveAlso(settings) {
      const started = await startHttpApp({
        orm,
        logger: createLogger('silent'),
        clock: () => now,
        calendar: new SupportCalendar(),
        vault,
        host: '127.0.0.1',
        port: 0,
        ...settings,
      });
      // Stopped once, whether the test stops it itself or close() does.
      let stopping: Promise<void> | undefined;
      const extra: HttpApp = { ...started, stop: () => (stopping ??= started.stop()) };
      extras.push(extra);
      return extra;
    },
    async close() {
      for (const extra of extras) await extra.stop();
      await http.stop();
      await orm.close();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface Merchant {
  customerId: string;
  subscriptionId: string;
  token: string;
  sdk: Sdk;
}

let counter = 0;

/** A customer with a plan and an API key, made through the API as an admin would. */
export async function createMerchant(
  app: TestApp,
  options: { plan?: PlanKind; email?: string; storeUrl?: string; contractStart?: DateTime; months?: number } = {},
): Promise<Merchant> {
  counter += 1;
  const email = options.email ?? `merchant${counter}-${randomUUID().slice(0, 8)}@shop.test`;
  const created = await app.admin.CustomerCreate({
    input: {
      email,
      name: `Merchant ${counter}`,
      company: 'Test Shop Ltd',
      storeUrl: options.storeUrl ?? `https://shop${counter}-${randomUUID().slice(0, 6)}.example.com`,
    },
  });
  const customer = created.customerCreate.customer;
  if (!customer) throw new Error(`customerCreate failed: ${JSON.stringify(created.customerCreate.userErrors)}`);
  const plans = await app.admin.Plans();
  const plan = plans.plans.find((p) => p.kind === (options.plan ?? PlanKind.PremiumMonthly))!;
  const sub = await app.admin.SubscriptionCreate({
    input: {
      customerId: customer.id,
      planId: plan.id,
      contractStart: (options.contractStart ?? app.now().minus({ days: 1 })).toISO(),
      months: options.months ?? (plan.kind === PlanKind.PremiumMonthly ? 3 : undefined),
    },
  });
  const subscription = sub.subscriptionCreate.subscription;
  if (!subscription) throw new Error(`subscriptionCreate failed: ${JSON.stringify(sub.subscriptionCreate.userErrors)}`);
  const key = await app.admin.MerchantApiKeyCreate({ input: { customerId: customer.id, name: 'OpenCart admin' } });
  const token = key.merchantApiKeyCreate.token!;
  return { customerId: customer.id, subscriptionId: subscription.id, token, sdk: app.sdk(token) };
}

export async function createStaff(app: TestApp, role: 'AGENT' | 'ADMIN', team: 'SUPPORT' | 'DEVELOPMENT' = 'DEVELOPMENT') {
  counter += 1;
  const result = await app.admin.StaffMemberCreate({
    input: { email: `staff${counter}-${randomUUID().slice(0, 6)}@support.test`, name: `Staff ${counter}`, role: role as never, team: team as never },
  });
  const member = result.staffMemberCreate.staffMember!;
  return { id: member.id, token: result.staffMemberCreate.token!, sdk: app.sdk(result.staffMemberCreate.token!) };
}
