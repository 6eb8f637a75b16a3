import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFreePort } from '../../server/common/ports';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const hasScript = existsSync('/usr/bin/script');

/**
 * `npm start` in a terminal: the first admin's token is shown there once, and no file is left.
 * util-linux `script` gives the server a real pseudo-terminal, as an operator's shell does.
 * (Without a terminal the token goes to DATA_DIR/first-admin-token: server-process.test.ts.)
 */
describe.skipIf(!hasScript)('the first admin token, started in a terminal', () => {
  it('is shown on the terminal once and written nowhere else', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'support-desk-tty-'));
    try {
      const env = {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'warn',
        DATA_DIR: dataDir,
        EMBEDDED_PG_PORT: String(await findFreePort()),
      };
      const child = spawn('/usr/bin/script', ['-qefc', `${process.execPath} --import tsx server/main.ts`, '/dev/null'], {
        cwd: ROOT,
        env,
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.stderr.on('data', (chunk) => (out += chunk));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no banner:\n${out}`)), 90_000);
        child.stdout.on('data', () => {
          const match = /GraphQL API:\s+(http:\/\/\S+)\/graphql/.exec(out);
          if (match && /ocs_[A-Za-z0-9_-]{20,}/.test(out)) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
      });
      try {
        const tokens = out.match(/ocs_[A-Za-z0-9_-]{20,}/g) ?? [];
        const token = tokens[0]!;
        // Once as itself, once inside the playground's header line; never in a JSON log line.
        expect(tokens.every((t) => t === token)).toBe(true);
        expect(out).toContain('Its token is shown only this once');
        expect(
          out
            .split('\n')
            .filter((line) => line.trim().startsWith('{'))
            .some((line) => line.includes(token)),
        ).toBe(false);
        expect(existsSync(path.join(dataDir, 'first-admin-token'))).toBe(false);
        const viewer = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: '{ viewer { kind } }' }),
        });
        expect(await viewer.json()).toEqual({ data: { viewer: { kind: 'ADMIN' } } });
      } finally {
        process.kill(-child.pid!, 'SIGTERM');
        await exited;
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
