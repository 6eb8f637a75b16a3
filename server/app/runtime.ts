import { MikroORM } from '@mikro-orm/postgresql';
import { StaffMember, StaffRole, StaffTeam } from '../modules/staff/staff-member.entity';
import { issueToken, STAFF_TOKEN_PREFIX } from '../common/tokens';
import { MIGRATIONS } from '../migrations';
import { seedPlans } from '../seeders/plans';
import { startVault, type VaultRuntime } from '../modules/vault/vault.runtime';
import type { Config } from './config';
import { startEmbeddedPostgres, type RunningDatabase } from './database';
import type { Logger } from './logger';
import { ormConfig } from './orm';

export interface Runtime {
  orm: MikroORM;
  database: RunningDatabase;
  /** The store-access vault: master keys and the background shred jobs. */
  vault: VaultRuntime;
  /** Stops the background jobs, closes the pool, then stops the embedded PostgreSQL if we started it. */
  close(): Promise<void>;
}

export async function openDatabase(config: Config, logger: Logger): Promise<RunningDatabase> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: false, stop: async () => {} };
  return startEmbeddedPostgres({ dataDir: config.dataDir, port: config.EMBEDDED_PG_PORT, logger });
}

export async function openOrm(url: string, onQuery?: (sql: string) => void): Promise<MikroORM> {
  return MikroORM.init({ ...ormConfig({ clientUrl: url, onQuery }), migrations: { ...ormConfig({ clientUrl: url }).migrations, migrationsList: MIGRATIONS } });
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

export async function startRuntime(config: Config, logger: Logger): Promise<Runtime> {
  const database = await openDatabase(config, logger);
  let orm: MikroORM | undefined;
  let vault: VaultRuntime;
  try {
    orm = await openOrm(database.url);
    await prepareDatabase(orm);
    vault = await startVault(config, { orm, databaseUrl: database.url, logger });
  } catch (error) {
    await orm?.close();
    await database.stop();
    throw error;
  }
  return {
    orm,
    database,
    vault,
    close: async () => {
      await vault.stop();
      await orm.close();
      await database.stop();
    },
  };
}
