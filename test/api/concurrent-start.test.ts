import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openOrm } from '../../server/app/runtime';
import { STARTUP_LOCK_KEY, withStartupLock } from '../../server/app/startup-lock';
import { generateMasterKeyText } from '../../server/modules/vault/keyring';
import { spawnServer, type ServerProcess } from '../support/server-process';

/**
 * Several processes of the service started at the same moment on one database, as replicas of a
 * deploy are: each must start, and what is created once (schema, job queues, the first admin) is
 * created once.
 */
const adminUrl = inject('postgresAdminUrl');
const created: string[] = [];
const folders: string[] = [];

async function emptyDatabase(): Promise<string> {
  const name = `start_${randomUUID().replace(/-/g, '')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  created.push(name);
  return Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
}

async function query<T>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows as T[];
  } finally {
    await client.end();
  }
}

function serverEnv(databaseUrl: string, masterKey: string) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'support-desk-concurrent-'));
  folders.push(dataDir);
  return { DATABASE_URL: databaseUrl, DATA_DIR: dataDir, VAULT_MASTER_KEY: masterKey, RATE_LIMIT_ENABLED: 'false' };
}

let servers: ServerProcess[] = [];

beforeAll(() => {
  servers = [];
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  for (const name of created) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await client.end();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('servers started together on one database', () => {
  it('all start on an empty database, which gets one schema, one set of job queues and one first admin', async () => {
    const url = await emptyDatabase();
    const masterKey = generateMasterKeyText();
    const envs = [serverEnv(url, masterKey), serverEnv(url, masterKey), serverEnv(url, masterKey)];
    const started = await Promise.allSettled(envs.map((env) => spawnServer(env, 150_000)));
    servers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    expect(started.map((result) => (result.status === 'rejected' ? String(result.reason) : 'started'))).toEqual(['started', 'started', 'started']);

    const admins = await query<{ email: string }>(url, 'select email from staff_member');
    expect(admins).toEqual([{ email: 'admin@support.localhost' }]);
    // The token is handed over by the one process that created the admin, and it signs in everywhere.
    const tokenFiles = envs.map((env) => path.join(env.DATA_DIR, 'first-admin-token')).filter((file) => existsSync(file));
    expect(tokenFiles).toHaveLength(1);
    const token = readFileSync(tokenFiles[0]!, 'utf8').trim();
    for (const server of servers) {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ viewer { kind } }' }),
      });
      expect(((await response.json()) as { data?: unknown }).data).toEqual({ viewer: { kind: 'ADMIN' } });
    }
    const plans = await query<{ kind: string; n: number }>(url, 'select kind, count(*)::int as n from plan group by kind order by kind');
    expect(plans.length).toBeGreaterThan(0);
    expect(plans.every((plan) => plan.n === 1)).toBe(true);
    const queues = await query<{ name: string; n: number }>(url, 'select name, count(*)::int as n from pgboss.queue group by name');
    expect(queues.length).toBeGreaterThan(0);
    expect(queues.every((queue) => queue.n === 1)).toBe(true);
  }, 200_000);

  it('waits while another process holds the start-up lock, and says so when it is held too long', async () => {
    const url = await emptyDatabase();
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query('select pg_advisory_lock($1)', [STARTUP_LOCK_KEY]);
    const orm = await openOrm(url);
    try {
      let ran = false;
      await expect(
        withStartupLock(
          orm,
          async () => {
            ran = true;
          },
          500,
        ),
      ).rejects.toThrow(/another process has been starting on this database for 1 s and still holds the start-up lock/);
      expect(ran).toBe(false);

      const order: string[] = [];
      const waiting = withStartupLock(orm, async () => {
        order.push('prepared');
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      order.push('released');
      await holder.query('select pg_advisory_unlock($1)', [STARTUP_LOCK_KEY]);
      await waiting;
      expect(order).toEqual(['released', 'prepared']);
      // Released afterwards: the next start takes it at once.
      await withStartupLock(orm, async () => {}, 500);
    } finally {
      await holder.end();
      await orm.close();
    }
  }, 60_000);
});
