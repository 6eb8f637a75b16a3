import 'reflect-metadata';
import { ConfigError, loadConfig } from './app/config';
import { openDatabase } from './app/database';
import { createLogger } from './app/logger';

/**
 * Exit codes, for a supervisor (README, "Running under a supervisor"): 0 stopped cleanly;
 * 1 failed to start or to stop; 69 the embedded PostgreSQL died and could not be started
 * again (restart the service); 78 bad configuration (fix it: restarting does not help).
 */
export const EXIT_DATABASE_LOST = 69;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  // Exit 1 as Node would, but say why first: a crash with no reason in the log cannot be diagnosed.
  const crash = (kind: string) => (error: unknown) => {
    logger.fatal({ err: error }, `${kind}: exiting`);
    process.exit(1);
  };
  process.on('uncaughtException', crash('uncaught exception'));
  process.on('unhandledRejection', crash('unhandled promise rejection'));
  // The database starts while the server's modules load (most of a start): neither needs the other.
  const database = openDatabase(config, logger, {
    onDatabaseLost: (error) => {
      process.stderr.write(`OpenCart Support Desk stops: ${error.message}\n`);
      process.exit(EXIT_DATABASE_LOST);
    },
  });
  // Its failure is handled where it is awaited (startRuntime), after the modules have loaded.
  database.catch(() => {});
  let startServer: typeof import('./app/start-server').startServer;
  try {
    ({ startServer } = await import('./app/start-server'));
  } catch (error) {
    await database.then((opened) => opened.stop()).catch(() => {});
    throw error;
  }
  await startServer(config, logger, database);
}

main().catch((error) => {
  process.stderr.write(`OpenCart Support Desk failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
