import { createHash, randomBytes } from 'node:crypto';

/** Bearer tokens: a kind prefix, then 32 random bytes. Only their SHA-256 is stored. */
export const MERCHANT_KEY_PREFIX = 'ocm_';
export const STAFF_TOKEN_PREFIX = 'ocs_';

export interface IssuedToken {
  token: string;
  hash: string;
  prefix: string;
}

export function issueToken(kindPrefix: string): IssuedToken {
  const token = kindPrefix + randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token), prefix: token.slice(0, kindPrefix.length + 6) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
