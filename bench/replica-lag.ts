/**
 * npm run bench:replica-lag [-- --commits 200] [--seconds 10] [--writers 4]
 *
 * How far behind a read replica a dashboard may be. On a throw-away embedded primary and one
 * physical streaming standby (test/support/replica-postgres.ts, set up as DATABASE_REPLICA_URLS
 * expects), it measures:
 * - commit to visible: a single-row commit on the primary, then the time until the standby has
 *   replayed it (pg_last_wal_replay_lsn), one commit after another, the primary otherwise idle;
 * - under write load: `--writers` sessions committing 100-row batches of 2 KB rows for
 *   `--seconds`, while the primary's pg_stat_replication.replay_lag and replay_lsn (bytes behind)
 *   and the standby's now() - pg_last_xact_replay_timestamp() are sampled every 100 ms.
 * Timings live here, never in `npm test`.
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startReplicatedPostgres } from '../test/support/replica-postgres';

const { values: options } = parseArgs({
  options: {
    commits: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
    writers: { type: 'string', default: '4' },
  },
});

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const summary = (values: number[], unit: string, digits = 1) =>
  `p50 ${percentile(values, 50).toFixed(digits)} ${unit}, p95 ${percentile(values, 95).toFixed(digits)} ${unit}, p99 ${percentile(values, 99).toFixed(digits)} ${unit}, max ${Math.max(...values).toFixed(digits)} ${unit} (${values.length} samples)`;

async function main() {
  const db = await startReplicatedPostgres();
  const primary = new pg.Client({ connectionString: db.primaryAdminUrl });
  const replica = new pg.Client({ connectionString: db.replicaUrlOf(db.primaryAdminUrl) });
  await primary.connect();
  await replica.connect();
  try {
    await primary.query(`create table lag_probe (id bigserial primary key, at timestamptz not null default clock_timestamp(), payload text not null)`);
    await db.caughtUp();

    const visible: number[] = [];
    for (let i = 0; i < Number(options.commits); i += 1) {
      await primary.query(`insert into lag_probe (payload) values ('x')`);
      const { rows } = await primary.query<{ lsn: string }>(`select pg_current_wal_lsn()::text as lsn`);
      const started = performance.now();
      for (;;) {
        const done = await replica.query<{ done: boolean }>(`select pg_last_wal_replay_lsn() >= $1::pg_lsn as done`, [rows[0]!.lsn]);
        if (done.rows[0]!.done) break;
      }
      visible.push(performance.now() - started);
    }
    console.log(`commit to visible on the standby (idle primary): ${summary(visible, 'ms')}`);

    const writers = await Promise.all(
      Array.from({ length: Number(options.writers) }, async () => {
        const client = new pg.Client({ connectionString: db.primaryAdminUrl });
        await client.connect();
        return client;
      }),
    );
    const until = performance.now() + Number(options.seconds) * 1000;
    let rowsWritten = 0;
    const load = Promise.all(
      writers.map(async (client) => {
        while (performance.now() < until) {
          await client.query(`insert into lag_probe (payload) select repeat(md5(random()::text), 64) from generate_series(1, 100)`);
          rowsWritten += 100;
        }
      }),
    );
    const replayLagMs: number[] = [];
    const bytesBehind: number[] = [];
    const sinceLastReplayMs: number[] = [];
    while (performance.now() < until) {
      const [fromPrimary, fromStandby] = await Promise.all([
        primary.query<{ lag_ms: number | null; behind: string | null }>(
          `select extract(epoch from replay_lag) * 1000 as lag_ms, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::text as behind from pg_stat_replication`,
        ),
        replica.query<{ ms: number | null }>(`select extract(epoch from now() - pg_last_xact_replay_timestamp()) * 1000 as ms`),
      ]);
      const row = fromPrimary.rows[0];
      if (row?.lag_ms != null) replayLagMs.push(Number(row.lag_ms));
      if (row?.behind != null) bytesBehind.push(Number(row.behind) / 1024);
      if (fromStandby.rows[0]?.ms != null) sinceLastReplayMs.push(Number(fromStandby.rows[0].ms));
      await sleep(100);
    }
    await load;
    await Promise.all(writers.map((client) => client.end()));
    const drained = performance.now();
    await db.caughtUp();
    console.log(`under load (${options.writers} writers, ${rowsWritten} rows of 2 KB in ${options.seconds} s):`);
    console.log(`  pg_stat_replication.replay_lag on the primary: ${summary(replayLagMs, 'ms')}`);
    console.log(`  bytes not yet replayed: ${summary(bytesBehind, 'KiB', 0)}`);
    console.log(`  now() - pg_last_xact_replay_timestamp() on the standby: ${summary(sinceLastReplayMs, 'ms')}`);
    console.log(`  caught up ${(performance.now() - drained).toFixed(0)} ms after the last write`);
  } finally {
    await primary.end();
    await replica.end();
    await db.stop();
  }
}

await main();
