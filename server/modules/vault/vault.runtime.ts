import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { systemClock, type Clock } from '../../common/clock';
import type { Logger } from '../../common/logger';
import type { CheckLimit } from './access-rules';
import { createKeyFileIfMissing, FileKeyring, KeyFileError, parseMasterKey, StaticKeyring, type MasterKeyring } from './keyring';
import { Vault } from './vault';
import { startVaultJobs, type VaultJobs } from './vault.jobs';

export const KEY_FILE_NAME = 'vault-master.key';

export interface KeyringChoice {
  keyring: MasterKeyring;
  /** Set when the key file was created just now: its owner must back it up. */
  createdFile: string | null;
}

/** Where the master keys come from; the wiring (app/vault-settings.ts) maps the environment onto it. */
export interface VaultKeySettings {
  /** The current master key (base64), when given directly. */
  masterKey: string | null;
  /** Keys being replaced during a rotation (base64), with `masterKey` only. */
  previousMasterKeys: string[];
  /** A key file that must exist; without it and without `masterKey`, <dataDir>/vault-master.key. */
  masterKeyFile: string | null;
  dataDir: string;
}

export interface VaultSettings extends VaultKeySettings {
  /** Days between resolution and shredding (fractions allowed). */
  shredAfterDays: number;
  verifyTimeoutMs: number;
  verifyPrivateHosts: boolean;
  verifyLimit: CheckLimit;
}

/** The key file in use when no master key is given directly: the named file, or <dataDir>/vault-master.key. */
export function keyFilePath(settings: VaultKeySettings): string {
  return settings.masterKeyFile ? path.resolve(settings.masterKeyFile) : path.join(settings.dataDir, KEY_FILE_NAME);
}

/**
 * The master keys: a key given directly (+ the previous ones), as a real deployment does; or
 * a named key file (which must exist); otherwise the key file in the data folder, created with
 * a new random key on first start and readable by its owner only.
 */
export function keyringFrom(settings: VaultKeySettings): KeyringChoice {
  if (settings.masterKey) {
    const previous = settings.previousMasterKeys.filter((k) => k.trim() !== '').map((k) => parseMasterKey(k)!);
    return { keyring: new StaticKeyring(parseMasterKey(settings.masterKey)!, previous), createdFile: null };
  }
  const file = keyFilePath(settings);
  if (settings.masterKeyFile) {
    if (!existsSync(file)) throw new KeyFileError(`VAULT_MASTER_KEY_FILE names ${file}, which does not exist`);
    return { keyring: new FileKeyring(file), createdFile: null };
  }
  mkdirSync(settings.dataDir, { recursive: true });
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
  const rows = await em
    .getConnection()
    .execute<Array<{ master_key_id: string }>>('select distinct master_key_id from ticket_access where shredded_at is null and master_key_id is not null');
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
  settings: VaultSettings,
  options: { orm: MikroORM; databaseUrl: string; logger: Logger; clock?: Clock },
): Promise<VaultRuntime> {
  const { keyring, createdFile } = keyringFrom(settings);
  const vault = new Vault({
    keyring,
    shredDelayDays: settings.shredAfterDays,
    clock: options.clock ?? systemClock,
    logger: options.logger.child({ component: 'vault' }),
    verify: { timeoutMs: settings.verifyTimeoutMs, allowPrivateHosts: settings.verifyPrivateHosts, limit: settings.verifyLimit },
  });
  await refuseForeignKeys(options.orm.em.fork(), keyring);
  if (createdFile) {
    options.logger.warn({ file: createdFile }, 'generated a new vault master key: back this file up, without it no stored store access can be read');
  }
  const jobs = await startVaultJobs({ connectionString: options.databaseUrl, orm: options.orm, vault, logger: options.logger });
  return { vault, jobs, keySource: keyring.source, createdKeyFile: createdFile, stop: () => jobs.stop() };
}
