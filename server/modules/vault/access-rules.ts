import type { DateTime } from 'luxon';
import { isHostOrAddress } from '../../common/hosts';
import { FileAuthMethod, FileProtocol, StoredAccessState } from './vault.enums';

// Rules of the vault in plain functions: no GraphQL, no database. Messages never repeat a
// submitted value: a mistyped field may well hold a password.

export interface AccessFields {
  storeAdmin: { url: string; username: string; password: string };
  fileAccess: {
    protocol: FileProtocol;
    host: string;
    port?: number | null;
    username: string;
    password?: string | null;
    privateKey?: string | null;
    rootPath?: string | null;
  };
}

/** What the merchant and the staff on the ticket may read: no password, no key. */
export interface AccessProfile {
  storeAdminUrl: string;
  storeAdminUsername: string;
  protocol: FileProtocol;
  host: string;
  port: number;
  username: string;
  rootPath: string;
}

/** What only `ticketAccessReveal` hands out, one field at a time. */
export interface AccessSecrets {
  storeAdminPassword: string;
  filePassword: string | null;
  filePrivateKey: string | null;
}

export interface NormalisedAccess {
  profile: AccessProfile;
  secrets: AccessSecrets;
  authMethod: FileAuthMethod;
}

export type AccessCheck = { ok: true; access: NormalisedAccess } | { ok: false; field: string[]; message: string };

export const DEFAULT_PORTS: Record<FileProtocol, number> = {
  [FileProtocol.FTP]: 21,
  [FileProtocol.FTPS]: 21,
  [FileProtocol.SFTP]: 22,
};

export const LIMITS = { url: 2048, username: 255, password: 1024, host: 253, rootPath: 1024, privateKey: 16_384 } as const;

const PRIVATE_KEY = /^-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----\r?\n[\s\S]+\r?\n-----END ([A-Z0-9]+ )*PRIVATE KEY-----$/;
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Checks and normalises store access as the merchant typed it. `base` is the input path of
 * the access fields, e.g. ['input'] or ['input', 'access'], for the userError's field.
 */
export function checkAccess(fields: AccessFields, base: string[]): AccessCheck {
  const fail = (field: string[], message: string): AccessCheck => ({ ok: false, field: [...base, ...field], message });
  const { storeAdmin, fileAccess } = fields;

  const url = storeAdmin.url.trim();
  if (!isWebAddress(url) || url.length > LIMITS.url) {
    return fail(['storeAdmin', 'url'], "storeAdmin.url must be the web address of the store's admin page, starting with https:// or http://.");
  }
  const adminUsername = storeAdmin.username.trim();
  if (!adminUsername || adminUsername.length > LIMITS.username || CONTROL.test(adminUsername)) {
    return fail(['storeAdmin', 'username'], `storeAdmin.username must be 1 to ${LIMITS.username} characters.`);
  }
  if (!storeAdmin.password || storeAdmin.password.length > LIMITS.password) {
    return fail(['storeAdmin', 'password'], `storeAdmin.password must be 1 to ${LIMITS.password} characters.`);
  }

  const host = fileAccess.host.trim().toLowerCase();
  if (!isHost(host)) {
    return fail(['fileAccess', 'host'], 'fileAccess.host must be a host name or IP address such as ftp.example.com, without ftp:// or a path.');
  }
  const port = fileAccess.port ?? DEFAULT_PORTS[fileAccess.protocol];
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return fail(['fileAccess', 'port'], 'fileAccess.port must be between 1 and 65535.');
  }
  const username = fileAccess.username.trim();
  if (!username || username.length > LIMITS.username || CONTROL.test(username)) {
    return fail(['fileAccess', 'username'], `fileAccess.username must be 1 to ${LIMITS.username} characters.`);
  }
  const password = fileAccess.password ? fileAccess.password : null;
  if (password !== null && password.length > LIMITS.password) {
    return fail(['fileAccess', 'password'], `fileAccess.password must be at most ${LIMITS.password} characters.`);
  }
  const privateKey = fileAccess.privateKey?.trim() ? fileAccess.privateKey.trim() : null;
  if (fileAccess.protocol === FileProtocol.SFTP) {
    if (!password && !privateKey) {
      return fail(['fileAccess', 'password'], 'SFTP needs a password or a private key.');
    }
    if (privateKey && (privateKey.length > LIMITS.privateKey || !PRIVATE_KEY.test(privateKey))) {
      return fail(['fileAccess', 'privateKey'], 'fileAccess.privateKey must be a private key in PEM or OpenSSH format (-----BEGIN ... PRIVATE KEY-----).');
    }
  } else {
    if (privateKey) return fail(['fileAccess', 'privateKey'], 'FTP and FTPS log in with a password; a private key works with SFTP only.');
    if (!password) return fail(['fileAccess', 'password'], `${fileAccess.protocol} needs a password.`);
  }
  const rootPath = fileAccess.rootPath?.trim() || '/';
  if (rootPath.length > LIMITS.rootPath || CONTROL.test(rootPath)) {
    return fail(['fileAccess', 'rootPath'], `fileAccess.rootPath must be a path of at most ${LIMITS.rootPath} characters, e.g. /public_html.`);
  }

  return {
    ok: true,
    access: {
      profile: { storeAdminUrl: url, storeAdminUsername: adminUsername, protocol: fileAccess.protocol, host, port, username, rootPath },
      secrets: { storeAdminPassword: storeAdmin.password, filePassword: password, filePrivateKey: privateKey },
      authMethod: privateKey ? FileAuthMethod.PRIVATE_KEY : FileAuthMethod.PASSWORD,
    },
  };
}

function isWebAddress(text: string): boolean {
  if (!/^https?:\/\//i.test(text) || /\s/.test(text)) return false;
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

function isHost(host: string): boolean {
  return host.length > 0 && host.length <= LIMITS.host && isHostOrAddress(host);
}

/** Who may read a secret: an admin, or the agent the ticket is assigned to. */
export function mayReveal(viewer: { staffId: string; admin: boolean }, assigneeId: string | null): boolean {
  return viewer.admin || (assigneeId !== null && assigneeId === viewer.staffId);
}

export function storedState(access: { shreddedAt?: Date | null; shredAfter?: Date | null }): StoredAccessState {
  if (access.shreddedAt) return StoredAccessState.SHREDDED;
  if (access.shredAfter) return StoredAccessState.SHRED_SCHEDULED;
  return StoredAccessState.STORED;
}

/** When the stored access of a resolved ticket is destroyed: `delayDays` after `resolvedAt`. */
export function shredAfterFor(resolvedAt: DateTime, delayDays: number): Date {
  return resolvedAt.plus({ milliseconds: Math.round(delayDays * 86_400_000) }).toJSDate();
}

/** How many login checks one customer's store access may get in a window: our server must not become a password-guessing tool. */
export interface CheckLimit {
  maxChecks: number;
  windowMinutes: number;
}

export const DEFAULT_CHECK_LIMIT: CheckLimit = { maxChecks: 10, windowMinutes: 10 };

/** The checks counted so far in the current window of one customer's stores. */
export interface CheckWindow {
  startedAt: Date;
  checks: number;
}

export type CheckAdmission = { admitted: true; window: CheckWindow } | { admitted: false; retryAt: Date };

/**
 * Admits one more login check, or says when the next one is possible. A fixed window opens
 * with the first check and lasts `windowMinutes`; the `maxChecks`-th check is the last in it.
 */
export function admitCheck(window: CheckWindow | null, now: DateTime, limit: CheckLimit): CheckAdmission {
  const windowEnd = window ? window.startedAt.getTime() + limit.windowMinutes * 60_000 : 0;
  if (!window || windowEnd <= now.toMillis()) return { admitted: true, window: { startedAt: now.toJSDate(), checks: 1 } };
  if (window.checks >= limit.maxChecks) return { admitted: false, retryAt: new Date(windowEnd) };
  return { admitted: true, window: { startedAt: window.startedAt, checks: window.checks + 1 } };
}
