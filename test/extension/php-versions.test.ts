// The module on the PHP versions OpenCart runs on, not only on the machine's own PHP: the
// oldest each line supports here (7.4 for 3.0, 8.0 for 4.x) and the newest (8.4), run from npm
// as WebAssembly. PHP 7.3, the oldest 3.0 runs on, has no such build: package.test.ts scans the
// 3.0 code for anything newer than 7.3.
import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasPhp, PHP_DIR, runPhpJson } from './support/php';
import { runWasmPhp, type WasmPhpVersion } from './support/php-wasm';

const MODULE = resolve(import.meta.dirname, '../../opencart-extension');
const FIXTURES = resolve(import.meta.dirname, 'fixtures');

/** Per OpenCart line: its PHP files and the PHP versions to run them on. */
const LINES = {
  '3.0': { dirs: ['lib', 'oc3'], php: ['7.4', '8.0', '8.4'] as WasmPhpVersion[], opencart: ['3.0.2.0', '3.0.4.0'] },
  '4.x': { dirs: ['lib', 'oc4'], php: ['8.0', '8.4'] as WasmPhpVersion[], opencart: ['4.0.0.0', '4.1.0.4'] },
};
const VERSIONS: WasmPhpVersion[] = ['7.4', '8.0', '8.4'];

function phpFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.php'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

function runJson<T>(version: WasmPhpVersion, args: string[]): Promise<T> {
  return runWasmPhp(version, args).then(({ stdout, stderr, exitCode }) => {
    if (exitCode !== 0 || stderr.trim() !== '') throw new Error(`PHP ${version} ${args.join(' ')} failed (${exitCode}):\n${stderr}`);
    return JSON.parse(stdout) as T;
  });
}

/** What the detector reports, less what names the PHP it ran on. */
function portable(result: { environment: Record<string, unknown> }) {
  const { phpVersion: _version, phpExtensions: _extensions, ...environment } = result.environment;
  return { ...result, environment };
}

const fixtures = readdirSync(FIXTURES);
const reference: { detector: Record<string, unknown>; portable: Record<string, unknown> } = { detector: {}, portable: {} };

beforeAll(async () => {
  // The machine's own PHP is the reference when there is one (detector.test.ts checks its answers).
  const run = <T>(args: string[]) => (hasPhp ? runPhpJson<T>(args) : runJson<T>('8.4', args));
  for (const name of fixtures)
    reference.detector[name] = portable(await run<{ environment: Record<string, unknown> }>([join(PHP_DIR, 'detect.php'), join(FIXTURES, name)]));
  reference.portable = await run([join(PHP_DIR, 'portable.php'), ...LINES['3.0'].opencart, ...LINES['4.x'].opencart]);
}, 120_000);

describe.each(VERSIONS)('PHP %s', (version) => {
  const lines = (Object.keys(LINES) as Array<keyof typeof LINES>).filter((line) => LINES[line].php.includes(version));
  const opencart = lines.flatMap((line) => LINES[line].opencart);

  it(`parses every PHP file of the ${lines.join(' and ')} package${lines.length > 1 ? 's' : ''}, with no warning or deprecation`, async () => {
    const files = [...new Set(lines.flatMap((line) => LINES[line].dirs.flatMap((dir) => phpFiles(join(MODULE, dir)))))];
    expect(files.length).toBeGreaterThan(8);
    const problems: Record<string, string> = {};
    for (const file of files) {
      const { stdout, stderr, exitCode } = await runWasmPhp(version, ['-l', file]);
      if (exitCode !== 0 || stderr.trim() !== '' || !stdout.startsWith('No syntax errors detected'))
        problems[relative(MODULE, file)] = `${stdout}${stderr}`.trim();
    }
    expect(problems).toEqual({});
  }, 120_000);

  it('detects every platform fixture exactly as the reference PHP does', async () => {
    for (const name of fixtures) {
      const result = await runJson<{ environment: Record<string, unknown> }>(version, [join(PHP_DIR, 'detect.php'), join(FIXTURES, name)]);
      expect(result.environment.phpVersion, name).toMatch(new RegExp(`^${version.replace('.', '\\.')}\\.`));
      expect(portable(result), name).toEqual(reference.detector[name]);
    }
  }, 120_000);

  it(`creates temporary admin users that log in the way OpenCart ${opencart.join(', ')} checks, locks them out when disabled, and redacts logs alike`, async () => {
    const result = await runJson<{ access: Record<string, unknown>; redact: Record<string, string> }>(version, [join(PHP_DIR, 'portable.php'), ...opencart]);
    for (const v of opencart) {
      expect(result.access[v], v).toEqual({
        usernameLooksRight: true,
        passwordLength: 20,
        logsIn: true,
        statusAfterDisable: '0',
        logsInAfterDisable: false,
        adminUntouched: true,
      });
    }
    expect(result.redact).toEqual((reference.portable as { redact: unknown }).redact);
    expect(Object.values(result.redact).join('\n')).not.toMatch(/my secret phrase|quoted|s3cr|two words|abc\.def/);
  }, 60_000);
});
