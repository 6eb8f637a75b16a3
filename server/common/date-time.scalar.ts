import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { DateTime } from 'luxon';

/**
 * ISO 8601 instants with an explicit offset. A luxon DateTime keeps its zone on the wire
 * (due times are shown in the support zone, e.g. -04:00); a JS Date is written in UTC (Z).
 * Input must carry an offset: a bare local time is ambiguous.
 */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An ISO 8601 instant with an explicit UTC offset, e.g. 2026-03-09T03:00:00.000-04:00.',
  serialize(value) {
    if (DateTime.isDateTime(value)) return value.toISO()!;
    if (value instanceof Date) return DateTime.fromJSDate(value, { zone: 'utc' }).toISO()!;
    if (typeof value === 'string') return DateTime.fromISO(value, { setZone: true }).toISO()!;
    throw new GraphQLError('DateTime cannot represent a non-date value');
  },
  parseValue(value) {
    return parse(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string', { nodes: ast });
    return parse(ast.value);
  },
});

function parse(value: unknown): Date {
  if (typeof value !== 'string' || !/(Z|[+-]\d\d:?\d\d)$/i.test(value)) {
    throw new GraphQLError('DateTime must be an ISO 8601 string with an offset, e.g. 2026-03-09T03:00:00-04:00');
  }
  const parsed = DateTime.fromISO(value, { setZone: true });
  if (!parsed.isValid) throw new GraphQLError(`DateTime is not a valid ISO 8601 instant: ${parsed.invalidExplanation}`);
  return parsed.toJSDate();
}
