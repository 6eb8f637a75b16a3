import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Info } from 'luxon';
import { z } from 'zod';
import { isHostOrAddress } from '../common/hosts';
import { DEFAULT_QUERY_LIMITS, parseTiers, tiersSetting } from './limits/limit-settings';
import { holidayCalendarFor } from '../modules/support-hours/holidays';
import { untraversableAncestor } from './database';

/** Project root: every relative default below is resolved against it, whatever the cwd. */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..');

/** DATABASE_REPLICA_URLS as a list (empty entries ignored). */
export function databaseReplicaUrls(setting: string | undefined): string[] {
  return (setting ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);
}

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:mm, e.g. 03:00');

const port = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

// The embedded PostgreSQL needs a real port; PORT=0 (any free port) only makes sense for the API.
const fixedPort = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

function wholeNumber(min: number, max: number) {
  return z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be between ${min} and ${max}`)
    .max(max, `must be between ${min} and ${max}`);
}

const tiers = z
  .string()
  .refine(
    (value) => parseTiers(value) !== null,
    'must be three whole numbers for anonymous/merchant/staff callers, each at least 1 and none above the next, e.g. 200/3000/10000',
  );

const MASTER_KEY = /^[A-Za-z0-9+/]{43}=$/;
const MASTER_KEY_MESSAGE = 'must be 32 random bytes in base64 (44 characters), e.g. the output of `openssl rand -base64 32`';

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().refine(isHostOrAddress, 'must be an IP address or a host name, e.g. 127.0.0.1 or 0.0.0.0').default('127.0.0.1'),
  PORT: port.default(4000),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' }).optional(),
  // Read replicas for analytics, search and export (server/common/read-side.ts); deciding reads stay on the primary.
  DATABASE_REPLICA_URLS: z
    .string()
    .refine(
      (value) => databaseReplicaUrls(value).every((url) => URL.canParse(url) && /^postgres(ql)?:$/.test(new URL(url).protocol)),
      'must be postgres:// or postgresql:// URLs separated by commas',
    )
    .optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  EMBEDDED_PG_PORT: fixedPort.default(54329),
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
  // Store-access vault. Without VAULT_MASTER_KEY (embedded default) the key lives in <DATA_DIR>/vault-master.key.
  VAULT_MASTER_KEY: z.string().regex(MASTER_KEY, MASTER_KEY_MESSAGE).optional(),
  VAULT_MASTER_KEY_FILE: z.string().min(1).optional(),
  VAULT_PREVIOUS_MASTER_KEYS: z
    .string()
    .refine((keys) => keys.split(',').every((key) => MASTER_KEY.test(key.trim())), 'must be master keys separated by commas, each 32 bytes in base64')
    .optional(),
  VAULT_SHRED_AFTER_DAYS: z.coerce
    .number({ error: 'must be a number of days, e.g. 7' })
    .min(0, 'must be 0 (shred at the next sweep) or more days')
    .max(365, 'must be at most 365 days')
    .default(7),
  VAULT_VERIFY_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int()
    .min(500, 'must be at least 500')
    .max(60_000, 'must be at most 60000')
    .default(8_000),
  VAULT_VERIFY_PRIVATE_HOSTS: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
  VAULT_VERIFY_MAX_CHECKS: z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(1_000, 'must be at most 1000')
    .default(10),
  VAULT_VERIFY_WINDOW_MINUTES: z.coerce
    .number({ error: 'must be a number of minutes' })
    .int('must be a whole number of minutes')
    .min(1, 'must be at least 1')
    .max(1_440, 'must be at most 1440')
    .default(10),
  // Rate limits (server/app/rate-limit.ts): per token, per address without one, and failed authentications per address.
  RATE_LIMIT_ENABLED: z.enum(['true', 'false'], { error: 'must be true or false' }).default('true'),
  RATE_LIMIT_WINDOW_SECONDS: wholeNumber(1, 3_600).default(60),
  RATE_LIMIT_REQUESTS: wholeNumber(1, 1_000_000).default(3_000),
  RATE_LIMIT_ANONYMOUS_REQUESTS: wholeNumber(1, 1_000_000).default(600),
  RATE_LIMIT_AUTH_FAILURES: wholeNumber(1, 10_000).default(50),
  RATE_LIMIT_AUTH_FAILURE_WINDOW_SECONDS: wholeNumber(1, 86_400).default(900),
  // Proxies in front of the server whose X-Forwarded-For is believed (0: the peer's address is the client's).
  TRUST_PROXY_HOPS: wholeNumber(0, 10).default(0),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters, e.g. the output of `openssl rand -hex 24`').optional(),
  METRICS_LOCALHOST: z.enum(['true', 'false'], { error: 'must be true or false' }).default('true'),
  // Query limits (server/app/limits): the token limit for everyone, the others per caller tier.
  QUERY_MAX_TOKENS: wholeNumber(100, 100_000).default(DEFAULT_QUERY_LIMITS.tokens),
  QUERY_MAX_COST: tiers.default(tiersSetting(DEFAULT_QUERY_LIMITS, 'cost')),
  QUERY_MAX_DEPTH: tiers.default(tiersSetting(DEFAULT_QUERY_LIMITS, 'depth')),
  QUERY_MAX_ALIASES: tiers.default(tiersSetting(DEFAULT_QUERY_LIMITS, 'aliases')),
  QUERY_MAX_ROOT_FIELDS: tiers.default(tiersSetting(DEFAULT_QUERY_LIMITS, 'rootFields')),
  // Attachment bytes (server/modules/attachment): PostgreSQL by default, or an S3-compatible bucket (S3_*).
  ATTACHMENT_STORE: z.enum(['postgres', 's3'], { error: 'must be postgres or s3' }).default('postgres'),
  S3_ENDPOINT: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://s3.eu-central-1.amazonaws.com or http://127.0.0.1:7480' })
    .refine((url) => !new URL(url).username && !new URL(url).password, 'must not hold credentials: set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY')
    .optional(),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a bucket name: 3 to 63 lowercase letters, digits, dots and hyphens')
    .optional(),
  S3_REGION: z.string().min(1).max(64).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1).max(256).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).max(256).optional(),
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
  ATTACHMENT_SWEEP_GRACE_MINUTES: wholeNumber(10, 10_080).default(60),
  ATTACHMENT_SWEEP_INTERVAL_MINUTES: wholeNumber(1, 1_440).default(15),
  ATTACHMENT_SWEEP_MAX_KEYS: wholeNumber(1, 100_000).default(1_000),
  // Domain events (server/modules/events): whether this process delivers the outbox to its consumers.
  OUTBOX_RELAY_ENABLED: z.enum(['true', 'false'], { error: 'must be true or false' }).default('true'),
  // Notification email (server/modules/notification): unset SMTP_URL = email off, messages kept and readable through the API.
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL, e.g. smtps://user:password@mail.example.com:465' }).optional(),
  MAIL_FROM: z.string().min(3).max(254).default('OpenCart Support Desk <support@support.localhost>'),
  TICKET_URL_TEMPLATE: z
    .string()
    .regex(/^https?:\/\/\S+$/, "must be an http(s) URL; {number} and {id} are replaced by the ticket's number and ID")
    .default('http://127.0.0.1:4000/graphql?ticket={number}'),
  // SLA escalations (server/modules/sla/sla-escalation.job.ts): every process runs the job; each escalation is published once.
  SLA_ESCALATION_INTERVAL_SECONDS: wholeNumber(5, 3_600).default(60),
  SLA_ESCALATION_BATCH: wholeNumber(1, 10_000).default(200),
  SLA_ESCALATION_CATCH_UP_MINUTES: wholeNumber(1, 10_080).default(60),
  // Live WebSockets (server/app/live-socket.ts): bounds per process, each refused with a close code and reason.
  LIVE_MAX_CONNECTIONS_PER_CREDENTIAL: wholeNumber(1, 10_000).default(10),
  LIVE_MAX_CONNECTIONS_PER_ADDRESS: wholeNumber(1, 100_000).default(50),
  LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION: wholeNumber(1, 1_000).default(20),
  LIVE_CONNECTION_INIT_TIMEOUT_SECONDS: wholeNumber(1, 300).default(10),
  LIVE_MAX_MESSAGE_BYTES: wholeNumber(1_024, 10_485_760).default(65_536),
  LIVE_SUBSCRIBES_PER_MINUTE: wholeNumber(1, 100_000).default(120),
  LIVE_CREDENTIAL_RECHECK_SECONDS: wholeNumber(0, 3_600).default(30),
  // Outbox pruning (server/modules/events/outbox-prune.ts): events every consumer has, older than this, are deleted.
  OUTBOX_RETENTION_DAYS: wholeNumber(1, 3_650).default(30),
  OUTBOX_PRUNE_BATCH: wholeNumber(1, 100_000).default(1_000),
});

/** Variables whose values are secrets: a refusal names them but never prints them. */
// Never echo these back: a key, or a URL that may carry a database password.
const SECRET_VARIABLES = new Set([
  'VAULT_MASTER_KEY',
  'VAULT_PREVIOUS_MASTER_KEYS',
  'DATABASE_URL',
  'DATABASE_REPLICA_URLS',
  'METRICS_TOKEN',
  'SMTP_URL',
  'S3_SECRET_ACCESS_KEY',
]);

export type Config = z.infer<typeof schema> & {
  dataDir: string;
  /** Set when DATA_DIR was not given and its default could not be used (see chooseDataDir). */
  dataDirMoved?: { from: string; blockedBy: string };
};

/** Parent of the data folders chosen for checkouts that PostgreSQL's own user cannot enter. */
export const SHARED_DATA_ROOT = '/var/lib/opencart-support-desk-checkouts';

/**
 * The data folder. Started as root, the embedded PostgreSQL runs as its own user, which cannot
 * enter a checkout in a private folder (root's home, a `mktemp -d`): without an explicit
 * DATA_DIR, the data then goes to a folder under SHARED_DATA_ROOT named after the checkout's
 * path, so every command of that checkout (start, demo, admin:token, vault:rotate) finds the
 * same cluster and key file, and a restart finds them again. An explicit DATA_DIR is kept as is.
 */
export function chooseDataDir(
  setting: string | undefined,
  options: { projectRoot: string; isRoot: boolean; sharedRoot?: string },
): { dataDir: string; moved?: { from: string; blockedBy: string } } {
  const wanted = path.resolve(options.projectRoot, setting ?? '.data');
  if (setting !== undefined || !options.isRoot) return { dataDir: wanted };
  const blockedBy = untraversableAncestor(wanted);
  const sharedRoot = options.sharedRoot ?? SHARED_DATA_ROOT;
  // Only where the shared root's own parent is reachable: otherwise the database's clear refusal stays.
  if (!blockedBy || !existsSync(path.dirname(sharedRoot)) || untraversableAncestor(sharedRoot)) return { dataDir: wanted };
  const checkout = path.resolve(options.projectRoot);
  const name = `${path.basename(checkout).replace(/[^A-Za-z0-9._-]/g, '_')}-${createHash('sha256').update(checkout).digest('hex').slice(0, 12)}`;
  return { dataDir: path.join(sharedRoot, name), moved: { from: wanted, blockedBy } };
}

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
        const shown = SECRET_VARIABLES.has(name) ? '(value hidden)' : JSON.stringify(env[name] ?? '');
        return `${name}=${shown}: ${issue.message}`;
      }),
    );
  }
  if (!Info.isValidIANAZone(parsed.data.SUPPORT_TIMEZONE)) {
    throw new ConfigError([`SUPPORT_TIMEZONE=${JSON.stringify(parsed.data.SUPPORT_TIMEZONE)}: not an IANA time zone (e.g. America/New_York)`]);
  }
  const [holidayCountry, holidayRegion] = parsed.data.SUPPORT_HOLIDAYS.split('-');
  try {
    holidayCalendarFor({ country: holidayCountry, region: holidayRegion });
  } catch (error) {
    throw new ConfigError([`SUPPORT_HOLIDAYS=${JSON.stringify(parsed.data.SUPPORT_HOLIDAYS)}: ${(error as Error).message}`]);
  }
  if (parsed.data.SUPPORT_OPENS_AT >= parsed.data.SUPPORT_CLOSES_AT) {
    throw new ConfigError([`SUPPORT_OPENS_AT=${parsed.data.SUPPORT_OPENS_AT}: must be before SUPPORT_CLOSES_AT=${parsed.data.SUPPORT_CLOSES_AT}`]);
  }
  if (parsed.data.NODE_ENV === 'production' && !parsed.data.VAULT_MASTER_KEY && !parsed.data.VAULT_MASTER_KEY_FILE) {
    throw new ConfigError([
      'VAULT_MASTER_KEY: required in production (or VAULT_MASTER_KEY_FILE), so that every server process shares one master key kept outside the data folder (generate one with `openssl rand -base64 32` and keep it in your secret store)',
    ]);
  }
  if (parsed.data.VAULT_MASTER_KEY && parsed.data.VAULT_MASTER_KEY_FILE) {
    throw new ConfigError(['VAULT_MASTER_KEY_FILE: set either VAULT_MASTER_KEY or VAULT_MASTER_KEY_FILE, not both']);
  }
  if (parsed.data.VAULT_PREVIOUS_MASTER_KEYS && !parsed.data.VAULT_MASTER_KEY) {
    throw new ConfigError(['VAULT_PREVIOUS_MASTER_KEYS: only makes sense with VAULT_MASTER_KEY (the key file keeps previous keys itself)']);
  }
  if (parsed.data.ATTACHMENT_STORE === 's3' && !parsed.data.S3_BUCKET) {
    throw new ConfigError(['S3_BUCKET: required with ATTACHMENT_STORE=s3 (the bucket that keeps the files)']);
  }
  if (parsed.data.S3_BUCKET) {
    if (!parsed.data.S3_ACCESS_KEY_ID !== !parsed.data.S3_SECRET_ACCESS_KEY) {
      throw new ConfigError([
        'S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: set both, or neither to use the AWS default credentials (AWS_* variables, instance role)',
      ]);
    }
  }
  const { dataDir, moved } = chooseDataDir(cleaned.DATA_DIR === undefined ? undefined : parsed.data.DATA_DIR, {
    projectRoot: PROJECT_ROOT,
    isRoot: process.getuid?.() === 0,
  });
  return { ...parsed.data, dataDir, ...(moved ? { dataDirMoved: moved } : {}) };
}
