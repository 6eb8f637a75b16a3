import path from 'node:path';
import { Info } from 'luxon';
import { z } from 'zod';

/** Project root: every relative default below is resolved against it, whatever the cwd. */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..');

const hhmm = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:mm, e.g. 03:00');

const port = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(4000),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' })
    .optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  EMBEDDED_PG_PORT: port.default(54329),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SUPPORT_TIMEZONE: z.string().default('America/New_York'),
  SUPPORT_OPENS_AT: hhmm.default('03:00'),
  SUPPORT_CLOSES_AT: hhmm.default('12:00'),
  SUPPORT_BUSINESS_DAYS: z
    .string()
    .regex(/^[1-7](,[1-7])*$/, 'must be ISO weekday numbers separated by commas (1 = Monday), e.g. 1,2,3,4,5')
    .default('1,2,3,4,5'),
  SUPPORT_HOLIDAYS: z
    .string()
    .regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'must be a country code with an optional region, e.g. US or US-NY')
    .default('US'),
  ADMIN_EMAIL: z.email('must be an email address').default('admin@support.localhost'),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
});

export type Config = z.infer<typeof schema> & { dataDir: string };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment; one clear line per bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "not set": shells and .env files often leave them behind.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0]);
        return `${name}=${JSON.stringify(env[name] ?? '')}: ${issue.message}`;
      }),
    );
  }
  if (!Info.isValidIANAZone(parsed.data.SUPPORT_TIMEZONE)) {
    throw new ConfigError([`SUPPORT_TIMEZONE=${JSON.stringify(parsed.data.SUPPORT_TIMEZONE)}: not an IANA time zone (e.g. America/New_York)`]);
  }
  if (parsed.data.SUPPORT_OPENS_AT >= parsed.data.SUPPORT_CLOSES_AT) {
    throw new ConfigError([`SUPPORT_OPENS_AT=${parsed.data.SUPPORT_OPENS_AT}: must be before SUPPORT_CLOSES_AT=${parsed.data.SUPPORT_CLOSES_AT}`]);
  }
  return { ...parsed.data, dataDir: path.resolve(PROJECT_ROOT, parsed.data.DATA_DIR) };
}
