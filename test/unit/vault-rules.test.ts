import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/app/config';
import {
  admitCheck,
  checkAccess,
  DEFAULT_CHECK_LIMIT,
  mayReveal,
  shredAfterFor,
  storedState,
  type AccessFields,
  type CheckWindow,
} from '../../server/modules/vault/access-rules';
import { AccessVerificationOutcome, FileAuthMethod, FileProtocol, StoredAccessState } from '../../server/modules/vault/vault.enums';
import { classifyFtpError, classifySftpError, isInternalAddress } from '../../server/modules/vault/verifier';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----';

function fields(change: { storeAdmin?: Partial<AccessFields['storeAdmin']>; fileAccess?: Partial<AccessFields['fileAccess']> } = {}): AccessFields {
  return {
    storeAdmin: { url: 'https://shop.example.com/admin', username: 'admin', password: 'S3cr3t-admin', ...change.storeAdmin },
    fileAccess: { protocol: FileProtocol.FTP, host: 'ftp.example.com', username: 'ftpuser', password: 'S3cr3t-ftp', ...change.fileAccess },
  };
}

describe('checkAccess: what makes store access acceptable', () => {
  it('normalises: trims names, lower-cases the host, defaults the port and root path', () => {
    const check = checkAccess(fields({ storeAdmin: { username: ' admin ' }, fileAccess: { host: ' FTP.Example.COM ', rootPath: '  ' } }), ['input']);
    expect(check).toEqual({
      ok: true,
      access: {
        profile: {
          storeAdminUrl: 'https://shop.example.com/admin',
          storeAdminUsername: 'admin',
          protocol: FileProtocol.FTP,
          host: 'ftp.example.com',
          port: 21,
          username: 'ftpuser',
          rootPath: '/',
        },
        secrets: { storeAdminPassword: 'S3cr3t-admin', filePassword: 'S3cr3t-ftp', filePrivateKey: null },
        authMethod: FileAuthMethod.PASSWORD,
      },
    });
  });

  it.each([
    ['SFTP defaults to port 22', { fileAccess: { protocol: FileProtocol.SFTP } }, (c: any) => c.access.profile.port === 22],
    ['FTPS on 990 keeps its port', { fileAccess: { protocol: FileProtocol.FTPS, port: 990 } }, (c: any) => c.access.profile.port === 990],
    [
      'SFTP with a key and no password',
      { fileAccess: { protocol: FileProtocol.SFTP, password: null, privateKey: KEY } },
      (c: any) => c.access.authMethod === FileAuthMethod.PRIVATE_KEY,
    ],
    ['an IPv4 host', { fileAccess: { host: '203.0.113.7' } }, (c: any) => c.access.profile.host === '203.0.113.7'],
    ['an IPv6 host', { fileAccess: { host: '2001:db8::1' } }, (c: any) => c.access.profile.host === '2001:db8::1'],
    ['a password with spaces, kept as typed', { storeAdmin: { password: ' pass word ' } }, (c: any) => c.access.secrets.storeAdminPassword === ' pass word '],
  ])('accepts %s', (_name, change, holds) => {
    const check = checkAccess(fields(change as never), ['input']);
    expect(check.ok).toBe(true);
    expect(holds(check)).toBe(true);
  });

  it.each([
    ['a URL without scheme', { storeAdmin: { url: 'shop.example.com/admin' } }, ['storeAdmin', 'url']],
    ['an ftp:// admin URL', { storeAdmin: { url: 'ftp://shop.example.com' } }, ['storeAdmin', 'url']],
    ['a URL with credentials in it', { storeAdmin: { url: 'https://u:S3cr3t@shop.example.com/admin' } }, ['storeAdmin', 'url']],
    ['an empty admin username', { storeAdmin: { username: '  ' } }, ['storeAdmin', 'username']],
    ['an empty admin password', { storeAdmin: { password: '' } }, ['storeAdmin', 'password']],
    ['a host with a scheme', { fileAccess: { host: 'ftp://ftp.example.com' } }, ['fileAccess', 'host']],
    ['a host with a path', { fileAccess: { host: 'ftp.example.com/public_html' } }, ['fileAccess', 'host']],
    ['a host with user@', { fileAccess: { host: 'me@ftp.example.com' } }, ['fileAccess', 'host']],
    ['port 0', { fileAccess: { port: 0 } }, ['fileAccess', 'port']],
    ['port 65536', { fileAccess: { port: 65536 } }, ['fileAccess', 'port']],
    ['FTP without a password', { fileAccess: { password: null } }, ['fileAccess', 'password']],
    ['FTPS with a private key', { fileAccess: { protocol: FileProtocol.FTPS, privateKey: KEY } }, ['fileAccess', 'privateKey']],
    ['SFTP with neither password nor key', { fileAccess: { protocol: FileProtocol.SFTP, password: null } }, ['fileAccess', 'password']],
    [
      'SFTP with a public key pasted as private',
      { fileAccess: { protocol: FileProtocol.SFTP, privateKey: 'ssh-ed25519 AAAAC3Nza me@host' } },
      ['fileAccess', 'privateKey'],
    ],
    ['a root path with a newline', { fileAccess: { rootPath: '/public_html\n/etc' } }, ['fileAccess', 'rootPath']],
    ['a password of 1025 characters', { fileAccess: { password: 'S3cr3t'.padEnd(1025, 'x') } }, ['fileAccess', 'password']],
  ])('refuses %s, naming the field and never the value', (_name, change, field) => {
    const check = checkAccess(fields(change as never), ['input', 'access']);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.field).toEqual(['input', 'access', ...field]);
    expect(check.message).not.toMatch(/S3cr3t|me@|public_html\n|ssh-ed25519/);
  });
});

describe('who may reveal a secret', () => {
  it.each([
    [{ staffId: 'a', admin: false }, 'a', true],
    [{ staffId: 'a', admin: false }, 'b', false],
    [{ staffId: 'a', admin: false }, null, false],
    [{ staffId: 'a', admin: true }, 'b', true],
    [{ staffId: 'a', admin: true }, null, true],
  ])('%j on a ticket assigned to %j: %s', (viewer, assignee, allowed) => {
    expect(mayReveal(viewer, assignee)).toBe(allowed);
  });
});

describe('shredding dates and states', () => {
  it.each([
    [{}, StoredAccessState.STORED],
    [{ shredAfter: new Date() }, StoredAccessState.SHRED_SCHEDULED],
    [{ shredAfter: new Date(), shreddedAt: new Date() }, StoredAccessState.SHREDDED],
    [{ shreddedAt: new Date() }, StoredAccessState.SHREDDED],
  ])('%j is %s', (row, state) => {
    expect(storedState(row)).toBe(state);
  });

  it.each([
    [7, '2026-03-13T05:00:00.000Z'],
    [0, '2026-03-06T05:00:00.000Z'],
    [0.5, '2026-03-06T17:00:00.000Z'],
  ])('%d day(s) after a resolution at 2026-03-06T05:00Z is %s, in whole 24-hour days across a DST change', (days, at) => {
    expect(shredAfterFor(DateTime.fromISO('2026-03-06T00:00:00', { zone: 'America/New_York' }), days).toISOString()).toBe(at);
  });
});

describe('the login check', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['::1', true],
    ['fe80::1', true],
    ['fd00::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:8.8.8.8', false],
    ['8.8.8.8', false],
    ['2001:4860:4860::8888', false],
    ['not an ip', true],
  ])('%s is internal: %s', (address, internal) => {
    expect(isInternalAddress(address)).toBe(internal);
  });

  it.each([
    [{ code: 530, message: '530 Login incorrect.' }, AccessVerificationOutcome.AUTH_FAILED],
    [{ code: 430 }, AccessVerificationOutcome.AUTH_FAILED],
    [{ code: 421, message: 'Too many connections' }, AccessVerificationOutcome.UNREACHABLE],
    [{ code: 'ECONNREFUSED' }, AccessVerificationOutcome.UNREACHABLE],
    [new Error('Timeout (control socket)'), AccessVerificationOutcome.UNREACHABLE],
    [null, AccessVerificationOutcome.UNREACHABLE],
  ])('FTP error %j is %s', (error, outcome) => {
    expect(classifyFtpError(error)).toBe(outcome);
  });

  it.each([
    [Object.assign(new Error('All configured authentication methods failed'), { level: 'client-authentication' }), AccessVerificationOutcome.AUTH_FAILED],
    [new Error('connect: getConnection: All configured authentication methods failed'), AccessVerificationOutcome.AUTH_FAILED],
    [new Error('Cannot parse privateKey: Unsupported key format'), AccessVerificationOutcome.AUTH_FAILED],
    [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), AccessVerificationOutcome.UNREACHABLE],
    [new Error('Timed out while waiting for handshake'), AccessVerificationOutcome.UNREACHABLE],
  ])('SFTP error %s is %s', (error, outcome) => {
    expect(classifySftpError(error)).toBe(outcome);
  });
});

describe("how often a customer's store access may be checked", () => {
  const limit = { maxChecks: 3, windowMinutes: 10 };
  const at = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });
  const window = (startedAt: string, checks: number): CheckWindow => ({ startedAt: new Date(startedAt), checks });

  it.each<[string, CheckWindow | null, string, ReturnType<typeof admitCheck>]>([
    ['the first check opens a window', null, '2026-11-26T10:00:00Z', { admitted: true, window: window('2026-11-26T10:00:00Z', 1) }],
    [
      'a check inside the window counts',
      window('2026-11-26T10:00:00Z', 1),
      '2026-11-26T10:04:00Z',
      { admitted: true, window: window('2026-11-26T10:00:00Z', 2) },
    ],
    [
      'the last allowed check fills the window',
      window('2026-11-26T10:00:00Z', 2),
      '2026-11-26T10:09:59Z',
      { admitted: true, window: window('2026-11-26T10:00:00Z', 3) },
    ],
    [
      'one more is refused until the window ends',
      window('2026-11-26T10:00:00Z', 3),
      '2026-11-26T10:09:59Z',
      { admitted: false, retryAt: new Date('2026-11-26T10:10:00Z') },
    ],
    [
      'at the end of the window a new one opens',
      window('2026-11-26T10:00:00Z', 3),
      '2026-11-26T10:10:00Z',
      { admitted: true, window: window('2026-11-26T10:10:00Z', 1) },
    ],
    [
      'a window from long ago is forgotten',
      window('2026-11-20T10:00:00Z', 3),
      '2026-11-26T10:00:00Z',
      { admitted: true, window: window('2026-11-26T10:00:00Z', 1) },
    ],
  ])('%s', (_, current, now, expected) => {
    expect(admitCheck(current, at(now), limit)).toEqual(expected);
  });

  it("by default a customer's store access gets 10 checks in 10 minutes", () => {
    expect(DEFAULT_CHECK_LIMIT).toEqual({ maxChecks: 10, windowMinutes: 10 });
    expect(loadConfig({})).toMatchObject({ VAULT_VERIFY_MAX_CHECKS: 10, VAULT_VERIFY_WINDOW_MINUTES: 10 });
  });
});

describe('vault configuration', () => {
  const key = Buffer.alloc(32, 7).toString('base64');

  it('defaults: 7 days, 8 s login checks, public hosts only, the key file', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ VAULT_SHRED_AFTER_DAYS: 7, VAULT_VERIFY_TIMEOUT_MS: 8000, VAULT_VERIFY_PRIVATE_HOSTS: 'false' });
    expect(config.VAULT_MASTER_KEY).toBeUndefined();
  });

  it.each([
    [{ VAULT_MASTER_KEY: 'S3cr3t-but-too-short' }, 'VAULT_MASTER_KEY=(value hidden): must be 32 random bytes in base64'],
    [
      { VAULT_MASTER_KEY: key, VAULT_PREVIOUS_MASTER_KEYS: `${key},S3cr3t` },
      'VAULT_PREVIOUS_MASTER_KEYS=(value hidden): must be master keys separated by commas',
    ],
    [{ VAULT_SHRED_AFTER_DAYS: '-1' }, 'VAULT_SHRED_AFTER_DAYS="-1": must be 0'],
    [{ VAULT_SHRED_AFTER_DAYS: 'a week' }, 'VAULT_SHRED_AFTER_DAYS="a week": must be a number of days'],
    [{ VAULT_VERIFY_PRIVATE_HOSTS: 'yes' }, 'VAULT_VERIFY_PRIVATE_HOSTS="yes": must be true or false'],
    [{ VAULT_VERIFY_MAX_CHECKS: '0' }, 'VAULT_VERIFY_MAX_CHECKS="0": must be at least 1'],
    [{ VAULT_VERIFY_WINDOW_MINUTES: 'an hour' }, 'VAULT_VERIFY_WINDOW_MINUTES="an hour": must be a number of minutes'],
    [{ NODE_ENV: 'production', DATABASE_URL: 'postgres://db.internal/app' }, 'VAULT_MASTER_KEY: required in production'],
    [{ VAULT_MASTER_KEY: key, VAULT_MASTER_KEY_FILE: '/run/secrets/vault.key' }, 'set either VAULT_MASTER_KEY or VAULT_MASTER_KEY_FILE'],
    [{ VAULT_PREVIOUS_MASTER_KEYS: key }, 'VAULT_PREVIOUS_MASTER_KEYS: only makes sense with VAULT_MASTER_KEY'],
  ])('%j is refused clearly, never printing a key', (env, message) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain('S3cr3t');
    expect((error as Error).message).not.toContain(key);
  });

  it('accepts a key, previous keys and a fractional delay', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/app',
      VAULT_MASTER_KEY: key,
      VAULT_PREVIOUS_MASTER_KEYS: `${key},${key}`,
      VAULT_SHRED_AFTER_DAYS: '0.5',
    });
    expect(config.VAULT_SHRED_AFTER_DAYS).toBe(0.5);
    expect(loadConfig({ NODE_ENV: 'production', VAULT_MASTER_KEY_FILE: '/run/secrets/vault.key' }).VAULT_MASTER_KEY_FILE).toBe('/run/secrets/vault.key');
  });
});
