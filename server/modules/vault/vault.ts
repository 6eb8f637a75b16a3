import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/logger';
import { DEFAULT_CHECK_LIMIT, type CheckLimit } from './access-rules';
import { StaticKeyring, type MasterKeyring } from './keyring';

/** Sends the wake-up that shreds an access when its time comes (pg-boss; see vault.jobs.ts). */
export interface ShredScheduler {
  scheduleShred(accessId: string, at: Date): Promise<void>;
}

export interface VerifyOptions {
  /** Per login attempt; the whole check gives up a little after it. */
  timeoutMs: number;
  /** Connect to loopback and private addresses too (tests, on-premise stores). Off in production. */
  allowPrivateHosts: boolean;
  /** Checks per customer and window, whoever asks for them. */
  limit: CheckLimit;
}

export interface VaultOptions {
  keyring: MasterKeyring;
  /** Days between resolution and shredding (fractions allowed). */
  shredDelayDays: number;
  clock: Clock;
  logger: Logger;
  verify: VerifyOptions;
}

/**
 * What the vault needs at run time beyond the request: the master keys, the shred delay,
 * the job queue and the login-check settings. One per app, handed to the request wiring.
 */
export class Vault {
  keyring: MasterKeyring;
  shredDelayDays: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly verify: VerifyOptions;
  /** Set while the background jobs run; without it the periodic sweep still shreds on time. */
  scheduler: ShredScheduler | null = null;

  constructor(options: VaultOptions) {
    this.keyring = options.keyring;
    this.shredDelayDays = options.shredDelayDays;
    this.clock = options.clock;
    this.logger = options.logger;
    this.verify = options.verify;
  }

  /** A vault with a random in-memory master key that may check logins on 127.0.0.1 (tests). */
  static forTests(options: { clock: Clock; logger: Logger }): Vault {
    return new Vault({
      keyring: StaticKeyring.random(),
      shredDelayDays: 7,
      clock: options.clock,
      logger: options.logger,
      verify: { timeoutMs: 3_000, allowPrivateHosts: true, limit: DEFAULT_CHECK_LIMIT },
    });
  }

  /** Asks the job queue for a wake-up at `at`; a failure is logged, and the sweep catches up. */
  async scheduleShred(accessId: string, at: Date): Promise<void> {
    if (!this.scheduler) return;
    try {
      await this.scheduler.scheduleShred(accessId, at);
    } catch (error) {
      this.logger.warn({ accessId, error: (error as Error).message }, 'could not queue the shred job; the periodic sweep will shred on time');
    }
  }
}
