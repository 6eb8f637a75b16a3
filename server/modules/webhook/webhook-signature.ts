import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Headers of every delivery (README, "Webhooks"). */
export const WEBHOOK_HEADERS = {
  event: 'X-Support-Desk-Event',
  delivery: 'X-Support-Desk-Delivery',
  timestamp: 'X-Support-Desk-Timestamp',
  signature: 'X-Support-Desk-Signature',
} as const;

const SECRET_PREFIX = 'whsec_';

/** A new signing secret: 32 random bytes, shown to the admin once. */
export function newWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/**
 * `v1=` and the hex HMAC-SHA256 of `${timestamp}.${body}` under the endpoint's secret (the
 * whole secret string is the key). Signing the timestamp with the body lets a receiver refuse
 * a replayed old request.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/** What a receiver does (the README shows the same check): constant-time compare, bounded age. */
export function verifyWebhook(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds || !headers.signature) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
