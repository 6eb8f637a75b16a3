import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { KEY_BYTES, masterKeyId } from './envelope';

export interface MasterKey {
  id: string;
  key: Buffer;
}

/**
 * The master keys of this process: the current one wraps new data keys; previous ones are
 * kept only to unwrap data keys that the rotation command has not re-wrapped yet.
 */
export interface MasterKeyring {
  current(): MasterKey;
  /** The key with this id, current or previous; null when this process does not hold it. */
  find(id: string): MasterKey | null;
  /** Where the keys come from, for messages (never the key itself). */
  readonly source: string;
}

const BASE64_32_BYTES = /^[A-Za-z0-9+/]{43}=$/;

/** A master key as written in the environment or the key file: 32 bytes in standard base64. */
export function parseMasterKey(text: string): Buffer | null {
  const trimmed = text.trim();
  if (!BASE64_32_BYTES.test(trimmed)) return null;
  const key = Buffer.from(trimmed, 'base64');
  return key.length === KEY_BYTES ? key : null;
}

export function generateMasterKeyText(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

function toMasterKey(key: Buffer): MasterKey {
  return { id: masterKeyId(key), key };
}

/** Keys given once (environment, tests). */
export class StaticKeyring implements MasterKeyring {
  private readonly keys: MasterKey[];

  constructor(
    current: Buffer,
    previous: Buffer[] = [],
    readonly source = 'VAULT_MASTER_KEY',
  ) {
    this.keys = [current, ...previous].map(toMasterKey);
  }

  /** A fresh random key held only in memory (tests). */
  static random(): StaticKeyring {
    return new StaticKeyring(randomBytes(KEY_BYTES), [], 'an in-memory test key');
  }

  current(): MasterKey {
    return this.keys[0]!;
  }

  find(id: string): MasterKey | null {
    return this.keys.find((k) => k.id === id) ?? null;
  }
}

export class KeyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyFileError';
  }
}

const KEY_FILE_HEADER = [
  '# OpenCart Support Desk: vault master keys, one per line, in base64.',
  '# The first key wraps new data keys; the others are kept only until the rotation command',
  '# has re-wrapped every data key (server/cli/rotate-master-key.ts).',
  '# Keep this file readable by its owner only, and back it up: without it no stored access can be read.',
];

/** Reads the key file, refusing one that other users could read. */
export function readKeyFile(file: string): Buffer[] {
  const stat = statSync(file);
  if ((stat.mode & 0o077) !== 0) {
    throw new KeyFileError(`${file} is readable or writable by other users (mode ${(stat.mode & 0o777).toString(8)}); run: chmod 600 ${file}`);
  }
  const keys: Buffer[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      const text = line.trim();
      if (text === '' || text.startsWith('#')) return;
      const key = parseMasterKey(text);
      if (!key) throw new KeyFileError(`line ${index + 1} of ${file} is not a master key (32 bytes in base64)`);
      keys.push(key);
    });
  if (keys.length === 0) throw new KeyFileError(`${file} holds no master key`);
  return keys;
}

function keyFileText(keys: Buffer[]): string {
  return [...KEY_FILE_HEADER, ...keys.map((k) => k.toString('base64')), ''].join('\n');
}

function writeTemp(file: string, keys: Buffer[]): string {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, keyFileText(keys));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return temp;
}

/** Replaces the key file atomically (readers see the old or the new file, never half of one). */
export function writeKeyFile(file: string, keys: Buffer[]): void {
  if (keys.length === 0) throw new KeyFileError('a key file needs at least one key');
  renameSync(writeTemp(file, keys), file);
}

/**
 * Creates the key file with one new key unless it exists; safe when several processes
 * start at once (the first link wins, the others read its key).
 */
export function createKeyFileIfMissing(file: string): boolean {
  const temp = writeTemp(file, [randomBytes(KEY_BYTES)]);
  try {
    linkSync(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temp);
  }
}

/**
 * Keys kept in a file (the embedded default). The file is read again whenever it changes
 * (one stat per use), so a rotation done by the command reaches running servers without a
 * restart, and a retired key stops being used at once.
 */
export class FileKeyring implements MasterKeyring {
  private keys: MasterKey[] = [];
  private stamp = '';

  constructor(readonly file: string) {
    this.reload();
  }

  get source(): string {
    return this.file;
  }

  private reload(): void {
    const stat = statSync(this.file);
    const stamp = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    if (stamp === this.stamp) return;
    this.keys = readKeyFile(this.file).map(toMasterKey);
    this.stamp = stamp;
  }

  current(): MasterKey {
    this.reload();
    return this.keys[0]!;
  }

  find(id: string): MasterKey | null {
    this.reload();
    return this.keys.find((k) => k.id === id) ?? null;
  }
}
