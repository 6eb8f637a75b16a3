import { isIP } from 'node:net';

// A DNS name: labels of letters, digits and inner hyphens, 253 characters at most, a final dot allowed.
const HOST_NAME = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

/** An IP address (v4 or v6) or a host name such as ftp.example.com. */
export function isHostOrAddress(host: string): boolean {
  return isIP(host) !== 0 || HOST_NAME.test(host);
}
