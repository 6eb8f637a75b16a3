import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFreePort } from '../../server/common/ports';
import { spawnServer } from '../support/server-process';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** `npm run demo` as a user runs it in a second terminal: the same checkout, the settings given. */
function runDemo(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'demo'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function graphql(url: string, token: string, query: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
}

// The README's first lines: "npm start", then "`npm run demo` … prints staff tokens and a merchant's
// API key. It writes to the database `npm start` uses only when run with the same `DATA_DIR`,
// `EMBEDDED_PG_PORT` or `DATABASE_URL`; it may run while the API is running …, and the running API
// shows the data at once."
describe('README first steps, as processes: npm start, then npm run demo beside it', () => {
  it('the demo fills the running API, prints staff tokens and a merchant key that work there at once, and says which settings it shares', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'support-desk-first-steps-'));
    const env = { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await findFreePort()) };
    const server = await spawnServer(env, 90_000);
    try {
      const admin = readFileSync(path.join(dataDir, 'first-admin-token'), 'utf8').trim();
      expect((await graphql(server.url, admin, '{ tickets(first: 1) { totalCount } }')).data).toEqual({ tickets: { totalCount: 0 } });

      const demo = await runDemo(env);
      expect(demo.code, demo.stderr).toBe(0);
      expect(demo.stdout).toContain(`npm start must use the same DATA_DIR, EMBEDDED_PG_PORT or DATABASE_URL to show it`);
      expect(demo.stdout).toContain('if it is not running yet, start it the same way');
      const staff = [...demo.stdout.matchAll(/^\s+(.+?)\s+\((ADMIN|AGENT)[^)]*\)\s+(ocs_\S+)$/gm)].map((m) => ({ role: m[2], token: m[3]! }));
      expect(staff.map((s) => s.role)).toEqual(['ADMIN', 'AGENT', 'AGENT']);
      const merchantKey = /^\s+Olivia Hart .*\s(ocm_\S+)$/m.exec(demo.stdout)?.[1];
      expect(merchantKey).toBeDefined();

      // The API that was already running shows the demo's data, to the tokens the demo printed.
      for (const { token } of staff) {
        const seen = await graphql(server.url, token, '{ viewer { kind } tickets(first: 1) { totalCount } }');
        expect(seen.errors).toBeUndefined();
        expect(seen.data!.tickets.totalCount).toBeGreaterThan(0);
      }
      const mine = await graphql(server.url, merchantKey!, '{ viewer { kind customer { name } } tickets(first: 20) { totalCount nodes { subject } } }');
      expect(mine.errors).toBeUndefined();
      expect(mine.data!.viewer).toEqual({ kind: 'CUSTOMER', customer: { name: 'Olivia Hart' } });
      expect(mine.data!.tickets.totalCount).toBeGreaterThan(0);
      // Only her own: the whole desk has more.
      const all = await graphql(server.url, admin, '{ tickets(first: 1) { totalCount } }');
      expect(all.data!.tickets.totalCount).toBeGreaterThan(mine.data!.tickets.totalCount);
    } finally {
      expect(await server.stop()).toBe(0);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
