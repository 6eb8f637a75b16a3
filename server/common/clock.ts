import { DateTime } from 'luxon';

/** The one source of "now", so tests can stand anywhere in time. */
export type Clock = () => DateTime;

export const systemClock: Clock = () => DateTime.utc();
