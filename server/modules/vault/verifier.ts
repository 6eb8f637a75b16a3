import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { Client as FtpClient } from 'basic-ftp';
import SftpClient from 'ssh2-sftp-client';
import { AccessVerificationOutcome, FileProtocol } from './vault.enums';
import type { VerifyOptions } from './vault';

/** What a login check needs: opened from the vault just for the check, never stored or logged. */
export interface FileLogin {
  protocol: FileProtocol;
  host: string;
  port: number;
  username: string;
  password: string | null;
  privateKey: string | null;
}

export type LoginCheck = { outcome: AccessVerificationOutcome } | { refused: 'PRIVATE_ADDRESS' };

// Addresses a merchant must not be able to make us probe: loopback, private networks,
// link-local (cloud metadata), carrier-grade NAT, multicast and the unspecified address.
const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3],
] as const) {
  INTERNAL.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  INTERNAL.addSubnet(net, prefix, 'ipv6');
}

export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return INTERNAL.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return INTERNAL.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** FTP replies that mean "you are not let in": 530 not logged in, 430 bad login, 332 account needed. */
export function classifyFtpError(error: unknown): AccessVerificationOutcome {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 530 || code === 430 || code === 332 ? AccessVerificationOutcome.AUTH_FAILED : AccessVerificationOutcome.UNREACHABLE;
}

export function classifySftpError(error: unknown): AccessVerificationOutcome {
  const e = error as { level?: unknown; message?: unknown } | null;
  if (e?.level === 'client-authentication') return AccessVerificationOutcome.AUTH_FAILED;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /authentication methods failed|cannot parse privatekey|encrypted private openssh key/i.test(message)
    ? AccessVerificationOutcome.AUTH_FAILED
    : AccessVerificationOutcome.UNREACHABLE;
}

/**
 * Tries a real login with the file access, with short timeouts, and says only how it went.
 * Nothing the server answered (banners, messages, host keys) leaves this function, and no
 * error object does either: they can quote the server.
 */
export async function checkFileLogin(login: FileLogin, options: VerifyOptions): Promise<LoginCheck> {
  let address: string;
  try {
    const found = await lookup(login.host, { all: true, verbatim: true });
    if (found.length === 0) return { outcome: AccessVerificationOutcome.UNREACHABLE };
    if (!options.allowPrivateHosts && found.some((a) => isInternalAddress(a.address))) return { refused: 'PRIVATE_ADDRESS' };
    address = found[0]!.address;
  } catch {
    return { outcome: AccessVerificationOutcome.UNREACHABLE };
  }
  const attempt = (login.protocol === FileProtocol.SFTP ? sftpLogin(login, address, options) : ftpLogin(login, address, options)).catch(
    () => AccessVerificationOutcome.UNREACHABLE,
  );
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<AccessVerificationOutcome>((resolve) => {
    timer = setTimeout(() => resolve(AccessVerificationOutcome.UNREACHABLE), options.timeoutMs * 3 + 1_000);
  });
  try {
    return { outcome: await Promise.race([attempt, deadline]) };
  } finally {
    clearTimeout(timer);
  }
}

async function ftpLogin(login: FileLogin, address: string, options: VerifyOptions): Promise<AccessVerificationOutcome> {
  const client = new FtpClient(options.timeoutMs);
  const tls = { host: login.host, servername: isIP(login.host) ? undefined : login.host, minVersion: 'TLSv1.2' as const };
  try {
    if (login.protocol === FileProtocol.FTPS && login.port === 990) {
      await client.connectImplicitTLS(address, login.port, tls);
    } else {
      await client.connect(address, login.port);
      if (login.protocol === FileProtocol.FTPS) await client.useTLS(tls);
    }
    await client.login(login.username, login.password ?? '');
    return AccessVerificationOutcome.OK;
  } catch (error) {
    return classifyFtpError(error);
  } finally {
    client.close();
  }
}

async function sftpLogin(login: FileLogin, address: string, options: VerifyOptions): Promise<AccessVerificationOutcome> {
  const ignore = () => {};
  const client = new SftpClient('vault-verify', { error: ignore, end: ignore, close: ignore });
  try {
    await client.connect({
      host: address,
      port: login.port,
      username: login.username,
      ...(login.password ? { password: login.password } : {}),
      ...(login.privateKey ? { privateKey: login.privateKey } : {}),
      readyTimeout: options.timeoutMs,
      retries: 0,
    });
    return AccessVerificationOutcome.OK;
  } catch (error) {
    return classifySftpError(error);
  } finally {
    await client.end().catch(() => false);
  }
}
