import { pino, type Logger } from 'pino';

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

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'opencart-support-desk' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}

export type { Logger };
