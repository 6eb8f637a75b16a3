// Runs PHP for the module's tests. Tests that need it skip, saying how to get it, when absent.
import { execFile, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

export const PHP = process.env.PHP_BINARY ?? 'php';
export const PHP_DIR = resolve(import.meta.dirname, '..', 'php');

export const phpVersion: string | null = (() => {
  const probe = spawnSync(PHP, ['-r', 'echo PHP_VERSION;'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : null;
})();

export const hasPhp = phpVersion !== null;

export const NO_PHP_MESSAGE = 'SKIPPED: PHP tests need the php command line interpreter (Debian: `apt-get install -y php-cli`; or set PHP_BINARY).';

// Under CI (.ci/run installs php-cli) a missing interpreter is a failure, not a skip.
if (!hasPhp && process.env.CI) throw new Error(`CI: ${NO_PHP_MESSAGE}`);
if (!hasPhp) console.warn(NO_PHP_MESSAGE);

export function runPhp(args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      PHP,
      ['-d', 'display_errors=stderr', '-d', 'error_reporting=-1', ...args],
      { encoding: 'utf8', timeout: options.timeoutMs ?? 20_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`php ${args.join(' ')} failed: ${error.message}\n${stderr}`));
        else if (stderr.trim() !== '') reject(new Error(`php ${args.join(' ')} wrote to stderr:\n${stderr}`));
        else resolvePromise(stdout);
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

export async function runPhpJson<T = any>(args: string[], options?: { input?: string; timeoutMs?: number }): Promise<T> {
  const out = await runPhp(args, options);
  try {
    return JSON.parse(out) as T;
  } catch {
    throw new Error(`php ${args.join(' ')} did not print JSON:\n${out.slice(0, 2000)}`);
  }
}
