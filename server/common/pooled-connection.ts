import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * The parts of node-postgres's client used by code that needs one connection of the pool to
 * itself: a session setting or lock, PostgreSQL's own `$1` bindings, LISTEN.
 */
export interface PooledClient {
  query<R extends object = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): unknown;
  on(event: 'error' | 'end', listener: () => void): unknown;
  removeAllListeners(event: 'notification' | 'error' | 'end'): unknown;
}

/** Knex's pool, which MikroORM's connection keeps (its `client` is typed `any` there). */
interface KnexPool {
  acquireConnection(): Promise<PooledClient>;
  releaseConnection(client: PooledClient): Promise<unknown> | unknown;
}

export interface BorrowedConnection {
  readonly client: PooledClient;
  /** Gives the connection back to the pool; only the first call does, later ones wait for it. */
  release(): Promise<void>;
}

/**
 * One connection of the ORM's pool (the primary's, or a replica's with `'read'`), held until
 * `release()`: for a connection kept open (LISTEN). For a bounded piece of work use
 * `withPooledConnection`, which always gives it back.
 */
export async function borrowConnection(em: EntityManager, type: 'read' | 'write' = 'write'): Promise<BorrowedConnection> {
  const pool = em.getConnection(type).getKnex().client as KnexPool;
  const client = await pool.acquireConnection();
  let released: Promise<void> | null = null;
  return {
    client,
    release: () => (released ??= Promise.resolve(pool.releaseConnection(client)).then(() => undefined)),
  };
}

/** Runs `work` on one connection of the pool and gives it back however `work` ends. */
export async function withPooledConnection<T>(em: EntityManager, type: 'read' | 'write', work: (client: PooledClient) => Promise<T>): Promise<T> {
  const { client, release } = await borrowConnection(em, type);
  try {
    return await work(client);
  } finally {
    await release();
  }
}
