// A throw-away MariaDB server for real OpenCart stores: its own data folder, no systemd, no config
// files of the machine (--no-defaults), on 127.0.0.1 and a free port. One server serves every store.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../../../server/common/ports';

/** Where Debian puts the server (`/usr/sbin`) and the clients (`/usr/bin`); MARIADB_BIN_DIR overrides both. */
function binary(name: string): string | null {
  const dirs = process.env.MARIADB_BIN_DIR ? [process.env.MARIADB_BIN_DIR] : ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'];
  for (const dir of dirs) if (existsSync(join(dir, name))) return join(dir, name);
  return null;
}

export const MARIADBD = binary('mariadbd');
export const MARIADB_INSTALL_DB = binary('mariadb-install-db');
export const MARIADB_CLIENT = binary('mariadb');
export const hasMariaDb = MARIADBD !== null && MARIADB_INSTALL_DB !== null && MARIADB_CLIENT !== null;
export const NO_MARIADB_MESSAGE =
  'real-store tests need MariaDB (mariadbd, mariadb-install-db, mariadb): `apt-get install -y mariadb-server` (or set MARIADB_BIN_DIR).';

/** The store's database user; it connects over TCP from 127.0.0.1 like a hosting account. */
export const DB_USER = 'oc';
export const DB_PASSWORD = 'oc-store-db-password';

export interface MariaDb {
  port: number;
  dataDir: string;
  /** Root logs in over this socket: `mariadb --socket=… -u root`. */
  socket: string;
  /** Runs SQL as root; rows come back as arrays of strings (NULL as null). */
  query(sql: string, database?: string): Promise<Array<Array<string | null>>>;
  /** Rows as objects keyed by column name. */
  rows(sql: string, database?: string): Promise<Array<Record<string, string | null>>>;
  createDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

function unescapeField(field: string): string | null {
  if (field === 'NULL') return null;
  return field.replace(/\\([nt0\\])/g, (_m, c: string) => ({ n: '\n', t: '\t', '0': '\0', '\\': '\\' })[c]!);
}

export async function startMariaDb(options: { baseDir?: string } = {}): Promise<MariaDb> {
  if (!hasMariaDb) throw new Error(NO_MARIADB_MESSAGE);
  const base = options.baseDir ?? mkdtempSync(join(tmpdir(), 'ocsd-mariadb-'));
  const dataDir = join(base, 'data');
  mkdirSync(base, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  const userArgs = asRoot ? ['--user=root'] : [];
  if (!existsSync(join(dataDir, 'mysql'))) {
    const init = spawnSync(
      MARIADB_INSTALL_DB!,
      ['--no-defaults', `--datadir=${dataDir}`, ...userArgs, '--auth-root-authentication-method=normal', '--skip-test-db'],
      { encoding: 'utf8' },
    );
    if (init.status !== 0) throw new Error(`mariadb-install-db failed:\n${init.stdout}\n${init.stderr}`);
  }
  const port = await findFreePort();
  const socket = join(base, 'mysql.sock');
  const errorLog = join(base, 'mariadbd.err');
  const server: ChildProcess = spawn(
    MARIADBD!,
    [
      '--no-defaults',
      `--datadir=${dataDir}`,
      `--socket=${socket}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--pid-file=${join(base, 'mariadbd.pid')}`,
      `--log-error=${errorLog}`,
      '--skip-name-resolve',
      // Test data only: no fsync per commit, so installs and clicks are not slowed by the disk.
      '--innodb-flush-log-at-trx-commit=0',
      '--innodb-doublewrite=0',
      '--innodb-buffer-pool-size=64M',
      ...userArgs,
    ],
    { stdio: 'ignore' },
  );
  let exited = false;
  server.once('exit', () => (exited = true));

  const run = (sql: string, database?: string) =>
    new Promise<string>((resolve, reject) => {
      execFile(
        MARIADB_CLIENT!,
        ['--no-defaults', `--socket=${socket}`, '--user=root', '--batch', ...(database ? [database] : []), '-e', sql],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => (error ? reject(new Error(`mariadb: ${stderr || error.message}\nSQL: ${sql}`)) : resolve(stdout)),
      );
    });
  const parse = (out: string) => {
    const lines = out.split('\n').filter((l) => l !== '');
    if (lines.length === 0) return { header: [] as string[], body: [] as Array<Array<string | null>> };
    return { header: lines[0]!.split('\t'), body: lines.slice(1).map((l) => l.split('\t').map(unescapeField)) };
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`mariadbd exited at start:\n${existsSync(errorLog) ? readFileSync(errorLog, 'utf8').slice(-3000) : ''}`);
    try {
      await run('SELECT 1');
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await run(
    `CREATE USER IF NOT EXISTS '${DB_USER}'@'127.0.0.1' IDENTIFIED BY '${DB_PASSWORD}'; GRANT ALL PRIVILEGES ON *.* TO '${DB_USER}'@'127.0.0.1'; FLUSH PRIVILEGES;`,
  );

  return {
    port,
    dataDir,
    socket,
    async query(sql, database) {
      return parse(await run(sql, database)).body;
    },
    async rows(sql, database) {
      const { header, body } = parse(await run(sql, database));
      return body.map((row) => Object.fromEntries(header.map((h, i) => [h, row[i] ?? null])));
    },
    async createDatabase(name) {
      await run(`DROP DATABASE IF EXISTS \`${name}\`; CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;`);
    },
    async stop() {
      if (!exited) {
        const gone = new Promise<void>((r) => server.once('exit', () => r()));
        server.kill('SIGTERM');
        await Promise.race([gone, new Promise((r) => setTimeout(r, 15_000))]);
        if (!exited) server.kill('SIGKILL');
      }
      if (!options.baseDir) rmSync(base, { recursive: true, force: true });
    },
  };
}
