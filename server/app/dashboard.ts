import path from 'node:path';
import express, { type RequestHandler, type Router } from 'express';
import { buildDashboard, dashboardIsStale, dashboardPaths } from '../../dashboard/build.mjs';
import { PROJECT_ROOT } from './config';
import type { Logger } from './logger';

/** Everything the page loads comes from this server; it talks to /graphql only. */
export const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const FILES: Record<string, string> = { '/': 'index.html', '/dashboard.js': 'dashboard.js', '/dashboard.css': 'dashboard.css' };

// One check per process: `npm run build` (prepare) builds the page; `npm start` checks it once it
// listens (prepareDashboard), and a server run another way (tsx, the tests) before the page's
// first answer; a missing or stale page is built then.
let bundleReady: Promise<void> | null = null;

function ensureBundle(logger: Logger): Promise<void> {
  bundleReady ??= (async () => {
    if (!dashboardIsStale(PROJECT_ROOT)) return;
    await buildDashboard(PROJECT_ROOT);
    logger.info('built the dashboard into dist/dashboard');
  })().catch((error: unknown) => {
    bundleReady = null;
    throw error;
  });
  return bundleReady;
}

/** Checks the page now, building it if it is missing or older than dashboard/, instead of at its first request. */
export function prepareDashboard(logger: Logger): void {
  ensureBundle(logger).catch((error: unknown) => logger.error({ err: error }, 'the dashboard could not be built'));
}

/** The staff dashboard at /dashboard: a page, its script and its stylesheet, built from dashboard/. */
export function dashboardRoutes(logger: Logger): Router {
  const router = express.Router();
  const { output } = dashboardPaths(PROJECT_ROOT);
  for (const [route, file] of Object.entries(FILES)) {
    const handler: RequestHandler = async (_req, res) => {
      try {
        await ensureBundle(logger);
      } catch (error) {
        logger.error({ err: error }, 'the dashboard could not be built');
        res.status(503).type('text/plain').send('The dashboard is not built: run `npm run build`.');
        return;
      }
      res.sendFile(path.join(output, file), {
        cacheControl: false,
        headers: {
          'Content-Security-Policy': DASHBOARD_CSP,
          'X-Content-Type-Options': 'nosniff',
          'Referrer-Policy': 'no-referrer',
          // Same names after every build: revalidated each time (ETag), never stale.
          'Cache-Control': 'no-cache',
        },
      });
    };
    router.get(route, handler);
  }
  return router;
}
