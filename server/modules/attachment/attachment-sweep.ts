import type { MikroORM } from '@mikro-orm/postgresql';
import type { DateTime } from 'luxon';
import type { Logger } from '../../common/logger';
import type { S3AttachmentStorage, SweepResult } from './s3-attachment-storage';

export interface AttachmentSweepSettings {
  /** Objects younger than this are never deleted: their upload may still be committing (default 1 hour). */
  graceMinutes: number;
  /** Time between runs (default 15 minutes). */
  intervalMinutes: number;
  /** Keys looked at per run (default 1000): a bucket of N files is gone through every ceil(N / maxKeys) runs. */
  maxKeys: number;
}

export const DEFAULT_SWEEP: AttachmentSweepSettings = { graceMinutes: 60, intervalMinutes: 15, maxKeys: 1_000 };

export interface AttachmentSweep {
  /** One bounded run now, going on where the last one stopped. */
  runOnce(): Promise<SweepResult>;
  stop(): void;
}

/**
 * The periodic sweep of an S3 attachment store (s3-attachment-storage.ts). Every process may
 * run it: two runs deleting the same orphan do no harm, and a key with a committed row is never
 * deleted. A failed run is logged and the next one tries again.
 */
export function startAttachmentSweep(options: {
  orm: MikroORM;
  storage: S3AttachmentStorage;
  clock: () => DateTime;
  logger: Logger;
  settings?: Partial<AttachmentSweepSettings>;
  /** false: no timer, runs only through runOnce (tests). */
  autoStart?: boolean;
}): AttachmentSweep {
  const settings = { ...DEFAULT_SWEEP, ...options.settings };
  let startAfter: string | null = null;
  let running: Promise<SweepResult> | null = null;

  const runOnce = async (): Promise<SweepResult> => {
    const olderThan = options.clock().minus({ minutes: settings.graceMinutes }).toJSDate();
    const result = await options.storage.sweep(options.orm.em.fork(), { olderThan, maxKeys: settings.maxKeys, startAfter });
    startAfter = result.nextStartAfter;
    if (result.deleted > 0) options.logger.info({ examined: result.examined, deleted: result.deleted }, 'attachment sweep deleted orphaned objects');
    return result;
  };

  const tick = () => {
    if (running) return;
    running = runOnce()
      .catch((error: unknown) => {
        options.logger.warn({ reason: (error as Error).message }, 'attachment sweep failed; the next run tries again');
        return { examined: 0, deleted: 0, nextStartAfter: startAfter };
      })
      .finally(() => {
        running = null;
      });
  };
  const timer = options.autoStart === false ? null : setInterval(tick, settings.intervalMinutes * 60_000);
  timer?.unref();
  return {
    runOnce,
    stop: () => {
      if (timer) clearInterval(timer);
    },
  };
}
