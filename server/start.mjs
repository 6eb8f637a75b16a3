// `npm start`: runs the server compiled to JavaScript, so a start compiles nothing.
// The files are built on install (`prepare`) and rebuilt here only when a source under server/
// is newer than them (a pull or an edit), which takes esbuild well under a second.
//   node server/start.mjs           build if stale, then run the server
//   node server/start.mjs --build   build only (the server, and the dashboard page from dashboard/)
import { readdirSync, rmSync, statSync } from 'node:fs';
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
    // Dependencies stay in node_modules, loaded as they are under tsx.
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
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
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(output).href);
}
