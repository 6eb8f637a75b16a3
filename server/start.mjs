// `npm start`: runs the server compiled to JavaScript, so a start compiles nothing.
// The files are built on install (`prepare`) and rebuilt here only when a source under server/
// is newer than them (a pull or an edit), which takes esbuild well under a second.
//   node server/start.mjs           build if stale, then run the server
//   node server/start.mjs --build   build only (the server, and the dashboard page from dashboard/)
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import module, { createRequire, isBuiltin } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '..');
// dist/server/main.js and its chunks: two folders down, like server/main.ts, so paths from the project root hold.
const outdir = path.join(root, 'dist', 'server');
const output = path.join(outdir, 'main.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

function builtAt() {
  try {
    return statSync(output).mtimeMs;
  } catch {
    return 0;
  }
}

const nodeRequire = createRequire(path.join(root, 'package.json'));

function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The file `import` loads for a package's root, from its exports map (null when it has no import condition). */
function importTarget(exports) {
  let entry = exports?.['.'] ?? exports;
  if (typeof entry !== 'object' || entry === null || !('import' in entry)) return null;
  entry = entry.import;
  while (typeof entry === 'object' && entry !== null) entry = entry.node ?? entry.default;
  return typeof entry === 'string' ? entry : null;
}

/**
 * Whether `import` and `require` of this package give the same CommonJS module: a CommonJS-only
 * package, or an ES wrapper that only re-exports the CommonJS build (MikroORM's index.mjs).
 */
function sameModuleRequired(specifier) {
  if (isBuiltin(specifier)) return false;
  let file;
  try {
    file = nodeRequire.resolve(specifier);
  } catch {
    return false; // ES modules only
  }
  if (!/\.c?js$/.test(file)) return false;
  const name = packageName(specifier);
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
    if (pkg.name !== name) {
      if (pkg.type === 'module' && file.endsWith('.js')) return false;
      continue;
    }
    if (pkg.type === 'module' && file.endsWith('.js')) return false;
    if (!pkg.exports || !JSON.stringify(pkg.exports).includes('"import"')) return true;
    const target = specifier === name ? importTarget(pkg.exports) : null;
    if (!target) return false;
    const wrapper = path.join(dir, target);
    const imports = [...readFileSync(wrapper, 'utf8').matchAll(/^(?:import|export)\b[^'"]*?\bfrom\s+["'](\.[^"']+)["']/gm)];
    return imports.length === 1 && path.resolve(path.dirname(wrapper), imports[0][1]) === file;
  }
  return false;
}

/**
 * Node imports a CommonJS package into an ES module through a lexer that reads its files to find
 * its exports (MikroORM's index re-exports hundreds): a third of a start's module loading. Such
 * packages are loaded with require() instead, which gives the very same module, only faster.
 * ES-only packages and those whose ES build is a module of its own stay imports.
 */
const requireCommonJs = {
  name: 'require-commonjs',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind !== 'import-statement' || !sameModuleRequired(args.path)) return undefined;
      return { path: args.path, namespace: 'require-commonjs' };
    });
    build.onLoad({ filter: /.*/, namespace: 'require-commonjs' }, (args) => ({
      contents: `module.exports = __nodeRequire(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

async function build() {
  const { build: esbuild } = await import('esbuild');
  const result = await esbuild({
    entryPoints: { main: path.join(root, 'server', 'main.ts') },
    outdir,
    bundle: true,
    // What main.ts and the modules load with `import()` go to chunks of their own, loaded when
    // asked for: the database starts while the rest of the server loads, and a module only some
    // configurations use (the S3 client) is not loaded by the others.
    splitting: true,
    chunkNames: 'chunk-[hash]',
    metafile: true,
    absWorkingDir: root,
    // Dependencies stay in node_modules; CommonJS ones are required (requireCommonJs).
    packages: 'external',
    plugins: [requireCommonJs],
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const __nodeRequire = __createRequire(import.meta.url);" },
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Stack traces name the TypeScript files and lines; the sources themselves stay out of the maps,
    // which Node reads at every start.
    sourcemap: true,
    sourcesContent: false,
    // The same transform as tsx (decorators from tsconfig.json; types are explicit on every decorator).
    tsconfig: path.join(root, 'tsconfig.json'),
    logLevel: 'warning',
  });
  // Chunks of earlier builds (their names change with their contents) go.
  const built = new Set(Object.keys(result.metafile.outputs).map((file) => path.resolve(root, file)));
  for (const name of readdirSync(outdir)) {
    const file = path.join(outdir, name);
    if (name.startsWith('chunk-') && !built.has(file) && !built.has(file.replace(/\.map$/, ''))) rmSync(file, { force: true });
  }
}

const buildOnly = process.argv.includes('--build');
if (buildOnly || builtAt() < Math.max(newestSource(path.join(root, 'server')), statSync(import.meta.filename).mtimeMs)) await build();
// The staff dashboard's page (dist/dashboard), built on install; a start leaves it to the server,
// which checks it once it listens (server/app/dashboard.ts).
if (buildOnly) {
  const { buildDashboard } = await import('../dashboard/build.mjs');
  await buildDashboard(root);
}
if (!buildOnly) {
  // Node 22.1 and later keep the compiled code of the modules for the next start (Node 20 has no such cache).
  module.enableCompileCache?.();
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(output).href);
}
