/**
 * npm run bench:cold-start [-- --runs 5]
 *
 * The cold start of `npm start` (node server/start.mjs, the compiled server) to its first GraphQL
 * answer, on a data folder of its own: first empty (the cluster is created), then existing,
 * `runs` times. Also the CPU the server process had used by then (user + system), which moves
 * far less than the wall time when other work loads the machine. npm run bench runs it too.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../server/app/config';
import { findFreePort } from '../server/common/ports';

export interface ColdStart {
  /** Seconds from spawning the process to its first GraphQL answer. */
  seconds: number;
  /** CPU seconds the server process (not PostgreSQL) had used by then. */
  cpuSeconds: number;
}

const FIRST_QUERY = JSON.stringify({ query: '{ supportHours(zone: "UTC") { open } }' });

function answersGraphql(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.request({ host: '127.0.0.1', port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json' } });
    request.on('error', () => resolve(false));
    request.on('response', (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve(response.statusCode === 200 && body.includes('"open"')));
    });
    request.end(FIRST_QUERY);
  });
}

/** utime + stime of a process, in seconds (Linux /proc). */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** One `npm start` on `dataDir`, stopped once it has answered. */
export async function coldStart(dataDir: string, timeoutMs = 60_000): Promise<ColdStart> {
  const port = await findFreePort();
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), EMBEDDED_PG_PORT: String(await findFreePort()), LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  const started = performance.now();
  // BENCH_API_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the start (npm run bench's API too).
  const nodeArgs = process.env.BENCH_API_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, 'server/start.mjs'], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    while (!(await answersGraphql(port))) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode} before answering`);
      if (performance.now() - started > timeoutMs) throw new Error(`npm start did not answer within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const seconds = (performance.now() - started) / 1000;
    return { seconds, cpuSeconds: cpuSecondsOf(child.pid!) };
  } finally {
    await stop(child);
  }
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** An empty data folder once, then the same folder `runs` times: the JSON line npm run bench prints. */
export async function coldStarts(workDir: string, runs = 3): Promise<Record<string, unknown>> {
  const dataDir = path.join(workDir, 'cold');
  const empty = await coldStart(dataDir);
  const existing: ColdStart[] = [];
  for (let i = 0; i < runs; i += 1) existing.push(await coldStart(dataDir));
  return {
    scenario: 'cold-start',
    emptyDataFolderS: round2(empty.seconds),
    emptyDataFolderCpuS: round2(empty.cpuSeconds),
    existingDataFolderS: round2(median(existing.map((run) => run.seconds))),
    existingDataFolderCpuS: round2(median(existing.map((run) => run.cpuSeconds))),
    existingDataFolderRunsS: existing.map((run) => round2(run.seconds)).sort((a, b) => a - b),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
  const build = spawnSync(process.execPath, ['server/start.mjs', '--build'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'support-desk-cold-start-'));
  chmodSync(workDir, 0o755); // started as root, PostgreSQL runs as its own user, which must reach the data
  try {
    const result = await coldStarts(workDir, Number(values.runs));
    process.stdout.write(
      `cold start to the first GraphQL answer: ${result.existingDataFolderS} s with an existing data folder (median of ${values.runs}; ` +
        `${result.existingDataFolderCpuS} s of the server's CPU), ${result.emptyDataFolderS} s with an empty one, ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(1)}\n`,
    );
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
