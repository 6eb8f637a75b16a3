import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { systemClock, type Clock } from '../../app/clock';
import type { Config } from '../../app/config';
import type { Logger } from '../../app/logger';
import { createKeyFileIfMissing, FileKeyring, KeyFileError, parseMasterKey, StaticKeyring, type MasterKeyring } from './keyring';
import { attachVault, Vault } from './vault';
import { startVaultJobs, type VaultJobs } from './vault.jobs';

export const KEY_FILE_NAME = 'vault-master.key';

export interface KeyringChoice {
  keyring: MasterKeyring;
  /** Set when the key file was created just now: its owner must back it up. */
  createdFile: string | null;
}

type VaultKeyConfig = Pick<Config, 'VAULT_MASTER_KEY' | 'VAULT_PREVIOUS_MASTER_KEYS' | 'VAULT_MASTER_KEY_FILE' | 'dataDir'>;

/** The key file in use when VAULT_MASTER_KEY is not set: VAULT_MASTER_KEY_FILE, or <DATA_DIR>/vault-master.key. */
export function keyFilePath(config: VaultKeyConfig): string {
  return config.VAULT_MASTER_KEY_FILE ? path.resolve(config.VAULT_MASTER_KEY_FILE) : path.join(config.dataDir, KEY_FILE_NAME);
}

/**
 * The master keys from the configuration: VAULT_MASTER_KEY (+ VAULT_PREVIOUS_MASTER_KEYS)
 * when set, as a real deployment does; or a key file named by VAULT_MASTER_KEY_FILE (which
 * must exist); otherwise the key file in DATA_DIR, created with a new random key on first
 * start and readable by its owner only.
 */
export function keyringFromConfig(config: VaultKeyConfig): KeyringChoice {
  if (config.VAULT_MASTER_KEY) {
    const previous = (config.VAULT_PREVIOUS_MASTER_KEYS ?? '')
      .split(',')
      .filter((k) => k.trim() !== '')
      .map((k) => parseMasterKey(k)!);
    return { keyring: new StaticKeyring(parseMasterKey(config.VAULT_MASTER_KEY)!, previous), createdFile: null };
  }
  const file = keyFilePath(config);
  if (config.VAULT_MASTER_KEY_FILE) {
    if (!existsSync(file)) throw new KeyFileError(`VAULT_MASTER_KEY_FILE names ${file}, which does not exist`);
    return { keyring: new FileKeyring(file), createdFile: null };
  }
  mkdirSync(config.dataDir, { recursive: true });
  const created = createKeyFileIfMissing(file);
  return { keyring: new FileKeyring(file), createdFile: created ? file : null };
}

export interface VaultRuntime {
  vault: Vault;
  jobs: VaultJobs;
  /** Where the master key comes from (a variable name or a file path; never the key). */
  keySource: string;
  createdKeyFile: string | null;
  stop(): Promise<void>;
}

/**
 * Refuses to start when the database holds access sealed under a master key this process
 * does not have: it could not read it, and would seal new access under a key the others lack.
 */
export async function refuseForeignKeys(em: EntityManager, keyring: MasterKeyring): Promise<void> {
  const rows = await em.getConnection().execute<Array<{ master_key_id: string }>>(
    'select distinct master_key_id from ticket_access where shredded_at is null and master_key_id is not null',
  );
  const foreign = rows.map((r) => r.master_key_id).filter((id) => keyring.find(id) === null);
  if (foreign.length) {
    throw new Error(
      `The database holds store access sealed under master key(s) ${foreign.join(', ')}, which this server does not have (its key comes from ${keyring.source}). ` +
        'Give it the same VAULT_MASTER_KEY as the other servers, plus VAULT_PREVIOUS_MASTER_KEYS during a rotation.',
    );
  }
}

/** Opens the vault for the app: keys, the shred delay, the login checks, and the background jobs. */
export async function startVault(
  config: Config,
  options: { orm: MikroORM; databaseUrl: string; logger: Logger; clock?: Clock },
): Promise<VaultRuntime> {
  const { keyring, createdFile } = keyringFromConfig(config);
  const vault = new Vault({
    keyring,
    shredDelayDays: config.VAULT_SHRED_AFTER_DAYS,
    clock: options.clock ?? systemClock,
    logger: options.logger.child({ component: 'vault' }),
    verify: {
      timeoutMs: config.VAULT_VERIFY_TIMEOUT_MS,
      allowPrivateHosts: config.VAULT_VERIFY_PRIVATE_HOSTS === 'true',
      limit: { maxChecks: config.VAULT_VERIFY_MAX_CHECKS, windowMinutes: config.VAULT_VERIFY_WINDOW_MINUTES },
    },
  });
  await refuseForeignKeys(options.orm.em.fork(), keyring);
  attachVault(options.orm, vault);
  if (createdFile) {
    options.logger.warn({ file: createdFile }, 'generated a new vault master key: back this file up, without it no stored store access can be read');
  }
  if (config.DATABASE_URL && !config.VAULT_MASTER_KEY && !config.VAULT_MASTER_KEY_FILE) {
    options.logger.warn(
      { file: keyring.source },
      'DATABASE_URL without VAULT_MASTER_KEY: the vault master key is a file on this machine; every server process on this database must use the same key',
    );
  }
  const jobs = await startVaultJobs({ connectionString: options.databaseUrl, orm: options.orm, vault, logger: options.logger });
  return { vault, jobs, keySource: keyring.source, createdKeyFile: createdFile, stop: () => jobs.stop() };
}
