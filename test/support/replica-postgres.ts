import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startEmbeddedPostgres, type RunningDatabase } from '../../server/app/database';
import { createLogger } from '../../server/app/logger';
import { findFreePort } from '../../server/common/ports';

/**
 * A primary and one physical streaming standby, both the npm PostgreSQL, set up the way a
 * managed service makes a read replica: a base backup taken with pg_backup_start/pg_backup_stop
 * (the distribution has no pg_basebackup), a replication slot that keeps the WAL the standby
 * still needs, standby.signal and primary_conninfo. The standby replays the primary's WAL
 * and answers read-only queries (hot standby).
 */
export interface ReplicatedPostgres {
  /** The primary's maintenance database (postgres), as superuser. */
  primaryAdminUrl: string;
  /** `url` (a database on the primary) as the same database on the standby. */
  replicaUrlOf(url: string): string;
  /** Waits until the standby has replayed everything the primary has written so far. */
  caughtUp(): Promise<void>;
  /** Stops applying WAL on the standby (it keeps receiving it): the standby's data stands still. */
  pauseReplay(): Promise<void>;
  /** Applies the WAL received meanwhile, and waits until the standby has caught up. */
  resumeReplay(): Promise<void>;
  /** Fast shutdown of the standby (connections refused until `startReplica`). */
  stopReplica(): Promise<void>;
  startReplica(): Promise<void>;
  /** Runs one statement on the standby's maintenance database. */
  onReplica<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  stop(): Promise<void>;
}

const SLOT = 'read_replica_1';
const READY = /database system is ready to accept (read-only )?connections/;

/** The binary the primary runs (its postmaster.opts names it): the standby must be the same build. */
function postgresBinaryOf(databaseDir: string): string {
  const opts = readFileSync(path.join(databaseDir, 'postmaster.opts'), 'utf8');
  return opts.match(/^(\S+)/)![1]!.replace(/^"|"$/g, '');
}

function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })),
  };
}

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Polls a condition that replication makes true within moments; fails clearly if it does not. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`the standby did not get there in ${timeoutMs} ms: ${what}`);
    await sleep(10);
  }
}

export async function startReplicatedPostgres(): Promise<ReplicatedPostgres> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'support-desk-replica-'));
  // As root, PostgreSQL runs as its own user, which must pass through this folder.
  chmodSync(root, 0o755);
  const primaryDataDir = path.join(root, 'primary');
  const replicaDir = path.join(root, 'replica');
  const owner = postgresUser();
  let primary: RunningDatabase | null = null;
  let replica: ChildProcess | null = null;
  try {
    primary = await startEmbeddedPostgres({ dataDir: primaryDataDir, port: await findFreePort(), logger: createLogger('warn') });
    const primaryUrl = new URL(primary.url);
    const source = path.join(primaryDataDir, 'postgres');
    const postgresBinary = postgresBinaryOf(source);
    const primaryAdminUrl = Object.assign(new URL(primary.url), { pathname: '/postgres' }).toString();
    const replicaPort = await findFreePort();

    // The slot keeps every WAL segment from the backup's start until the standby has it.
    await query(primaryAdminUrl, `select pg_create_physical_replication_slot($1, true)`, [SLOT]);
    const backup = new pg.Client({ connectionString: primaryAdminUrl });
    await backup.connect();
    try {
      await backup.query(`select pg_backup_start('read replica', true)`);
      // The copy leaves out what belongs to the running primary (as pg_basebackup does).
      execFileSync('cp', ['-a', source, replicaDir]);
      for (const file of ['postmaster.pid', 'postmaster.opts']) rmSync(path.join(replicaDir, file), { force: true });
      for (const folder of ['pg_wal', 'pg_replslot']) {
        for (const entry of readdirSync(path.join(replicaDir, folder))) {
          if (entry !== 'archive_status') rmSync(path.join(replicaDir, folder, entry), { recursive: true, force: true });
        }
      }
      const { rows } = await backup.query<{ labelfile: string }>(`select labelfile from pg_backup_stop(true)`);
      writeFileSync(path.join(replicaDir, 'backup_label'), rows[0]!.labelfile, { mode: 0o600 });
    } finally {
      await backup.end();
    }
    writeFileSync(path.join(replicaDir, 'standby.signal'), '', { mode: 0o600 });
    const conninfo = `host=127.0.0.1 port=${primaryUrl.port} user=postgres password=${decodeURIComponent(primaryUrl.password)} application_name=${SLOT}`;
    appendFileSync(path.join(replicaDir, 'postgresql.auto.conf'), `primary_conninfo = '${conninfo}'\nprimary_slot_name = '${SLOT}'\n`);
    if (owner) {
      for (const file of ['backup_label', 'standby.signal', 'postgresql.auto.conf']) chownSync(path.join(replicaDir, file), owner.uid, owner.gid);
    }

    const startReplica = async () => {
      const child = spawn(postgresBinary, ['-D', replicaDir, '-p', String(replicaPort), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'], {
        ...owner,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, LC_MESSAGES: 'C' },
      });
      let output = '';
      await new Promise<void>((resolve, reject) => {
        child.stderr!.on('data', (chunk: Buffer) => {
          output = `${output}${chunk.toString('utf8')}`.slice(-4_000);
          if (READY.test(output)) resolve();
        });
        child.once('error', reject);
        child.once('exit', (code) => reject(new Error(`the standby exited (${code}): ${output.trim().split('\n').slice(-12).join(' | ')}`)));
      });
      replica = child;
      await until('streaming from the primary', async () => {
        const rows = await query<{ state: string }>(primaryAdminUrl, `select state from pg_stat_replication where application_name = $1`, [SLOT]);
        return rows[0]?.state === 'streaming';
      });
    };
    const stopReplica = async () => {
      const child = replica;
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
      replica = null;
    };
    await startReplica();

    const replicaUrlOf = (url: string) => Object.assign(new URL(url), { port: String(replicaPort) }).toString();
    const replicaAdminUrl = replicaUrlOf(primaryAdminUrl);
    const caughtUp = async () => {
      const [{ lsn }] = await query<{ lsn: string }>(primaryAdminUrl, `select pg_current_wal_lsn()::text as lsn`);
      await until('replayed up to the primary', async () => {
        const [row] = await query<{ done: boolean }>(replicaAdminUrl, `select pg_last_wal_replay_lsn() >= $1::pg_lsn as done`, [lsn]);
        return row!.done;
      });
    };
    const started = primary;
    return {
      primaryAdminUrl,
      replicaUrlOf,
      caughtUp,
      async pauseReplay() {
        await caughtUp();
        await query(replicaAdminUrl, `select pg_wal_replay_pause()`);
        await until('replay paused', async () => {
          const [row] = await query<{ state: string }>(replicaAdminUrl, `select pg_get_wal_replay_pause_state() as state`);
          return row!.state === 'paused';
        });
      },
      async resumeReplay() {
        await query(replicaAdminUrl, `select pg_wal_replay_resume()`);
        await caughtUp();
      },
      stopReplica,
      startReplica,
      onReplica: <T>(sql: string) => query<T>(replicaAdminUrl, sql),
      async stop() {
        try {
          await stopReplica();
          await started.stop();
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    (replica as ChildProcess | null)?.kill('SIGINT');
    await primary?.stop().catch(() => undefined);
    if (existsSync(root)) rmSync(root, { recursive: true, force: true });
    throw error;
  }
}
