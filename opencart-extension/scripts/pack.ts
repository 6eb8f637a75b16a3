// Builds both installable packages: `npx tsx opencart-extension/scripts/pack.ts` (npm run oc:pack).
//   1. regenerates lib/operations.php (the JSON endpoint's allowlist) from graphql/*.graphql and,
//      when the API's schema.graphql is there, checks the operations against it;
//   2. bundles src/ with esbuild into each line's admin/view/javascript/ folder;
//   3. zips dist/opencart-3.0/oc_support_desk.ocmod.zip and dist/opencart-4.x/oc_support_desk.ocmod.zip.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { EXTENSION_ROOT, OPERATIONS_PHP, renderOperationsPhp, validateOperations } from './operations';
import { BUNDLE_PATH, LINE_DIR, LINES, PACKAGE_DIR, PACKAGE_NAME, packageEntries, type Line } from './layout';
import { writeZip } from './zip';

export const DIST_DIR = resolve(EXTENSION_ROOT, '..', 'dist');

/**
 * Writes lib/operations.php. Operations that do not match schema.graphql are reported; with
 * `strict` (the --strict flag) they stop the build. test/extension/operations.test.ts is the gate.
 */
export function writeOperations(strict = false): void {
  const errors = validateOperations();
  if (errors.length > 0) {
    const message = `The module's operations do not match schema.graphql:\n  ${errors.join('\n  ')}`;
    if (strict) throw new Error(message);
    console.warn(`WARNING: ${message}`);
  }
  const php = renderOperationsPhp();
  if (!existsSync(OPERATIONS_PHP) || readFileSync(OPERATIONS_PHP, 'utf8') !== php) writeFileSync(OPERATIONS_PHP, php);
}

/** Bundles the UI (TypeScript, no framework) and writes it into each line's tree. */
export async function buildBundle(): Promise<Buffer> {
  const result = await build({
    entryPoints: [join(EXTENSION_ROOT, 'src', 'main.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    banner: { js: '/* OpenCart Support Desk admin module. Built from opencart-extension/src/ */' },
    logLevel: 'silent',
  });
  const bundle = Buffer.from(result.outputFiles[0]!.contents);
  for (const line of LINES) {
    const target = join(LINE_DIR[line], BUNDLE_PATH[line]);
    if (existsSync(target) && readFileSync(target).equals(bundle)) continue;
    mkdirSync(dirname(target), { recursive: true });
    // Write and rename: tests build in parallel while a browser may be loading the file.
    const temporary = `${target}.${process.pid}.tmp`;
    writeFileSync(temporary, bundle);
    renameSync(temporary, target);
  }
  return bundle;
}

export async function pack(outDir = DIST_DIR, strict = false): Promise<Record<Line, string>> {
  writeOperations(strict);
  await buildBundle();
  const written = {} as Record<Line, string>;
  for (const line of LINES) {
    const file = join(outDir, PACKAGE_DIR[line], PACKAGE_NAME);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, writeZip(packageEntries(line)));
    written[line] = file;
  }
  return written;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  pack(DIST_DIR, process.argv.includes('--strict')).then(
    (files) => {
      for (const [line, file] of Object.entries(files)) console.log(`OpenCart ${line}: ${file}`);
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
