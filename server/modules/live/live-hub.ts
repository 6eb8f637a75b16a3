import { EventEmitter, on } from 'node:events';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../common/logger';
import type { StoredDomainEvent } from '../events/domain-event';
import { storedEvent } from '../events/domain-events';
import { OutboxEvent } from '../events/outbox-event.entity';
import { PgListener } from '../events/pg-listener';
import { DEFAULT_LIVE_SOCKET_SETTINGS, type LiveSocketSettings } from './live-settings';

const CHANNEL = 'outbox_event';
/** A trigger on `notification` sends `<recipient> <notification id>` here when a notification commits. */
const NOTIFICATION_CHANNEL = 'notification_added';
/** Triggers send `key:<id>`, `customer:<id>` or `staff:<id>` here when that credential stops holding (migration credential_revoked). */
const REVOKED_CHANNEL = 'credential_revoked';
/** Ids below the newest seen that are read again: a transaction that took its id earlier may commit later. */
const REORDER_WINDOW = 200;
const BATCH = 500;

/**
 * Live fan-out for GraphQL subscriptions: every server process LISTENs for the outbox's NOTIFY
 * (sent by PostgreSQL when an inserting transaction commits) and reads the new events itself,
 * so a change made through any process reaches the subscribers of every process. Only
 * committed events are seen; nothing is stored per subscriber (a live feed, not a queue: a
 * client that was away reads what it missed through queries).
 */
export class LiveHub {
  private readonly emitter = new EventEmitter();
  private cursor = '0';
  private readonly seen = new Set<string>();
  private readonly listener: PgListener;
  private pollTimer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  /** The bounds of the WebSocket endpoint that serves this feed. */
  readonly socketSettings: LiveSocketSettings;

  constructor(private readonly options: { orm: MikroORM; logger: Logger; pollIntervalMs?: number; socket?: LiveSocketSettings }) {
    this.socketSettings = options.socket ?? DEFAULT_LIVE_SOCKET_SETTINGS;
    this.emitter.setMaxListeners(0);
    this.listener = new PgListener({
      orm: options.orm,
      logger: options.logger,
      channels: [CHANNEL, NOTIFICATION_CHANNEL, REVOKED_CHANNEL],
      name: 'live updates',
      retryMs: 1_000,
      onNotification: (channel, payload) => {
        if (channel === CHANNEL) this.wake();
        if (channel === NOTIFICATION_CHANNEL) this.emitter.emit('notification', payload);
        if (channel === REVOKED_CHANNEL) this.emitter.emit('revoked', payload);
      },
      // A revocation may have been missed while reconnecting: every open connection checks its credential again.
      onReconnect: () => {
        this.wake();
        this.emitter.emit('revoked', null);
      },
    });
  }

  async start(): Promise<void> {
    const rows = await this.options.orm.em.fork().getConnection().execute<Array<{ max: string | null }>>('select max(id)::text as max from outbox_event');
    this.cursor = rows[0]?.max ?? '0';
    await this.listener.start();
    // A safety net for a notification lost while reconnecting.
    this.pollTimer = setInterval(() => this.wake(), this.options.pollIntervalMs ?? 2_000);
    this.pollTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.pollTimer);
    await this.reading;
    await this.listener.stop();
    this.emitter.removeAllListeners();
  }

  /**
   * The committed events `accept` lets through, from now on, until the consumer stops
   * iterating (graphql-ws calls `return()` when the client unsubscribes or goes away).
   */
  subscribe(accept: (event: StoredDomainEvent) => boolean): AsyncIterableIterator<StoredDomainEvent> {
    return this.iterate<StoredDomainEvent>('event', (event) => (accept(event as StoredDomainEvent) ? (event as StoredDomainEvent) : null));
  }

  /** An iterator over one kind of emitted value, picked (and shaped) by `pick`; `return()` detaches it at once. */
  private iterate<T>(name: string, pick: (value: unknown) => T | null): AsyncIterableIterator<T> {
    const controller = new AbortController();
    const source = on(this.emitter, name, { signal: controller.signal });
    const done = { value: undefined, done: true } as const;
    return {
      async next() {
        for (;;) {
          try {
            const step = await source.next();
            if (step.done) return done;
            const picked = pick((step.value as unknown[])[0]);
            if (picked !== null) return { value: picked, done: false };
          } catch (error) {
            if (controller.signal.aborted) return done;
            throw error;
          }
        }
      },
      async return() {
        controller.abort();
        return done;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /** The ids of notifications committed for `recipient` (`customer:<id>` or `staff:<id>`) from now on. */
  notificationsFor(recipient: string): AsyncIterableIterator<string> {
    return this.iterate<string>('notification', (message) => {
      const [to, id] = String(message).split(' ');
      return to === recipient && id ? id : null;
    });
  }

  /**
   * Calls `listener` with the credential (`key:<id>`, `customer:<id>`, `staff:<id>`) that a commit on
   * any process revoked, or with null when every credential should be checked again. Returns the
   * function that detaches it.
   */
  onCredentialRevoked(listener: (subject: string | null) => void): () => void {
    this.emitter.on('revoked', listener);
    return () => this.emitter.off('revoked', listener);
  }

  /** Reads what was committed since the last read (now, or right after the running read). */
  wake(): void {
    if (this.stopped) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.readNew()
      .catch((error: unknown) => this.options.logger.warn({ err: error }, 'live updates could not read the outbox'))
      .finally(() => {
        this.reading = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async readNew(): Promise<void> {
    const em = this.options.orm.em.fork();
    const low = String(BigInt(this.cursor) > BigInt(REORDER_WINDOW) ? BigInt(this.cursor) - BigInt(REORDER_WINDOW) : 0n);
    const rows = await em.find(OutboxEvent, { id: { $gt: low } }, { orderBy: { id: 'asc' }, limit: BATCH });
    for (const row of rows) {
      const id = String(row.id);
      if (this.seen.has(id)) continue;
      this.seen.add(id);
      if (BigInt(id) > BigInt(this.cursor)) this.cursor = id;
      this.emitter.emit('event', storedEvent(row));
    }
    for (const id of this.seen) if (BigInt(id) <= BigInt(this.cursor) - BigInt(REORDER_WINDOW)) this.seen.delete(id);
    if (rows.length === BATCH) this.again = true;
  }
}
