import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { RESTART_DELAYS_MS } from '../../server/app/database';
import { findFreePort } from '../../server/common/ports';
import { spawnServer } from '../support/server-process';

function postmasterPid(dataDir: string): number {
  return Number(readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

async function health(url: string): Promise<number> {
  try {
    return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) })).status;
  } catch {
    return 0;
  }
}

/** The supervisor's whole budget (RESTART_DELAYS_MS, about 32 s of pauses) plus the starts themselves. */
const RECOVERY_WAIT_MS = RESTART_DELAYS_MS.reduce((sum, delay) => sum + delay, 0) + 20_000;

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await sleep(100)) if (await check()) return true;
  return false;
}

describe('the embedded PostgreSQL dies under a running server', () => {
  it('is started again, /healthz recovers and requests are answered again, without restarting the API', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'support-desk-recovery-'));
    try {
      const server = await spawnServer({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await findFreePort()) }, 90_000);
      const token = readFileSync(path.join(dataDir, 'first-admin-token'), 'utf8').trim();
      const viewer = () =>
        fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: '{ viewer { kind } }' }),
        }).then(async (r) => ({ status: r.status, body: await r.text() }));
      expect(await health(server.url)).toBe(200);
      const apiPid = server.child.pid;

      for (const round of [1, 2]) {
        const before = postmasterPid(dataDir);
        process.kill(before, 'SIGKILL');
        // Requests meanwhile fail cleanly (503 from /healthz, a masked error from the API), then work again.
        const back = await waitFor(async () => (await health(server.url)) === 200 && postmasterPid(dataDir) !== before, RECOVERY_WAIT_MS);
        expect(back, `round ${round}:\n${server.output()}`).toBe(true);
        expect(await viewer()).toEqual({ status: 200, body: JSON.stringify({ data: { viewer: { kind: 'ADMIN' } } }) + '\n' });
        expect(server.child.exitCode).toBeNull();
        expect(server.child.pid).toBe(apiPid);
      }
      // The metrics read the restarted database too: the job queue (pg-boss) and the pool.
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(/^support_desk_job_queue_depth\{queue="vault-shred-due"\} 0$/m);
      expect(metrics).toMatch(/^support_desk_db_pool_connections\{state="free"\} \d+$/m);
      const logs = server.output();
      expect(logs.match(/the embedded PostgreSQL stopped unexpectedly; starting it again/g)).toHaveLength(2);
      expect(logs.match(/the embedded PostgreSQL is running again/g)).toHaveLength(2);
      expect(logs).toContain('"signal":"SIGKILL"');

      // It still stops cleanly, and takes the restarted PostgreSQL with it.
      const last = postmasterPid(dataDir);
      const code = await server.stop('SIGTERM');
      expect(code, server.output()).toBe(0);
      expect(() => process.kill(last, 0)).toThrow();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);

  it('is watched too when taken over from a server that was killed', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'support-desk-recovery-'));
    try {
      const env = { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await findFreePort()) };
      const killed = await spawnServer(env, 90_000);
      await killed.stop('SIGKILL');
      const adopted = postmasterPid(dataDir);
      const next = await spawnServer(env, 90_000);
      expect(next.output()).toContain('taking over the embedded PostgreSQL left running by a process that is gone');
      process.kill(adopted, 'SIGKILL');
      const back = await waitFor(async () => (await health(next.url)) === 200 && postmasterPid(dataDir) !== adopted, RECOVERY_WAIT_MS);
      expect(back, next.output()).toBe(true);
      expect(next.output()).toContain('the embedded PostgreSQL is running again');
      const restarted = postmasterPid(dataDir);
      expect(await next.stop('SIGTERM')).toBe(0);
      expect(() => process.kill(restarted, 0)).toThrow();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);

  it('exits with code 69 when PostgreSQL cannot be started again, for a supervisor to restart the service', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'support-desk-recovery-'));
    try {
      const server = await spawnServer({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await findFreePort()) }, 90_000);
      const cluster = path.join(dataDir, 'postgres');
      process.kill(postmasterPid(dataDir), 'SIGKILL');
      // Its data folder becomes unreadable at once, so every attempt to start it again fails.
      chmodSync(cluster, 0o000);
      const code = await new Promise<number | null>((resolve) => server.child.once('exit', (c) => resolve(c)));
      expect(code, server.output()).toBe(69);
      expect(server.output()).toContain('the embedded PostgreSQL could not be started again');
      expect(server.output()).toMatch(/OpenCart Support Desk stops: the embedded PostgreSQL could not be started again after 8 attempts/);
    } finally {
      chmodSync(path.join(dataDir, 'postgres'), 0o700);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
