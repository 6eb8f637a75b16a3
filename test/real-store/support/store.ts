// Real OpenCart stores: upstream `upload/` folders from ../shared/opencart (or OPENCART_ARCHIVES), installed
// with OpenCart's own CLI installer on a MariaDB database and served by `php -S` on 127.0.0.1.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findFreePort } from '../../../server/common/ports';
import { DB_PASSWORD, DB_USER, hasMariaDb, NO_MARIADB_MESSAGE, type MariaDb } from './mariadb';

const ROOT = resolve(import.meta.dirname, '../../..');
export const PHP = process.env.PHP_BINARY ?? 'php';

/** The versions the module is tested in, one per line or release we support. */
export const VERSIONS = ['3.0.4.0', '4.0.2.3', '4.1.0.4'] as const;
export type OpenCartVersion = (typeof VERSIONS)[number];

export const ARCHIVE_DIR = resolve(process.env.OPENCART_ARCHIVES ?? join(ROOT, '..', 'shared', 'opencart'));
export const archivePath = (version: string) => join(ARCHIVE_DIR, `opencart-${version}-upload.tar.gz`);

/** PHP with the extensions OpenCart's installer and admin need. */
const REQUIRED_PHP_EXTENSIONS = ['mysqli', 'gd', 'zip', 'mbstring', 'curl', 'xml'];
function missingPhpExtensions(): string[] | null {
  const probe = spawnSync(PHP, ['-r', `echo json_encode(array_map('extension_loaded', ${JSON.stringify(REQUIRED_PHP_EXTENSIONS).replace(/"/g, "'")}));`], {
    encoding: 'utf8',
  });
  if (probe.status !== 0) return null;
  const loaded = JSON.parse(probe.stdout) as boolean[];
  return REQUIRED_PHP_EXTENSIONS.filter((_e, i) => !loaded[i]);
}

/**
 * Why real stores cannot run here, or null when they can. A clone without ../shared/opencart or MariaDB
 * skips the suite with this message; under CI (CI=true) the suite fails with it instead.
 */
export function realStoreUnavailable(): string | null {
  const reasons: string[] = [];
  const absent = VERSIONS.filter((v) => !existsSync(archivePath(v)));
  if (absent.length > 0)
    reasons.push(
      `the OpenCart archives ${absent.map((v) => `opencart-${v}-upload.tar.gz`).join(', ')} are not in ${ARCHIVE_DIR}: ` +
        'put the upstream upload/ folders there as tar.gz (see ../shared/opencart/README.md) or set OPENCART_ARCHIVES to their folder',
    );
  if (!hasMariaDb) reasons.push(NO_MARIADB_MESSAGE);
  const missing = missingPhpExtensions();
  if (missing === null) reasons.push('PHP is missing: `apt-get install -y php-cli` (or set PHP_BINARY)');
  else if (missing.length > 0)
    reasons.push(`PHP lacks ${missing.join(', ')}: \`apt-get install -y php-mysql php-gd php-zip php-mbstring php-curl php-xml php-intl\``);
  return reasons.length ? `real OpenCart store tests need: ${reasons.join('; ')}.` : null;
}

export interface Store {
  version: OpenCartVersion;
  line: '3.0' | '4.x';
  /** The store's `upload/` folder. */
  root: string;
  url: string;
  adminUrl: string;
  admin: { username: string; password: string };
  database: string;
  prefix: string;
  /** Rows of a query on the store's database. */
  rows(sql: string): Promise<Array<Record<string, string | null>>>;
  /** OpenCart's own error log(s) (system/storage/logs/*.log), joined. */
  errorLog(): string;
  /** What `php -S` wrote to stderr that is not a request line: PHP errors outside OpenCart's handler. */
  serverErrors(): string[];
  stop(): Promise<void>;
}

export const ADMIN_USERNAME = 'admin';
export const ADMIN_PASSWORD = 'merchant-admin-pw-1';

function extract(version: string, into: string): string {
  mkdirSync(into, { recursive: true });
  const tar = spawnSync('tar', ['-xzf', archivePath(version), '-C', into], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`could not extract ${archivePath(version)}: ${tar.stderr}`);
  const root = join(into, 'upload');
  if (!existsSync(join(root, 'admin', 'index.php'))) throw new Error(`${archivePath(version)} has no upload/admin/index.php`);
  return root;
}

/** A request line of the built-in server, or its connection notes: not an error. */
const SERVER_NOISE = /^(\[\d+\] )?\[[^\]]+\] (127\.0\.0\.1:\d+ (Accepted|Closing|\[\d{3}\]: )|PHP [\d.]+ Development Server)/;

/**
 * Extracts, installs (OpenCart's CLI installer, the database on `mariadb`) and serves one store.
 * Takes about a second; each store gets its own folder, database and port.
 */
export async function installStore(version: OpenCartVersion, mariadb: MariaDb, options: { baseDir?: string } = {}): Promise<Store> {
  const base = options.baseDir ?? mkdtempSync(join(tmpdir(), `ocsd-opencart-${version}-`));
  const root = extract(version, base);
  // Every line ships config-dist.php files; the CLI installer fills in config.php.
  copyFileSync(join(root, 'config-dist.php'), join(root, 'config.php'));
  copyFileSync(join(root, 'admin', 'config-dist.php'), join(root, 'admin', 'config.php'));
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}/`;
  const database = `opencart_${version.replace(/\./g, '')}_${port}`;
  await mariadb.createDatabase(database);
  const install = spawnSync(
    PHP,
    [
      'install/cli_install.php',
      'install',
      ...['--db_hostname', '127.0.0.1', '--db_port', String(mariadb.port), '--db_username', DB_USER, '--db_password', DB_PASSWORD],
      ...['--db_database', database, '--db_driver', 'mysqli', '--db_prefix', 'oc_'],
      ...['--username', ADMIN_USERNAME, '--password', ADMIN_PASSWORD, '--email', 'merchant@shop.example.com', '--http_server', url],
    ],
    { cwd: root, encoding: 'utf8' },
  );
  if (install.status !== 0 || !/SUCCESS/i.test(install.stdout))
    throw new Error(`OpenCart ${version} CLI install failed:\n${install.stdout}\n${install.stderr}`);

  const server = await serve(root, port);
  const rows = (sql: string) => mariadb.rows(sql, database);
  return {
    version,
    line: version.startsWith('3.') ? '3.0' : '4.x',
    root,
    url,
    adminUrl: `${url}admin/`,
    admin: { username: ADMIN_USERNAME, password: ADMIN_PASSWORD },
    database,
    prefix: 'oc_',
    rows,
    errorLog() {
      const dir = join(root, 'system', 'storage', 'logs');
      if (!existsSync(dir)) return '';
      return readdirSync(dir)
        .filter((f) => f.endsWith('.log'))
        .map((f) => readFileSync(join(dir, f), 'utf8'))
        .join('');
    },
    serverErrors: () => server.stderr.split('\n').filter((l) => l.trim() !== '' && !SERVER_NOISE.test(l)),
    async stop() {
      await server.stop();
      if (!options.baseDir) rmSync(base, { recursive: true, force: true });
    },
  };
}

async function serve(root: string, port: number) {
  const child: ChildProcess = spawn(PHP, ['-S', `127.0.0.1:${port}`, '-t', root, '-d', 'error_reporting=-1', '-d', 'log_errors=1'], {
    cwd: root,
    // Several workers: the admin loads scripts and the module's JSON endpoint in parallel.
    env: { ...process.env, PHP_CLI_SERVER_WORKERS: '4' },
    stdio: ['ignore', 'ignore', 'pipe'],
    // Its own process group: stopping it also stops its workers.
    detached: true,
  });
  const state = { stderr: '', exited: false };
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (state.stderr += chunk));
  child.once('exit', () => (state.exited = true));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (state.exited) throw new Error(`php -S exited:\n${state.stderr}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/admin/`, { redirect: 'manual' });
      await response.arrayBuffer();
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    get stderr() {
      return state.stderr;
    },
    async stop() {
      if (state.exited) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      process.kill(-child.pid!, 'SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5_000))]);
      if (!state.exited) process.kill(-child.pid!, 'SIGKILL');
    },
  };
}
