import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFreePort } from '../../server/common/ports';

/**
 * A throw-away cluster of Debian's PostgreSQL (`apt-get install postgresql`), for the tests that
 * need its tools: pg_dump refuses a server newer than itself, and the embedded PostgreSQL from
 * npm ships no pg_dump. As root the cluster runs as the `postgres` user the package creates.
 */
export interface DebianPostgres {
  adminUrl: string;
  pgDump: string;
  version: string;
  stop(): Promise<void>;
}

export const NO_DEBIAN_POSTGRES = "needs Debian's PostgreSQL server and pg_dump: `sudo apt-get install -y postgresql`";

export function findDebianPostgres(): { bin: string; major: number } | null {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const majors = readdirSync(base)
    .map(Number)
    .filter((major) => ['initdb', 'pg_ctl', 'postgres', 'pg_dump'].every((tool) => existsSync(path.join(base, String(major), 'bin', tool))))
    .sort((a, b) => b - a);
  return majors.length ? { bin: path.join(base, String(majors[0]), 'bin'), major: majors[0]! } : null;
}

export async function startDebianPostgres(): Promise<DebianPostgres> {
  const found = findDebianPostgres();
  if (!found) throw new Error(NO_DEBIAN_POSTGRES);
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'support-desk-debian-pg-'));
  const run = (tool: string, args: string[]) => {
    const bin = path.join(found.bin, tool);
    return asRoot ? execFileSync('runuser', ['-u', 'postgres', '--', bin, ...args], { encoding: 'utf8' }) : execFileSync(bin, args, { encoding: 'utf8' });
  };
  if (asRoot)
    chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })));
  const data = path.join(dir, 'data');
  // Trust on a private socket folder and 127.0.0.1 only: a throw-away cluster for this test run.
  run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
  const port = await findFreePort();
  run('pg_ctl', ['-D', data, '-w', '-l', path.join(dir, 'server.log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  return {
    adminUrl: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    pgDump: path.join(found.bin, 'pg_dump'),
    version: `PostgreSQL ${found.major} (Debian)`,
    stop: async () => {
      try {
        run('pg_ctl', ['-D', data, '-w', '-m', 'fast', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
