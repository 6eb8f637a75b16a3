/**
 * The outbox relay: hands every committed domain event to every registered consumer.
 *
 * For consumers (email, in-app notifications, webhooks, live subscriptions): call
 * `relay.register(name, handler)` once at start-up, before `relay.start()`; nothing else is
 * needed. What a consumer gets:
 * - every committed event (from the outbox, so a process killed right after a commit loses
 *   nothing), in outbox order, one at a time per consumer across all processes;
 * - at least once: the handler runs inside a transaction that also records the delivery
 *   (`outbox_delivery`), so whatever the handler writes through `delivery.em` commits exactly
 *   once with that record; a handler that throws rolls back, and the same event is offered
 *   again after a back-off (later events wait: order is kept);
 * - `delivery.idempotencyKey` (`${consumer}:${eventId}`) for effects outside the database
 *   (an SMTP send, an HTTP call): pass it on so the far side can drop a repeat.
 * Handlers should be quick and never wait on the network: write a row (an email to send, a
 * webhook delivery) and let a sender of your own retry it.
 *
 * Wake-up: PostgreSQL NOTIFY from a trigger on `outbox_event` (sent only when the inserting
 * transaction commits), plus a slow poll in case a notification was missed (a reconnect).
 * A first-time consumer receives every event still in the outbox.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../common/logger';
import type { StoredDomainEvent } from './domain-event';
import { storedEvent } from './domain-events';
import { OutboxEvent } from './outbox-event.entity';
import { PgListener } from './pg-listener';

export interface RelayDelivery {
  /** The delivery's own transaction: writes through it commit with the delivery record. */
  em: EntityManager;
  /** `${consumer}:${eventId}`: the same for every attempt at this event for this consumer. */
  idempotencyKey: string;
  /** Runs `effect` once this delivery has committed (e.g. wake a sender that reads the rows written). */
  afterCommit(effect: () => void): void;
}

export type RelayHandler = (event: StoredDomainEvent, delivery: RelayDelivery) => Promise<void>;

export interface OutboxRelayOptions {
  orm: MikroORM;
  logger: Logger;
  /** Events one consumer takes per wake-up before yielding to the others (each in its own transaction). */
  batchSize?: number;
  /** Safety poll when no NOTIFY arrives. */
  pollIntervalMs?: number;
  /** First pause after a failed handler; doubles per failure up to `maxRetryDelayMs`. */
  retryBaseMs?: number;
  maxRetryDelayMs?: number;
  /** Events older than this (by the database's clock) are settled: the watermark may pass them. */
  settleAfterSeconds?: number;
  /** Least pause between two housekeeping rounds of one consumer (default a minute). */
  housekeepingIntervalMs?: number;
}

interface Consumer {
  name: string;
  handler: RelayHandler;
  running: Promise<void> | null;
  again: boolean;
  failures: number;
  retryTimer: NodeJS.Timeout | null;
  lastHousekeeping: number;
}

const CHANNEL = 'outbox_event';
const CONSUMER_NAME = /^[a-z][a-z0-9_.-]{0,63}$/;

export class OutboxRelay {
  private readonly consumers = new Map<string, Consumer>();
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly retryBaseMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly settleAfterSeconds: number;
  private pollTimer: NodeJS.Timeout | null = null;
  private readonly listener: PgListener;
  private started = false;
  private stopped = false;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 100;
    this.pollIntervalMs = options.pollIntervalMs ?? 5_000;
    this.retryBaseMs = options.retryBaseMs ?? 1_000;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 60_000;
    this.settleAfterSeconds = options.settleAfterSeconds ?? 600;
    this.listener = new PgListener({
      orm: options.orm,
      logger: options.logger,
      channels: [CHANNEL],
      name: 'outbox relay',
      onNotification: () => this.wake(),
      onReconnect: () => this.wake(),
    });
  }

  register(consumerName: string, handler: RelayHandler): void {
    if (!CONSUMER_NAME.test(consumerName))
      throw new Error(`relay consumer name ${JSON.stringify(consumerName)}: lower-case letters, digits, . _ -, at most 64`);
    if (this.consumers.has(consumerName)) throw new Error(`relay consumer ${consumerName} is already registered`);
    this.consumers.set(consumerName, { name: consumerName, handler, running: null, again: false, failures: 0, retryTimer: null, lastHousekeeping: 0 });
    if (this.started) this.recordConsumers(consumerName);
  }

  /** The database may be down (restarting): tried again every 2 s until it answers; never an unhandled rejection. */
  private recordConsumers(consumerName: string): void {
    if (this.stopped) return;
    void this.ensureConsumerRows()
      .then(() => this.wake())
      .catch((error: unknown) => {
        this.options.logger.warn({ err: error, consumer: consumerName }, 'could not record the relay consumer yet; trying again');
        setTimeout(() => this.recordConsumers(consumerName), 2_000).unref();
      });
  }

  get consumerNames(): string[] {
    return [...this.consumers.keys()];
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.ensureConsumerRows();
    await this.listener.start();
    this.pollTimer = setInterval(() => this.wake(), this.pollIntervalMs);
    this.pollTimer.unref();
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    for (const consumer of this.consumers.values()) if (consumer.retryTimer) clearTimeout(consumer.retryTimer);
    await Promise.all([...this.consumers.values()].map((consumer) => consumer.running?.catch(() => {})));
    await this.listener.stop();
  }

  /** Runs every consumer now (a NOTIFY does this too). */
  wake(): void {
    if (this.stopped) return;
    for (const consumer of this.consumers.values()) this.run(consumer);
  }

  /** Delivers until no consumer has anything left that it can take (tests, shutdown of a worker). */
  async drain(): Promise<void> {
    for (;;) {
      let delivered = 0;
      for (const consumer of this.consumers.values()) {
        await consumer.running?.catch(() => {});
        delivered += await this.deliverBatch(consumer);
      }
      if (delivered === 0) return;
    }
  }

  private run(consumer: Consumer): void {
    if (consumer.running) {
      consumer.again = true;
      return;
    }
    if (consumer.retryTimer) return; // backing off after a failure
    consumer.again = false;
    consumer.running = this.deliverBatch(consumer)
      .then((delivered) => {
        // A full batch may have left more behind: go on, after yielding to the others.
        if (delivered >= this.batchSize) consumer.again = true;
      })
      .catch(() => {})
      .finally(() => {
        consumer.running = null;
        if (consumer.again && !this.stopped) setImmediate(() => this.run(consumer));
      });
  }

  /** Up to one batch for one consumer, each event in its own transaction. Returns how many were delivered. */
  private async deliverBatch(consumer: Consumer): Promise<number> {
    let delivered = 0;
    while (delivered < this.batchSize && !this.stopped) {
      let outcome: 'delivered' | 'idle' | 'busy';
      try {
        outcome = await this.deliverOne(consumer);
      } catch (error) {
        consumer.failures += 1;
        const delay = Math.min(this.maxRetryDelayMs, this.retryBaseMs * 2 ** (consumer.failures - 1));
        this.options.logger.warn(
          { consumer: consumer.name, failures: consumer.failures, retryInMs: delay, err: error },
          'outbox consumer failed; the event will be offered again',
        );
        consumer.retryTimer = setTimeout(() => {
          consumer.retryTimer = null;
          this.run(consumer);
        }, delay);
        consumer.retryTimer.unref();
        return delivered;
      }
      if (outcome !== 'delivered') {
        if (outcome === 'idle')
          await this.housekeeping(consumer).catch((error) => this.options.logger.warn({ consumer: consumer.name, err: error }, 'outbox housekeeping failed'));
        return delivered;
      }
      consumer.failures = 0;
      delivered += 1;
    }
    return delivered;
  }

  private async deliverOne(consumer: Consumer): Promise<'delivered' | 'idle' | 'busy'> {
    const afterCommit: Array<() => void> = [];
    const outcome = await this.options.orm.em.fork().transactional(async (em): Promise<'delivered' | 'idle' | 'busy'> => {
      // One process at a time per consumer: that keeps the order, and a second process simply skips.
      const [lock] = await em.execute<{ locked: boolean }[]>('select pg_try_advisory_xact_lock(hashtext(?)) as locked', [`outbox:${consumer.name}`]);
      if (!lock?.locked) return 'busy';
      const [next] = await em.execute<{ id: string }[]>(
        `select e.id from outbox_event e join outbox_consumer c on c.name = ?
         where e.id > c.delivered_through
           and not exists (select 1 from outbox_delivery d where d.consumer = c.name and d.event_id = e.id)
         order by e.id limit 1`,
        [consumer.name],
      );
      if (!next) return 'idle';
      const row = await em.findOneOrFail(OutboxEvent, { id: next.id });
      const event = storedEvent(row);
      await consumer.handler(event, { em, idempotencyKey: `${consumer.name}:${event.id}`, afterCommit: (effect) => afterCommit.push(effect) });
      await em.flush();
      await em.execute('insert into outbox_delivery (consumer, event_id) values (?, ?)', [consumer.name, event.id]);
      return 'delivered';
    });
    for (const effect of afterCommit) {
      try {
        effect();
      } catch (error) {
        this.options.logger.warn({ consumer: consumer.name, err: error }, 'an after-commit effect of an outbox consumer failed');
      }
    }
    return outcome;
  }

  /**
   * Keeps the per-consumer records bounded: the watermark moves up over every delivered event
   * that is settled (old enough that no transaction still running can insert below it), and
   * the delivery records it covers are dropped. At most once a minute per consumer. Pruning
   * (outbox-prune.ts) deletes events below every consumer's watermark.
   */
  private async housekeeping(consumer: Consumer): Promise<void> {
    if (Date.now() - consumer.lastHousekeeping < (this.options.housekeepingIntervalMs ?? 60_000)) return;
    consumer.lastHousekeeping = Date.now();
    await this.options.orm.em.fork().transactional(async (em) => {
      const [lock] = await em.execute<{ locked: boolean }[]>('select pg_try_advisory_xact_lock(hashtext(?)) as locked', [`outbox:${consumer.name}`]);
      if (!lock?.locked) return;
      await em.execute(
        `with c as (select delivered_through w from outbox_consumer where name = ?),
              settled as (select coalesce(max(id), 0) s from outbox_event where recorded_at < now() - make_interval(secs => ?)),
              gap as (select min(e.id) g from outbox_event e, c, settled
                      where e.id > c.w and e.id <= settled.s
                        and not exists (select 1 from outbox_delivery d where d.consumer = ? and d.event_id = e.id))
         update outbox_consumer set delivered_through = greatest(delivered_through, (select least(settled.s, coalesce(gap.g - 1, settled.s)) from settled, gap))
         where name = ?`,
        [consumer.name, this.settleAfterSeconds, consumer.name, consumer.name],
      );
      await em.execute('delete from outbox_delivery where consumer = ? and event_id <= (select delivered_through from outbox_consumer where name = ?)', [
        consumer.name,
        consumer.name,
      ]);
    });
  }

  private async ensureConsumerRows(): Promise<void> {
    const em = this.options.orm.em.fork();
    for (const name of this.consumers.keys()) {
      await em.execute('insert into outbox_consumer (name) values (?) on conflict (name) do nothing', [name]);
    }
  }
}
