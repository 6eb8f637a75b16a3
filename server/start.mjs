// `npm start`: runs the server compiled to one JavaScript file, so a start compiles nothing.
// The file is built on install (`prepare`) and rebuilt here only when a source under server/
// is newer than it (a pull or an edit), which takes esbuild well under a second.
//   node server/start.mjs           build if stale, then run the server
//   node server/start.mjs --build   build only (the server, and the dashboard page from dashboard/)
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildDashboard, dashboardIsStale } from '../dashboard/build.mjs';

const root = path.resolve(import.meta.dirname, '..');
// dist/server/main.js: two folders down, like server/main.ts, so paths from the project root hold.
const output = path.join(root, 'dist', 'server', 'main.js');

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
  await esbuild({
    entryPoints: [path.join(root, 'server', 'main.ts')],
    outfile: output,
    bundle: true,
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
}

const buildOnly = process.argv.includes('--build');
if (buildOnly || builtAt() < Math.max(newestSource(path.join(root, 'server')), statSync(import.meta.filename).mtimeMs)) await build();
// The staff dashboard's page (dist/dashboard), likewise built on install and when stale.
if (buildOnly || dashboardIsStale(root)) await buildDashboard(root);
if (!buildOnly) {
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(output).href);
}
