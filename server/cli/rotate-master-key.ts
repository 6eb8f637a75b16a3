/**
 * Rotates the vault's master key without downtime: every data key (stored store access and
 * webhook signing secrets) is re-wrapped under the new master key while the servers keep running
 * (the ciphertext itself never changes, so webhook receivers keep their secret).
 *
 *   npx tsx server/cli/rotate-master-key.ts                    re-wrap every data key under the current key
 *   npx tsx server/cli/rotate-master-key.ts --retire-previous  (key file) drop previous keys no data key needs
 *   npx tsx server/cli/rotate-master-key.ts --generate-key     print a new random master key, nothing else
 *
 * With VAULT_MASTER_KEY (a real deployment):
 *   1. roll the servers out with VAULT_MASTER_KEY=<new> and VAULT_PREVIOUS_MASTER_KEYS=<old>;
 *   2. run this command with the same environment: it re-wraps every data key under <new>;
 *   3. when it reports that no data key needs the previous keys, roll out without
 *      VAULT_PREVIOUS_MASTER_KEYS and destroy the old key.
 * With a key file (VAULT_MASTER_KEY_FILE, or the embedded default <DATA_DIR>/vault-master.key):
 *   1. run this command: it puts a new key first in the key file (running servers pick it up on
 *      their next use of the vault) and re-wraps every data key under it;
 *   2. run it again with --retire-previous to remove the old key from the file.
 * It never prints a key, except the new one --generate-key asked for.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig, type Config } from '../app/config';
import { startEmbeddedPostgres, type RunningDatabase } from '../app/database';
import { createLogger } from '../app/logger';
import { openOrm } from '../app/runtime';
import { FileKeyring, generateMasterKeyText, readKeyFile, writeKeyFile, type MasterKeyring } from '../modules/vault/keyring';
import { rewrapDataKeys, type RotationResult } from '../modules/vault/rotation';
import { vaultSettingsFrom } from '../app/vault-settings';
import { keyFilePath, keyringFrom } from '../modules/vault/vault.runtime';
import { masterKeyId } from '../modules/vault/envelope';
import { rewrapWebhookSecrets, type SecretRotationResult } from '../modules/webhook/webhook-secret';

const args = new Set(process.argv.slice(2));
const USAGE = 'usage: rotate-master-key.ts [--retire-previous | --generate-key]';

async function main(): Promise<number> {
  if (args.has('--help') || args.has('-h')) {
    console.log(USAGE);
    return 0;
  }
  if ([...args].some((a) => !['--retire-previous', '--generate-key'].includes(a))) {
    console.error(USAGE);
    return 64;
  }
  if (args.has('--generate-key')) {
    console.log(generateMasterKeyText());
    return 0;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 78;
    }
    throw error;
  }
  return config.VAULT_MASTER_KEY ? rotateFromEnvironment(config) : rotateKeyFile(config);
}

/** VAULT_MASTER_KEY is the new key; VAULT_PREVIOUS_MASTER_KEYS hold the ones being replaced. */
async function rotateFromEnvironment(config: Config): Promise<number> {
  if (args.has('--retire-previous')) {
    console.error('--retire-previous is for the key file; with VAULT_MASTER_KEY, remove VAULT_PREVIOUS_MASTER_KEYS from the environment instead.');
    return 64;
  }
  const { keyring } = keyringFrom(vaultSettingsFrom(config));
  const result = await withDatabase(config, (url) => rewrap(url, keyring));
  report(result, keyring);
  if (result.remaining === 0 && config.VAULT_PREVIOUS_MASTER_KEYS) {
    console.log('No data key needs the previous keys any more: remove VAULT_PREVIOUS_MASTER_KEYS from every server and destroy the old key.');
  }
  return result.remaining === 0 ? 0 : 1;
}

async function rotateKeyFile(config: Config): Promise<number> {
  const file = keyFilePath(vaultSettingsFrom(config));
  if (!existsSync(file)) {
    console.error(`There is no key file at ${file}: start the server once (it creates one), or set VAULT_MASTER_KEY.`);
    return 1;
  }
  const keys = readKeyFile(file);
  if (args.has('--retire-previous')) {
    const keyring = new FileKeyring(file);
    const result = await withDatabase(config, (url) => rewrap(url, keyring));
    report(result, keyring);
    if (result.remaining > 0) {
      console.error(`${result.remaining} key(s) still use a previous key that this file does not hold; nothing was removed.`);
      return 1;
    }
    // Only the keys the file held when we started are dropped; the current one stays.
    const current = readKeyFile(file)[0]!;
    writeKeyFile(file, [current]);
    console.log(`Removed ${keys.length - 1} previous key(s) from ${file}; it now holds only key ${masterKeyId(current)}.`);
    return 0;
  }
  const fresh = randomBytes(32);
  writeKeyFile(file, [fresh, ...keys]);
  console.log(`Added a new master key ${masterKeyId(fresh)} at the top of ${file}; running servers use it from their next vault operation.`);
  const keyring = new FileKeyring(file);
  const result = await withDatabase(config, (url) => rewrap(url, keyring));
  report(result, keyring);
  console.log('The previous key stays in the file; once every server has seen the new one, run again with --retire-previous.');
  return result.remaining === 0 ? 0 : 1;
}

interface Rewrapped {
  access: RotationResult;
  webhookSecrets: SecretRotationResult;
  /** Keys of either kind still wrapped by another master key. */
  remaining: number;
}

async function rewrap(url: string, keyring: MasterKeyring): Promise<Rewrapped> {
  const orm = await openOrm(url);
  try {
    const access = await rewrapDataKeys(orm.em.fork(), keyring);
    const webhookSecrets = await rewrapWebhookSecrets(orm.em.fork(), keyring);
    return { access, webhookSecrets, remaining: access.remaining + webhookSecrets.remaining };
  } finally {
    await orm.close();
  }
}

function report(result: Rewrapped, keyring: MasterKeyring): void {
  const line = (what: string, r: RotationResult | SecretRotationResult) =>
    `Re-wrapped ${r.rewrapped} ${what} under master key ${keyring.current().id}; ` +
    `${r.skipped} changed meanwhile (already current); ${r.remaining} still under another key` +
    (r.remainingKeyIds.length ? ` (${r.remainingKeyIds.join(', ')})` : '') +
    '.';
  console.log(line('data key(s)', result.access));
  console.log(line('webhook signing secret(s)', result.webhookSecrets));
}

/** DATABASE_URL, or the embedded PostgreSQL: the running server's if it is up (shared), else started for the command. */
async function withDatabase<T>(config: Config, work: (url: string) => Promise<T>): Promise<T> {
  if (config.DATABASE_URL) return work(config.DATABASE_URL);
  let database: RunningDatabase | undefined;
  try {
    database = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.EMBEDDED_PG_PORT, logger: createLogger('warn') });
    return await work(database.url);
  } finally {
    await database?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`The rotation failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
