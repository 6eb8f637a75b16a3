import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/logger';

export interface OutboxPruneSettings {
  /** OUTBOX_RETENTION_DAYS: delivered events are kept this long (by when they happened), for audit and late readers. */
  retentionDays: number;
  /** OUTBOX_PRUNE_BATCH: events deleted per statement; a pass runs at most `maxBatchesPerPass` of them. */
  batchSize: number;
  /** Between passes; default 10 minutes. */
  intervalMs?: number;
  /** Default 10: a pass deletes at most batchSize × this many events, the rest waits for the next pass. */
  maxBatchesPerPass?: number;
}

export const DEFAULT_OUTBOX_PRUNE_SETTINGS: OutboxPruneSettings = { retentionDays: 30, batchSize: 1_000 };

/**
 * Deletes up to `batchSize` of the oldest outbox events that every consumer has (at or below
 * the lowest watermark of `outbox_consumer`) and that happened before `olderThan`. Reads from
 * the start of the table only (its primary key), so a pass costs the same however long the
 * outbox is. Notifications, emails and webhook deliveries keep their own copies, so nothing a
 * person or an endpoint may still read goes with it. Returns how many were deleted.
 */
export async function pruneDeliveredEvents(em: EntityManager, olderThan: Date, batchSize: number): Promise<number> {
  const result = await em.execute<{ affectedRows?: number; rowCount?: number }>(
    `with watermark as (select coalesce(min(delivered_through), 0) as through from outbox_consumer),
          oldest as (select e.id from outbox_event e where e.id <= (select through from watermark) order by e.id limit ?)
     delete from outbox_event where id in (select id from oldest) and occurred_at < ?`,
    [batchSize, olderThan],
    'run',
  );
  return Number(result.affectedRows ?? result.rowCount ?? 0);
}

/** Prunes the outbox now and then, in bounded batches; several processes may run it (deletes are idempotent). */
export class OutboxPruner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;

  constructor(private readonly options: { orm: MikroORM; clock: Clock; logger: Logger; settings: OutboxPruneSettings }) {}

  /** One pass: batches until one is not full, at most maxBatchesPerPass. Returns how many events were deleted. */
  async runOnce(): Promise<number> {
    const { retentionDays, batchSize, maxBatchesPerPass = 10 } = this.options.settings;
    const olderThan = this.options.clock().minus({ days: retentionDays }).toJSDate();
    let deleted = 0;
    for (let batch = 0; batch < maxBatchesPerPass; batch += 1) {
      const n = await pruneDeliveredEvents(this.options.orm.em.fork(), olderThan, batchSize);
      deleted += n;
      if (n < batchSize) break;
    }
    return deleted;
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    this.timer = setTimeout(() => void this.tick(), this.options.settings.intervalMs ?? 600_000);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    this.running = this.runOnce().catch((error: unknown) => this.options.logger.warn({ err: error }, 'outbox pruning failed; the next pass tries again'));
    await this.running;
    this.running = undefined;
    if (!this.stopped) this.schedule();
  }
}
