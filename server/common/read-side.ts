import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from './logger';
import { withPooledConnection } from './pooled-connection';

export type ConnectionType = 'read' | 'write';

/**
 * Errors that say the replica cannot answer rather than that the statement is wrong: refused
 * or lost connections, a server starting up or shutting down (57P0x), any connection
 * exception (class 08), a query cancelled because replay needed its rows (40001 on a standby).
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '40001',
]);

export function replicaUnavailable(error: unknown): boolean {
  const { code, name, message } = (error ?? {}) as { code?: unknown; name?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  return name === 'KnexTimeoutError' || /connection terminated|timeout exceeded when trying to connect/i.test(String(message ?? ''));
}

/**
 * Where analytics (supportStats), search and exports read: a read replica when replicas are
 * configured (DATABASE_REPLICA_URLS), the primary otherwise. Their answers may be as old as the
 * replica's replay lag, which is why nothing that decides (allowance, SLA, vault, mutations,
 * the ticket list) reads here. A replica that cannot answer is not an outage: the same
 * statement runs on the primary, and a warning (without the URL) says so.
 */
export class ReadSide {
  constructor(
    private readonly em: EntityManager,
    private readonly log?: Logger,
  ) {}

  /** Whether reads here may go to a replica (false: every read is the primary's). */
  get replicated(): boolean {
    return this.em.getConnection('read') !== this.em.getConnection('write');
  }

  /** Runs `work` on a replica's connection type, then on the primary's if the replica cannot answer. */
  async run<T>(work: (type: ConnectionType) => Promise<T>): Promise<T> {
    if (!this.replicated) return work('write');
    try {
      return await work('read');
    } catch (error) {
      if (!replicaUnavailable(error)) throw error;
      const { code, message } = error as { code?: string; message?: string };
      this.log?.warn({ component: 'read-replica', code, reason: message }, 'a read replica could not answer: read from the primary instead');
      return work('write');
    }
  }

  /** A statement with `?` bindings (as em.execute), rows as plain objects. */
  execute<T extends object = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.run((type) => this.em.getConnection(type).execute<T[]>(sql, [...params], 'all'));
  }

  /** A statement with PostgreSQL's own `$1` bindings, on a pooled client, rows as plain objects. */
  query(text: string, values: readonly unknown[]): Promise<Record<string, unknown>[]> {
    return this.run((type) => withPooledConnection(this.em, type, async (client) => (await client.query(text, [...values])).rows));
  }
}

export function readSide(em: EntityManager, log?: Logger): ReadSide {
  return new ReadSide(em, log);
}
