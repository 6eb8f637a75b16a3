import type { DateTime } from 'luxon';

/** How long a delivery is retried before it is given up and its endpoint disabled. */
export const RETRY_WINDOW_HOURS = 24;
const FIRST_DELAY_SECONDS = 30;
const LONGEST_DELAY_SECONDS = 2 * 60 * 60;

/** Exponential back-off: 30 s after the first failure, doubling, at most 2 h apart. */
export function retryDelaySeconds(failedAttempts: number): number {
  return Math.min(FIRST_DELAY_SECONDS * 2 ** Math.max(0, failedAttempts - 1), LONGEST_DELAY_SECONDS);
}

/** When to try again after `failedAttempts` failures, or null when the 24 h window is spent. */
export function nextAttemptAt(now: DateTime, failedAttempts: number, retryUntil: DateTime): DateTime | null {
  const next = now.plus({ seconds: retryDelaySeconds(failedAttempts) });
  return next <= retryUntil ? next : null;
}
