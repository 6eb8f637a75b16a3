import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EnvelopeError, masterKeyId, newDataKey, open, openJson, seal, sealJson, unwrapDataKey, wrapDataKey } from '../../server/modules/vault/envelope';
import {
  createKeyFileIfMissing,
  FileKeyring,
  KeyFileError,
  parseMasterKey,
  readKeyFile,
  StaticKeyring,
  writeKeyFile,
} from '../../server/modules/vault/keyring';
import { TicketAccess } from '../../server/modules/vault/ticket-access.entity';
import { openProfile, openSecrets, rewrapInto, sealInto, ShreddedError, shredRow } from '../../server/modules/vault/sealed-access';
import { AccessShredReason, FileAuthMethod, FileProtocol } from '../../server/modules/vault/vault.enums';

const key = () => randomBytes(32);
const fixedKey = key();

describe('AES-256-GCM envelope', () => {
  it('seals and opens; the box holds no plaintext and differs every time', () => {
    const k = key();
    const secret = Buffer.from('S3cr3t-password-in-a-box');
    const a = seal(k, secret, 'row-1');
    const b = seal(k, secret, 'row-1');
    expect(open(k, a, 'row-1').equals(secret)).toBe(true);
    expect(a.equals(b)).toBe(false);
    expect(a.includes(secret)).toBe(false);
    expect(a.length).toBe(1 + 12 + 16 + secret.length);
  });

  it.each([
    ['another key', (box: Buffer) => open(key(), box, 'row-1')],
    ['another record (associated data)', (box: Buffer) => open(fixedKey, box, 'row-2')],
    ['a flipped ciphertext bit', (box: Buffer) => open(fixedKey, flip(box, box.length - 1), 'row-1')],
    ['a flipped tag bit', (box: Buffer) => open(fixedKey, flip(box, 14), 'row-1')],
    ['a truncated box', (box: Buffer) => open(fixedKey, box.subarray(0, 20), 'row-1')],
    ['an unknown format', (box: Buffer) => open(fixedKey, flip(box, 0), 'row-1')],
  ])('refuses %s without saying anything about the content', (_name, attempt) => {
    const box = seal(fixedKey, Buffer.from('S3cr3t'), 'row-1');
    expect(() => attempt(box)).toThrow(EnvelopeError);
    try {
      attempt(box);
    } catch (error) {
      expect((error as Error).message).not.toContain('S3cr3t');
    }
  });

  it('wraps a data key for one record only; key ids are stable and reveal nothing', () => {
    const master = key();
    const data = newDataKey();
    const wrapped = wrapDataKey(master, data, 'access-1');
    expect(unwrapDataKey(master, wrapped, 'access-1').equals(data)).toBe(true);
    expect(() => unwrapDataKey(master, wrapped, 'access-2')).toThrow(EnvelopeError);
    expect(masterKeyId(master)).toBe(masterKeyId(Buffer.from(master)));
    expect(masterKeyId(master)).toMatch(/^[0-9a-f]{16}$/);
    expect(masterKeyId(master)).not.toBe(masterKeyId(key()));
    expect(master.toString('hex')).not.toContain(masterKeyId(master));
  });

  it('JSON round trip', () => {
    const k = key();
    expect(openJson(k, sealJson(k, { a: 1, b: 'x' }, 'j'), 'j')).toEqual({ a: 1, b: 'x' });
  });

  it('refuses keys of the wrong size', () => {
    expect(() => seal(randomBytes(16), Buffer.from('x'), 'a')).toThrow(/32 bytes/);
  });
});

function flip(buffer: Buffer, index: number): Buffer {
  const copy = Buffer.from(buffer);
  copy[index] = copy[index]! ^ 0x01;
  return copy;
}

describe('a ticket access row', () => {
  const access = {
    profile: {
      storeAdminUrl: 'https://s.example/admin',
      storeAdminUsername: 'admin',
      protocol: FileProtocol.FTP,
      host: 'ftp.s.example',
      port: 21,
      username: 'u',
      rootPath: '/',
    },
    secrets: { storeAdminPassword: 'S3cr3t-A', filePassword: 'S3cr3t-F', filePrivateKey: null },
    authMethod: FileAuthMethod.PASSWORD,
  };

  it('is sealed under its own data key, opens with the keyring, re-wraps under a new master key, and shreds for good', () => {
    const first = StaticKeyring.random();
    const row = new TicketAccess();
    sealInto(row, access, first);
    expect(row.masterKeyId).toBe(first.current().id);
    expect(openProfile(row, first)).toEqual(access.profile);
    expect(openSecrets(row, first)).toEqual(access.secrets);

    const sealedBefore = Buffer.from(row.sealedSecrets!);
    const second = new StaticKeyring(key(), [first.current().key]);
    expect(rewrapInto(row, second)).toBe(true);
    expect(rewrapInto(row, second)).toBe(false);
    expect(row.masterKeyId).toBe(second.current().id);
    expect(row.sealedSecrets!.equals(sealedBefore)).toBe(true);
    expect(openSecrets(row, new StaticKeyring(second.current().key))).toEqual(access.secrets);
    expect(() => openSecrets(row, first)).toThrow(/does not hold/);

    const generation = row.generation;
    shredRow(row, AccessShredReason.WITHDRAWN, new Date());
    expect([row.wrappedDataKey, row.sealedProfile, row.sealedSecrets, row.masterKeyId]).toEqual([null, null, null, null]);
    expect(row.generation).toBe(generation + 1);
    expect(() => openSecrets(row, second)).toThrow(ShreddedError);
  });

  it('cannot be opened with the boxes of another row', () => {
    const keyring = StaticKeyring.random();
    const a = new TicketAccess();
    const b = new TicketAccess();
    sealInto(a, access, keyring);
    sealInto(b, access, keyring);
    b.sealedSecrets = a.sealedSecrets;
    expect(() => openSecrets(b, keyring)).toThrow(EnvelopeError);
  });
});

describe('master keys', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vault-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [randomBytes(32).toString('base64'), true],
    [`  ${randomBytes(32).toString('base64')}\n`, true],
    [randomBytes(31).toString('base64'), false],
    [randomBytes(33).toString('base64'), false],
    [randomBytes(32).toString('hex'), false],
    [randomBytes(32).toString('base64url'), false],
    ['', false],
  ])('parseMasterKey(%j) accepts only 32 bytes of standard base64: %s', (text, ok) => {
    expect(parseMasterKey(text) !== null).toBe(ok);
  });

  it('the key file is created once, mode 0600, and reused', () => {
    const file = path.join(dir, 'first.key');
    expect(createKeyFileIfMissing(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const keys = readKeyFile(file);
    expect(keys).toHaveLength(1);
    expect(createKeyFileIfMissing(file)).toBe(false);
    expect(readKeyFile(file)[0]!.equals(keys[0]!)).toBe(true);
    expect(readFileSync(file, 'utf8')).toMatch(/^# /);
  });

  it('refuses a key file others can read, or one with a bad line', () => {
    const file = path.join(dir, 'loose.key');
    createKeyFileIfMissing(file);
    chmodSync(file, 0o644);
    expect(() => readKeyFile(file)).toThrow(/chmod 600/);
    const bad = path.join(dir, 'bad.key');
    writeFileSync(bad, 'not a key\n', { mode: 0o600 });
    expect(() => readKeyFile(bad)).toThrow(KeyFileError);
    expect(() => readKeyFile(bad)).not.toThrow(/not a key\b.*not a key/);
  });

  it('a running FileKeyring picks up a rotated file: new current key, old one still readable', () => {
    const file = path.join(dir, 'rotating.key');
    createKeyFileIfMissing(file);
    const keyring = new FileKeyring(file);
    const before = keyring.current();
    const fresh = key();
    writeKeyFile(file, [fresh, before.key]);
    expect(keyring.current().id).toBe(masterKeyId(fresh));
    expect(keyring.find(before.id)?.key.equals(before.key)).toBe(true);
    writeKeyFile(file, [fresh]);
    expect(keyring.find(before.id)).toBeNull();
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
