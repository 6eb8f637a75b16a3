import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { DateTime } from 'luxon';
import { inputError } from './client-errors';

/**
 * The instants a client may send: JavaScript dates reach ±275760 and years like 0000 exist in
 * ISO 8601, but nothing this service stores or compares lies outside these years, and
 * PostgreSQL or the calendar arithmetic would fail on the extremes.
 */
export const EARLIEST_INPUT = DateTime.fromISO('1970-01-01T00:00:00Z', { zone: 'utc' });
export const LATEST_INPUT = DateTime.fromISO('9999-12-31T23:59:59.999Z', { zone: 'utc' });

/**
 * ISO 8601 instants with an explicit offset. A luxon DateTime keeps its zone on the wire
 * (due times are shown in the support zone, e.g. -04:00); a JS Date is written in UTC (Z).
 * Input must carry an offset: a bare local time is ambiguous.
 */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description:
    'An ISO 8601 instant with an explicit UTC offset, e.g. 2026-03-09T03:00:00.000-04:00. Input must lie between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z.',
  serialize(value) {
    if (DateTime.isDateTime(value)) return zonedIso(value);
    // The same text luxon writes for a UTC DateTime, without building one per value.
    if (value instanceof Date) return value.toISOString();
    if (typeof value === 'string') return DateTime.fromISO(value, { setZone: true }).toISO()!;
    throw new GraphQLError('DateTime cannot represent a non-date value');
  },
  parseValue(value) {
    return parse(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw inputError('DateTime must be a string.');
    return parse(ast.value);
  },
});

// Due times repeat from one request to the next (the support calendar keeps their DateTimes).
const isoTexts = new WeakMap<DateTime, string>();

function zonedIso(value: DateTime): string {
  let text = isoTexts.get(value);
  if (text === undefined) isoTexts.set(value, (text = value.toISO()!));
  return text;
}

function parse(value: unknown): Date {
  // The messages never repeat the value: it may be anything a client put in the wrong field.
  if (typeof value !== 'string' || value.length > 40 || !/(Z|[+-]\d\d:?\d\d)$/i.test(value)) {
    throw inputError('DateTime must be an ISO 8601 string with an offset, e.g. 2026-03-09T03:00:00-04:00.');
  }
  const parsed = DateTime.fromISO(value, { setZone: true });
  if (!parsed.isValid) throw inputError('DateTime is not a valid ISO 8601 instant, e.g. 2026-03-09T03:00:00-04:00.');
  if (parsed < EARLIEST_INPUT || parsed > LATEST_INPUT) {
    throw inputError('DateTime must lie between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z.');
  }
  return parsed.toJSDate();
}
