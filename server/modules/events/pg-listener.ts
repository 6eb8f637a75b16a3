import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../common/logger';

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

interface ListenConnection {
  query(sql: string): Promise<unknown>;
  on(event: string, listener: (...args: never[]) => void): void;
  removeAllListeners(event: string): void;
}

/**
 * One pooled connection kept for LISTEN (NOTIFY is sent by PostgreSQL when, and only if, the
 * notifying transaction commits). Lost (a database restart) or not to be had, it is taken again
 * after a pause, and `onReconnect` lets the owner catch up; meanwhile the owner's own poll is
 * what keeps it going.
 */
export class PgListener {
  private listener: { connection: ListenConnection; release: () => Promise<void> } | null = null;
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
    await listener?.release().catch(() => {});
  }

  private async listen(reconnecting: boolean): Promise<void> {
    if (this.stopped) return;
    const knex = this.options.orm.em.getConnection().getKnex();
    let connection: ListenConnection;
    try {
      connection = (await knex.client.acquireConnection()) as ListenConnection;
      for (const channel of this.options.channels) await connection.query(`LISTEN ${channel}`);
      if (this.stopped) {
        await Promise.resolve(knex.client.releaseConnection(connection)).catch(() => {});
        return;
      }
    } catch (error) {
      this.options.logger.warn({ err: error }, `${this.options.name} could not LISTEN; polling until it can`);
      this.retryLater();
      return;
    }
    const lost = () => {
      if (this.listener?.connection !== connection) return;
      this.listener = null;
      void Promise.resolve(knex.client.releaseConnection(connection)).catch(() => {});
      this.retryLater();
    };
    connection.on('notification', (message: { channel: string; payload?: string }) => this.options.onNotification(message.channel, message.payload ?? ''));
    connection.on('error', lost);
    connection.on('end', lost);
    this.listener = {
      connection,
      release: async () => {
        connection.removeAllListeners('notification');
        await connection.query('UNLISTEN *').catch(() => {});
        await knex.client.releaseConnection(connection);
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
