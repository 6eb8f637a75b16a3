import { pino } from 'pino';
import type { Logger } from '../common/logger';

/**
 * Structured JSON logs. Anything that could carry a secret is redacted by path, so a
 * careless `log.info({ req })` cannot leak a bearer token or a store password.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'token',
  '*.token',
  'password',
  '*.password',
  '*.*.password',
  'privateKey',
  '*.privateKey',
  '*.*.privateKey',
  'variables',
  '*.variables',
];

/**
 * Errors are logged with their type and stack, but a database error's message holds the whole
 * SQL with its values (ticket text, emails): for those only the SQLSTATE and the table remain.
 */
export function serializeError(error: unknown): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(error as Error) as unknown as Record<string, unknown>;
  const e = error as { code?: unknown; sqlState?: unknown; table?: unknown; constraint?: unknown; routine?: unknown };
  const sqlState = typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : typeof e?.sqlState === 'string' ? e.sqlState : null;
  if (!sqlState) return serialized;
  const stack =
    typeof serialized.stack === 'string'
      ? serialized.stack
          .split('\n')
          .filter((line) => /^\s+at /.test(line))
          .join('\n')
      : undefined;
  return { type: serialized.type, message: `database error ${sqlState}`, code: sqlState, table: e.table, constraint: e.constraint, routine: e.routine, stack };
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      serializers: { err: serializeError },
      base: { service: 'opencart-support-desk' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}

export type { Logger } from '../common/logger';
