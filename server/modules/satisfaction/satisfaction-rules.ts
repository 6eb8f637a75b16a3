import type { DateTime } from 'luxon';

/**
 * A rating may be changed for 7 days (7 × 24 hours, whatever the clocks do meanwhile) after it is
 * first given; then it is final, so the stats of a past week stay what they were.
 */
export const RATING_CHANGE_DAYS = 7;

export const RATING_MIN = 1;
export const RATING_MAX = 5;
export const COMMENT_MAX_CHARACTERS = 2000;

export type RatingDecision = { allowed: true } | { allowed: false; code: 'NOT_FINISHED' | 'MERGED' | 'FINAL'; message: string };

/** Whether the merchant may rate (or re-rate) a ticket now. */
export function mayRate(input: {
  status: string;
  ticketNumber: string;
  mergedIntoNumber: string | null;
  firstRatedAt: DateTime | null;
  now: DateTime;
}): RatingDecision {
  if (input.mergedIntoNumber) {
    return { allowed: false, code: 'MERGED', message: `${input.ticketNumber} was merged into ${input.mergedIntoNumber}: rate that ticket instead.` };
  }
  if (input.status !== 'RESOLVED' && input.status !== 'CLOSED') {
    return { allowed: false, code: 'NOT_FINISHED', message: `${input.ticketNumber} is not finished yet: rate it once it is resolved or closed.` };
  }
  if (input.firstRatedAt && input.now > changeableUntil(input.firstRatedAt)) {
    return {
      allowed: false,
      code: 'FINAL',
      message: `Your rating of ${input.ticketNumber} is final: a rating can be changed for ${RATING_CHANGE_DAYS} days after it is given.`,
    };
  }
  return { allowed: true };
}

export function changeableUntil(firstRatedAt: DateTime): DateTime {
  return firstRatedAt.plus({ hours: RATING_CHANGE_DAYS * 24 });
}
