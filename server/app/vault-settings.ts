import type { VaultSettings } from '../modules/vault/vault.runtime';
import type { Config } from './config';
import type { Logger } from './logger';

/** The vault's settings from the environment: the variable names stop here. */
export function vaultSettingsFrom(config: Config): VaultSettings {
  return {
    masterKey: config.VAULT_MASTER_KEY ?? null,
    previousMasterKeys: (config.VAULT_PREVIOUS_MASTER_KEYS ?? '').split(','),
    masterKeyFile: config.VAULT_MASTER_KEY_FILE ?? null,
    dataDir: config.dataDir,
    shredAfterDays: config.VAULT_SHRED_AFTER_DAYS,
    verifyTimeoutMs: config.VAULT_VERIFY_TIMEOUT_MS,
    verifyPrivateHosts: config.VAULT_VERIFY_PRIVATE_HOSTS === 'true',
    verifyLimit: { maxChecks: config.VAULT_VERIFY_MAX_CHECKS, windowMinutes: config.VAULT_VERIFY_WINDOW_MINUTES },
  };
}

/** Several servers on one database must share the master key: a key file on one machine is a warning sign. */
export function warnAboutLocalKeyFile(config: Config, keySource: string, logger: Logger): void {
  if (config.DATABASE_URL && !config.VAULT_MASTER_KEY && !config.VAULT_MASTER_KEY_FILE) {
    logger.warn(
      { file: keySource },
      'DATABASE_URL without VAULT_MASTER_KEY: the vault master key is a file on this machine; every server process on this database must use the same key',
    );
  }
}
