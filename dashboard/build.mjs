// Builds the staff dashboard (dashboard/src, TypeScript) into dist/dashboard: one script, one
// stylesheet and the page, everything bundled from node_modules so the page loads nothing from
// the internet. Run by `npm run build` (server/start.mjs --build) and, when the bundle is missing
// or older than its sources, by `npm start` and by the server itself before its first answer.
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The files the server serves under /dashboard/, by name. */
export const DASHBOARD_FILES = ['index.html', 'dashboard.js', 'dashboard.css'];

export function dashboardPaths(root) {
  return { source: path.join(root, 'dashboard'), output: path.join(root, 'dist', 'dashboard') };
}

function newestIn(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestIn(full));
    else newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** Whether the bundle is missing, or a source (a checkout with dashboard/) is newer than it. */
export function dashboardIsStale(root) {
  const { source, output } = dashboardPaths(root);
  let builtAt = Number.POSITIVE_INFINITY;
  for (const name of DASHBOARD_FILES) {
    try {
      builtAt = Math.min(builtAt, statSync(path.join(output, name)).mtimeMs);
    } catch {
      return true;
    }
  }
  try {
    return newestIn(source) > builtAt;
  } catch {
    // A deployment without the sources: the bundle it shipped with is the one.
    return false;
  }
}

/**
 * Bundles the page with esbuild. Each file is written under a temporary name and renamed into
 * place, so a server (or a parallel test process) reading the folder never sees half a file.
 */
export async function buildDashboard(root) {
  const { build } = await import('esbuild');
  const { source, output } = dashboardPaths(root);
  const result = await build({
    entryPoints: { dashboard: path.join(source, 'src', 'main.ts') },
    outdir: output,
    bundle: true,
    write: false,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome110', 'firefox110', 'safari16'],
    // The operations are sent as written; codegen checks them against schema.graphql and types them.
    loader: { '.graphql': 'text' },
    legalComments: 'none',
    logLevel: 'warning',
  });
  mkdirSync(output, { recursive: true });
  const files = result.outputFiles.map((file) => ({ name: path.basename(file.path), contents: file.contents }));
  files.push({ name: 'index.html', contents: readFileSync(path.join(source, 'index.html')) });
  for (const file of files) {
    const temporary = path.join(output, `.${file.name}.${process.pid}.tmp`);
    writeFileSync(temporary, file.contents);
    renameSync(temporary, path.join(output, file.name));
  }
  return files.map((file) => file.name);
}
