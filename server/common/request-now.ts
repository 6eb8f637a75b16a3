import type { DateTime } from 'luxon';

const nows = new WeakMap<object, DateTime>();

/**
 * One "now" per request, keyed by an object that lives as long as the request (its loaders):
 * every row of a page is shown as of the same instant, and a page of 50 reads the clock once,
 * not once per row and field.
 */
export function requestNow(request: object, clock: () => DateTime): DateTime {
  let now = nows.get(request);
  if (!now) nows.set(request, (now = clock()));
  return now;
}
