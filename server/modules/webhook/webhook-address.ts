import { lookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { isInternalAddress } from '../vault/verifier';

export interface WebhookAddressPolicy {
  /** Development only: http:// and https:// to this machine's loopback addresses (a local receiver). */
  allowLoopback: boolean;
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

function isLoopback(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return LOOPBACK.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  return family !== 0 && LOOPBACK.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The vault's rule for login checks (no private, link-local or loopback networks), loopback aside in development. */
export function addressAllowed(address: string, policy: WebhookAddressPolicy): boolean {
  if (isLoopback(address)) return policy.allowLoopback;
  return !isInternalAddress(address);
}

export type UrlProblem = { message: string };

/**
 * What an admin may register: https, or http to a loopback address in development; no
 * credentials in the URL. The host's addresses are checked again at every delivery, so a
 * name that later resolves to a private address is refused then too.
 */
export async function checkWebhookUrl(text: string, policy: WebhookAddressPolicy): Promise<UrlProblem | null> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { message: 'Not a URL: give an absolute https:// address.' };
  }
  if (url.username || url.password) return { message: 'Credentials in the URL are not allowed: requests are signed instead.' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = await resolve(host);
  if (addresses.length === 0) return { message: `The host ${host} does not resolve.` };
  const loopbackOnly = addresses.every(isLoopback);
  if (url.protocol === 'http:' && !(policy.allowLoopback && loopbackOnly)) {
    return { message: policy.allowLoopback ? 'Use https:// (http:// only to this machine, in development).' : 'Use https://.' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { message: 'Use https://.' };
  if (!addresses.every((a) => addressAllowed(a, policy))) {
    return { message: 'This address is on a private, loopback or link-local network: webhooks go to public addresses only.' };
  }
  return null;
}

async function resolve(host: string): Promise<string[]> {
  if (isIP(host)) return [host];
  try {
    return (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    return [];
  }
}

export class RefusedAddressError extends Error {
  readonly code = 'PRIVATE_ADDRESS';
  constructor() {
    super('the endpoint resolves to an address webhooks may not reach');
  }
}

/** A `lookup` for http.request that connects only to addresses the policy allows (no DNS rebinding in between). */
export function checkedLookup(policy: WebhookAddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const allowed = addresses.filter((a) => addressAllowed(a, policy));
        if (addresses.length === 0) return callback(Object.assign(new Error('the host does not resolve'), { code: 'ENOTFOUND' }), '', 4);
        if (allowed.length !== addresses.length) return callback(new RefusedAddressError(), '', 4);
        const family = (a: string) => (isIP(a) === 6 ? 6 : 4);
        if ((options as { all?: boolean }).all) {
          return (callback as unknown as (e: null, list: Array<{ address: string; family: number }>) => void)(
            null,
            allowed.map((address) => ({ address, family: family(address) })),
          );
        }
        callback(null, allowed[0]!, family(allowed[0]!));
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 4),
    );
  };
}
