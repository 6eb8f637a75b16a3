// The embedded PostgreSQL's life cycle around `npm start` processes: who starts it, who shares
// it, and that it never outlives its last user. A file of its own: it runs servers one after
// another for a while, and the suite's workers take files in parallel.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFreePort } from '../../server/common/ports';
import { spawnServer } from '../support/server-process';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

describe('the embedded PostgreSQL around npm start', () => {
  it('the embedded PostgreSQL never outlives its last user: a failed start, a killed server, Ctrl+C, two commands on one cluster', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'support-desk-fail-'));
    const pgPort = await findFreePort();
    const env = { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) };
    const postmaster = path.join(dataDir, 'postgres', 'postmaster.pid');
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const taken = (blocker.address() as net.AddressInfo).port;
      const failed = await runServerToExit({ ...env, PORT: String(taken) });
      expect(failed.code).toBe(1);
      expect(failed.output).toContain(`127.0.0.1:${taken} is already in use by another program: stop it, or set PORT`);
      expect(existsSync(postmaster)).toBe(false);
      expect(await accepts(pgPort)).toBe(false);

      const killed = await spawnServer(env, 90_000);
      await killed.stop('SIGKILL');
      expect(await accepts(pgPort)).toBe(true);
      const next = await spawnServer(env, 90_000);
      expect(next.output()).toContain('taking over the embedded PostgreSQL left running by a process that is gone');
      expect(await next.stop('SIGTERM'), next.output()).toBe(0);
      expect(existsSync(postmaster)).toBe(false);
      expect(await accepts(pgPort)).toBe(false);

      // Ctrl+C in a terminal signals the whole foreground group: the database must outlive the
      // drain, so a request on its way still gets its answer from it.
      const interactive = await spawnServer(env, 90_000, { ownProcessGroup: true });
      const token = await adminTokenFor(env);
      const { hostname, port } = new URL(interactive.url);
      const body = JSON.stringify({ query: '{ viewer { kind } }' });
      const socket = await new Promise<net.Socket>((resolve, reject) =>
        net
          .connect(Number(port), hostname)
          .once('connect', function (this: net.Socket) {
            resolve(this);
          })
          .once('error', reject),
      );
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk));
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      socket.write(`POST /graphql HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nAuthorization: Bearer ${token}\r\n`);
      process.kill(-interactive.child.pid!, 'SIGINT');
      await new Promise((resolve) => setTimeout(resolve, 100));
      socket.write(`Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      await closed;
      expect(answer).toMatch(/^HTTP\/1\.1 200/);
      expect(answer).toContain('"kind":"ADMIN"');
      expect(await interactive.stop('SIGINT')).toBe(0);
      expect(existsSync(postmaster)).toBe(false);
      expect(existsSync(path.join(dataDir, 'postgres.owner'))).toBe(false);

      // Two commands on one cluster: the one that started it leaves first, the other keeps its
      // database, and the last one out stops it.
      const starter = await spawnServer(env, 90_000);
      const sharer = await spawnServer(env, 90_000);
      expect(await starter.stop('SIGTERM')).toBe(0);
      expect(await (await fetch(`${sharer.url}/healthz`)).json()).toEqual({ status: 'ok', database: 'ok' });
      expect(await sharer.stop('SIGTERM')).toBe(0);
      expect(existsSync(postmaster)).toBe(false);
      expect(await accepts(pgPort)).toBe(false);
    } finally {
      blocker.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});

/** `npm start` that is expected to stop by itself: its exit code and everything it printed. */
function runServerToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A fresh admin token from `npm run admin:token` (the first one was printed once, to the first start). */
async function adminTokenFor(env: Record<string, string>): Promise<string> {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/admin-token.ts'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
    timeout: 60_000,
  });
  const token = /\b(ocs_[A-Za-z0-9_-]{20,})\b/.exec(result.stdout)?.[1];
  if (!token) throw new Error(`admin:token printed no token:\n${result.stdout}${result.stderr}`);
  return token;
}
