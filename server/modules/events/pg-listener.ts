import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../common/logger';
import { type BorrowedConnection, borrowConnection } from '../../common/pooled-connection';

export interface PgListenerOptions {
  orm: MikroORM;
  logger: Logger;
  /** PostgreSQL channels to LISTEN on (plain identifiers). */
  channels: readonly string[];
  onNotification(channel: string, payload: string): void;
  /** Called once listening again after the connection was lost or could not be had: read what may have been missed. */
  onReconnect(): void;
  /** Who listens, for the log ("outbox relay", "live updates"). */
  name: string;
  /** Pause before taking a connection again. */
  retryMs?: number;
}

/**
 * One pooled connection kept for LISTEN (NOTIFY is sent by PostgreSQL when, and only if, the
 * notifying transaction commits). Lost (a database restart) or not to be had, it is taken again
 * after a pause, and `onReconnect` lets the owner catch up; meanwhile the owner's own poll is
 * what keeps it going.
 */
export class PgListener {
  private listener: { connection: BorrowedConnection; stop: () => Promise<void> } | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly options: PgListenerOptions) {
    for (const channel of options.channels) if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
  }

  start(): Promise<void> {
    return this.listen(false);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const listener = this.listener;
    this.listener = null;
    await listener?.stop().catch(() => {});
  }

  private async listen(reconnecting: boolean): Promise<void> {
    if (this.stopped) return;
    let borrowed: BorrowedConnection | null = null;
    try {
      borrowed = await borrowConnection(this.options.orm.em);
      for (const channel of this.options.channels) await borrowed.client.query(`LISTEN ${channel}`);
      if (this.stopped) {
        await borrowed.release().catch(() => {});
        return;
      }
    } catch (error) {
      // A connection that could not LISTEN goes back to the pool (which drops it if it is broken).
      await borrowed?.release().catch(() => {});
      this.options.logger.warn({ err: error }, `${this.options.name} could not LISTEN; polling until it can`);
      this.retryLater();
      return;
    }
    const connection = borrowed;
    const { client } = connection;
    const lost = () => {
      if (this.listener?.connection !== connection) return;
      this.listener = null;
      void connection.release().catch(() => {});
      this.retryLater();
    };
    client.on('notification', (message) => this.options.onNotification(message.channel, message.payload ?? ''));
    client.on('error', lost);
    client.on('end', lost);
    this.listener = {
      connection,
      stop: async () => {
        client.removeAllListeners('notification');
        await client.query('UNLISTEN *').catch(() => {});
        await connection.release();
      },
    };
    if (reconnecting) this.options.onReconnect();
  }

  private retryLater(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.listen(true);
    }, this.options.retryMs ?? 2_000);
    this.retryTimer.unref();
  }
}
