import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Envelope encryption with AES-256-GCM (Node's OpenSSL): every ticket's access is sealed
 * with its own random data key, and only that data key, wrapped by a master key, is stored
 * next to it. Destroying the wrapped data key makes the ciphertext unreadable for good
 * ("crypto-shredding"); re-wrapping the data keys rotates the master key without touching
 * the ciphertext.
 *
 * A sealed box is: format version (1 byte) | IV (12 bytes) | GCM tag (16 bytes) | ciphertext.
 * The associated data binds each box to its row and purpose, so a box copied onto another
 * row, or a profile box swapped with a secrets box, fails to open.
 */
const FORMAT_V1 = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

export class EnvelopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvelopeError';
  }
}

export function newDataKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

export function seal(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([FORMAT_V1]), iv, cipher.getAuthTag(), body]);
}

/** Opens a box; throws EnvelopeError (never with any content) when the key, data or binding is wrong. */
export function open(key: Buffer, box: Buffer, aad: string): Buffer {
  assertKey(key);
  if (box.length < 1 + IV_BYTES + TAG_BYTES || box[0] !== FORMAT_V1) throw new EnvelopeError('not a sealed box of a known format');
  const iv = box.subarray(1, 1 + IV_BYTES);
  const tag = box.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  const body = box.subarray(1 + IV_BYTES + TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new EnvelopeError('the sealed box failed authentication (wrong key, tampered, or bound to another record)');
  }
}

export function sealJson(key: Buffer, value: unknown, aad: string): Buffer {
  const plaintext = Buffer.from(JSON.stringify(value), 'utf8');
  try {
    return seal(key, plaintext, aad);
  } finally {
    plaintext.fill(0);
  }
}

export function openJson<T>(key: Buffer, box: Buffer, aad: string): T {
  const plaintext = open(key, box, aad);
  try {
    return JSON.parse(plaintext.toString('utf8')) as T;
  } catch {
    // JSON.parse quotes the text it failed on: never let that reach a log.
    throw new EnvelopeError('the sealed box does not hold JSON');
  } finally {
    plaintext.fill(0);
  }
}

/** Wraps a data key under a master key, bound to the record it belongs to. */
export function wrapDataKey(masterKey: Buffer, dataKey: Buffer, recordId: string): Buffer {
  assertKey(dataKey);
  return seal(masterKey, dataKey, `vault:data-key:${recordId}`);
}

export function unwrapDataKey(masterKey: Buffer, wrapped: Buffer, recordId: string): Buffer {
  const key = open(masterKey, wrapped, `vault:data-key:${recordId}`);
  assertKey(key);
  return key;
}

/**
 * A master key's public name, stored with every data key it wraps: a truncated hash of the
 * key, so it names the key without revealing anything usable about it.
 */
export function masterKeyId(masterKey: Buffer): string {
  assertKey(masterKey);
  return createHash('sha256').update('opencart-support-desk/vault/master-key-id\0').update(masterKey).digest('hex').slice(0, 16);
}

function assertKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) throw new EnvelopeError(`a key must be ${KEY_BYTES} bytes`);
}
