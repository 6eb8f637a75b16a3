import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { StaffMember, StaffRole, StaffTeam } from '../modules/staff/staff-member.entity';
import { issueToken, STAFF_TOKEN_PREFIX } from '../common/tokens';
import { MIGRATIONS } from '../migrations';
import { seedPlans } from '../seeders/plans';
import { startVault, type VaultRuntime } from '../modules/vault/vault.runtime';
import { databaseReplicaUrls, type Config } from './config';
import { openDatabase, type RunningDatabase } from './database';
import type { Logger } from './logger';
import { ormConfig } from './orm';
import { LiveHub } from '../modules/live/live-hub';
import { liveSocketSettingsFromConfig } from './live-socket';
import { registerWebhookConsumer, startWebhooks, type WebhookRuntime } from '../modules/webhook/webhook.runtime';
import { mailSettingsFrom, startEventRuntime, type EventRuntime } from '../modules/events/events.runtime';
import { systemClock } from '../common/clock';
import { SlaEscalationJob } from '../modules/sla/sla-escalation.job';
import { supportCalendarFrom } from './support-hours';
import type { SupportCalendar } from '../modules/support-hours/support-calendar';
import { vaultSettingsFrom, warnAboutLocalKeyFile } from './vault-settings';
import { withStartupLock } from './startup-lock';

export interface Runtime {
  orm: MikroORM;
  database: RunningDatabase;
  /** The store-access vault: master keys and the background shred jobs. */
  vault: VaultRuntime;
  /** Domain events and the outbox relay (email, notifications, webhooks, live updates). */
  events: EventRuntime;
  /** Signed webhook deliveries, fed by the relay. */
  webhooks: WebhookRuntime;
  /** Committed events for this process's GraphQL subscriptions (LISTEN/NOTIFY on the outbox). */
  live: LiveHub;
  /** Publishes SLA escalations (75 % of a guaranteed target, breach); runs in every process, each published once. */
  escalations: SlaEscalationJob;
  /** The first admin's token when this start created it (an empty database and `firstAdminEmail`), else null. */
  firstAdminToken: string | null;
  /** Stops the background jobs, closes the pool, then stops the embedded PostgreSQL if we started it. */
  close(): Promise<void>;
}

export { openDatabase };

export interface RuntimeOptions {
  /** The embedded PostgreSQL died and could not be started again (see startEmbeddedPostgres). */
  onDatabaseLost?: (error: Error) => void;
  /**
   * The database, already being opened (npm start opens it while the server's modules load);
   * unset: opened here. Either way it is stopped when the start fails and by close().
   */
  database?: Promise<RunningDatabase>;
  /** The support calendar, shared with the HTTP app (its windows are worked out once); unset: one from config. */
  calendar?: SupportCalendar;
  /** Creates the first admin with this address when there is no staff member yet (npm start). */
  firstAdminEmail?: string;
}

export async function openOrm(url: string, onQuery?: (sql: string) => void, replicaUrls: readonly string[] = []): Promise<MikroORM> {
  return MikroORM.init({
    ...ormConfig({ clientUrl: url, onQuery, replicaUrls }),
    migrations: { ...ormConfig({ clientUrl: url }).migrations, migrationsList: MIGRATIONS },
  });
}

/** Applies committed migrations (idempotent, in one transaction) and seeds the plan catalogue. */
export async function prepareDatabase(orm: MikroORM): Promise<void> {
  await orm.getMigrator().up();
  await seedPlans(orm.em.fork());
}

/** On the very first start, creates an admin and returns its token (shown once). */
export async function ensureFirstAdmin(orm: MikroORM, email: string): Promise<string | null> {
  const em = orm.em.fork();
  if (await em.count(StaffMember, {})) return null;
  const issued = issueToken(STAFF_TOKEN_PREFIX);
  em.create(StaffMember, { email, name: 'Administrator', role: StaffRole.ADMIN, team: StaffTeam.DEVELOPMENT, tokenHash: issued.hash });
  await em.flush();
  return issued.token;
}

export const FIRST_ADMIN_TOKEN_FILE = 'first-admin-token';

/**
 * Where the first admin's token goes: never into the log stream, which collectors keep.
 * Run in a terminal (stderr is a TTY), it is shown there once. Otherwise (systemd, containers,
 * pipes) it is written to a file only its owner can read, and the log names the file.
 */
export function handOverFirstAdminToken(
  token: string,
  options: { email: string; dataDir: string; interactive: boolean; logger: Logger; write?: (text: string) => void },
): { shownOnTerminal: boolean; file: string | null } {
  if (options.interactive) {
    const write = options.write ?? ((text: string) => process.stderr.write(text));
    write(
      [
        '',
        `  First start: an admin account was created for ${options.email}.`,
        '  Its token is shown only this once; keep it safe:',
        '',
        `    ${token}`,
        '',
        `  In the playground, open "Headers" and paste: {"Authorization": "Bearer ${token}"}`,
        '',
        '',
      ].join('\n'),
    );
    return { shownOnTerminal: true, file: null };
  }
  mkdirSync(options.dataDir, { recursive: true });
  const file = path.join(options.dataDir, FIRST_ADMIN_TOKEN_FILE);
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // an older file keeps its mode on overwrite
  options.logger.warn(
    { file, email: options.email },
    'first start: the admin token was written to this file (readable by its owner only); read it, then delete the file',
  );
  return { shownOnTerminal: false, file };
}

export async function startRuntime(config: Config, logger: Logger, options: RuntimeOptions = {}): Promise<Runtime> {
  const database = await (options.database ?? openDatabase(config, logger, options));
  let orm: MikroORM | undefined;
  let vault: VaultRuntime | undefined;
  let firstAdminToken: string | null;
  let events: EventRuntime;
  let webhooks: WebhookRuntime;
  let live: LiveHub;
  let escalations: SlaEscalationJob;
  try {
    const opened = await openOrm(database.url, undefined, databaseReplicaUrls(config.DATABASE_REPLICA_URLS));
    orm = opened;
    // One process at a time sets the database up; the rest starts side by side.
    ({ vault, firstAdminToken } = await withStartupLock(opened, async () => {
      await prepareDatabase(opened);
      const started = await startVault(vaultSettingsFrom(config), { orm: opened, databaseUrl: database.url, logger });
      try {
        return { vault: started, firstAdminToken: options.firstAdminEmail ? await ensureFirstAdmin(opened, options.firstAdminEmail) : null };
      } catch (error) {
        await started.stop().catch(() => {});
        throw error;
      }
    }));
    warnAboutLocalKeyFile(config, vault.keySource, logger);
    events = await startEventRuntime({
      orm,
      logger,
      clock: systemClock,
      relayEnabled: config.OUTBOX_RELAY_ENABLED === 'true',
      mail: mailSettingsFrom(config),
      prune: { retentionDays: config.OUTBOX_RETENTION_DAYS, batchSize: config.OUTBOX_PRUNE_BATCH },
    });
    webhooks = startWebhooks({
      orm,
      keyring: vault.vault.keyring,
      clock: systemClock,
      logger,
      production: config.NODE_ENV === 'production',
      autoStart: false,
      events: events.events,
    });
    registerWebhookConsumer(events.relay, webhooks);
    live = new LiveHub({ orm, logger, socket: liveSocketSettingsFromConfig(config) });
    await live.start();
    escalations = new SlaEscalationJob({
      orm,
      clock: systemClock,
      calendar: options.calendar ?? supportCalendarFrom(config),
      events: events.events,
      logger,
      settings: {
        intervalSeconds: config.SLA_ESCALATION_INTERVAL_SECONDS,
        batchSize: config.SLA_ESCALATION_BATCH,
        catchUpMinutes: config.SLA_ESCALATION_CATCH_UP_MINUTES,
      },
    });
    escalations.start();
  } catch (error) {
    await vault?.stop().catch(() => {});
    await orm?.close();
    await database.stop();
    throw error;
  }
  return {
    orm,
    database,
    vault,
    firstAdminToken,
    events,
    webhooks,
    live,
    escalations,
    close: () =>
      closeInOrder(logger, [
        ['escalations', () => escalations.stop()],
        ['live updates', () => live.stop()],
        ['events', () => events.stop()],
        ['webhooks', () => webhooks.dispatcher.stop()],
        ['job queue', () => vault.stop()],
        ['connection pool', () => orm.close()],
        ['database', () => database.stop()],
      ]),
  };
}

/**
 * The longest the background part of a stop may take after the requests are drained: the job
 * queue waits up to 10 s for running jobs, the embedded PostgreSQL gets 15 s to write its data out.
 */
export const BACKGROUND_STOP_BUDGET_MS = 25_000;

/**
 * Runs every step even when one fails, so a job that cannot stop cleanly (its connection lost
 * with a restarted database, say) never leaves the pool or the database running; then says
 * which steps failed, and how long each took.
 */
export async function closeInOrder(logger: Logger, steps: ReadonlyArray<readonly [string, () => Promise<void>]>): Promise<void> {
  const failed: string[] = [];
  const tookMs: Record<string, number> = {};
  for (const [name, stop] of steps) {
    const started = performance.now();
    try {
      await stop();
    } catch (error) {
      failed.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      logger.error({ err: error, step: name }, `could not stop the ${name} cleanly`);
    }
    tookMs[name] = Math.round(performance.now() - started);
  }
  logger.debug({ tookMs }, 'background work stopped');
  if (failed.length) throw new Error(`could not stop cleanly: ${failed.join('; ')}`);
}
