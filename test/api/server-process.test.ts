import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFreePort } from '../../server/common/ports';
import { spawnServer } from '../support/server-process';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

describe('npm start, as a process', () => {
  it('refuses bad configuration with one clear line per bad variable', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        PORT: 'eighty',
        HOST: 'not a host',
        EMBEDDED_PG_PORT: '0',
        SUPPORT_TIMEZONE: 'Mars/Olympus',
        SUPPORT_OPENS_AT: '3am',
        DATABASE_URL: 'mysql://x',
      },
      timeout: 60_000,
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toMatch(/PORT="eighty": must be a number/);
    expect(result.stderr).toMatch(/SUPPORT_OPENS_AT="3am": must be a time of day as HH:mm/);
    expect(result.stderr).toMatch(/HOST="not a host": must be an IP address or a host name/);
    expect(result.stderr).toMatch(/EMBEDDED_PG_PORT="0": must be between 1 and 65535/);
    expect(result.stderr).toMatch(/DATABASE_URL=\(value hidden\): must be a postgres/);
    expect(result.stderr).not.toContain('mysql://x');
  });

  it('starts on a fresh embedded PostgreSQL, hands the admin token over once outside the logs, and stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'support-desk-start-'));
    try {
      const env = { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await findFreePort()) };
      const first = await spawnServer({ ...env, LOG_LEVEL: 'info' }, 90_000);
      // Not a terminal (as under systemd or a container): the token goes to an owner-only file
      // that the log names, and never into stdout/stderr, which log collectors keep.
      const tokenFile = path.join(dataDir, 'first-admin-token');
      expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
      const token = readFileSync(tokenFile, 'utf8').trim();
      expect(token).toMatch(/^ocs_[A-Za-z0-9_-]{20,}$/);
      expect(first.output()).not.toContain(token);
      expect(first.output()).not.toMatch(/ocs_/);
      const logLine = await (async () => {
        for (let waited = 0; waited < 5_000; waited += 50) {
          const line = first
            .output()
            .split('\n')
            .find((l) => l.includes('first start: the admin token was written'));
          if (line) return line;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        return undefined;
      })();
      expect(logLine).toBeDefined();
      expect(JSON.parse(logLine!)).toMatchObject({ level: 40, file: tokenFile });
      const health = await fetch(`${first.url}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok', database: 'ok' });
      const viewer = await fetch(`${first.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ viewer { kind } }' }),
      });
      expect(await viewer.json()).toEqual({ data: { viewer: { kind: 'ADMIN' } } });
      expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(true);

      // A request still arriving when SIGTERM comes is finished, not cut off; so are requests
      // sent just after it on connections that were already open.
      const body = JSON.stringify({ query: '{ viewer { kind } }' });
      const { hostname, port } = new URL(first.url);
      const sockets = await Promise.all(
        Array.from(
          { length: 20 },
          () =>
            new Promise<net.Socket>((resolve, reject) =>
              net
                .connect(Number(port), hostname)
                .once('connect', function (this: net.Socket) {
                  resolve(this);
                })
                .once('error', reject),
            ),
        ),
      );
      const raw = `POST /graphql HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n${body}`;
      const lateAnswers = sockets.map(
        (socket) =>
          new Promise<string>((resolve) => {
            let text = '';
            socket.on('data', (chunk) => (text += chunk));
            socket.on('close', () => resolve(text));
            socket.on('error', () => resolve(text));
          }),
      );
      // One connection kept alive after a first answer, as a proxy's pool keeps it, is reused just after SIGTERM.
      const reused = await new Promise<net.Socket>((resolve, reject) =>
        net
          .connect(Number(port), hostname)
          .once('connect', function (this: net.Socket) {
            resolve(this);
          })
          .once('error', reject),
      );
      let reusedText = '';
      const firstAnswer = new Promise<void>((resolve) =>
        reused.on('data', (chunk) => ((reusedText += chunk), reusedText.includes('"kind":"ADMIN"') && resolve())),
      );
      const reusedClosed = new Promise<void>((resolve) => reused.on('close', () => resolve()));
      reused.write(raw.replace('Connection: close', 'Connection: keep-alive'));
      await firstAnswer;
      setTimeout(() => [...sockets, reused].forEach((socket) => socket.write(raw)), 250);
      const inFlight = new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = http.request(`${first.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` },
        });
        req.on('response', (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
        req.write(body.slice(0, 10));
        setTimeout(() => {
          first.child.kill('SIGTERM');
          setTimeout(() => req.end(body.slice(10)), 500);
        }, 200);
      });
      const answered = await inFlight;
      expect(answered.status).toBe(200);
      expect(JSON.parse(answered.text)).toEqual({ data: { viewer: { kind: 'ADMIN' } } });
      const late = await Promise.all(lateAnswers);
      expect(late.filter((text) => text.startsWith('HTTP/1.1 200') && text.includes('"kind":"ADMIN"'))).toHaveLength(sockets.length);
      await reusedClosed;
      expect(reusedText.match(/HTTP\/1\.1 200/g)).toHaveLength(2);

      expect(await first.stop('SIGTERM')).toBe(0);
      // The embedded PostgreSQL was shut down with the server, not left running.
      expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);

      // A restart reuses the data: no second admin, no token printed.
      const second = await spawnServer(env, 90_000);
      expect(second.output()).not.toMatch(/ocs_/);
      const again = await fetch(`${second.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ viewer { kind } }' }),
      });
      expect(await again.json()).toEqual({ data: { viewer: { kind: 'ADMIN' } } });
      expect(await second.stop('SIGTERM')).toBe(0);

      // A command that fails says so in its exit code (nothing turns it into a success).
      const missing = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/admin-token.ts', 'nobody@nowhere.test'], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, ...env },
        timeout: 60_000,
      });
      expect(missing.stderr).toContain('No admin with the email nobody@nowhere.test');
      expect(missing.status).toBe(1);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
