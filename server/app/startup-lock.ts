import type { MikroORM } from '@mikro-orm/postgresql';
import { withPooledConnection } from '../common/pooled-connection';

/** Any fixed number: every process of this service on one database takes the same lock. */
export const STARTUP_LOCK_KEY = 4_107_202_612;
export const STARTUP_LOCK_TIMEOUT_MS = 120_000;

/**
 * Runs `prepare` while holding a PostgreSQL advisory lock, so processes starting together on one
 * database (replicas of a deploy, a worker next to the API) set it up one after the other:
 * migrations, the plan catalogue, the job queue's own tables (pg-boss's `create_queue` deadlocks
 * when two processes run it at once) and the first admin, who must be created once.
 * The lock is a session lock on one pooled connection: if the process dies, PostgreSQL drops it.
 */
export async function withStartupLock<T>(orm: MikroORM, prepare: () => Promise<T>, timeoutMs = STARTUP_LOCK_TIMEOUT_MS): Promise<T> {
  return withPooledConnection(orm.em, 'write', async (connection) => {
    let locked = false;
    try {
      await connection.query(`SET lock_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
      try {
        await connection.query('SELECT pg_advisory_lock($1)', [STARTUP_LOCK_KEY]);
        locked = true;
      } catch (error) {
        if ((error as { code?: string }).code === '55P03')
          throw new Error(
            `another process has been starting on this database for ${Math.round(timeoutMs / 1000)} s and still holds the start-up lock: ` +
              'check the other servers of this database, then start again',
          );
        throw error;
      }
      return await prepare();
    } finally {
      if (locked) await connection.query('SELECT pg_advisory_unlock($1)', [STARTUP_LOCK_KEY]).catch(() => {});
      await connection.query('RESET lock_timeout').catch(() => {});
    }
  });
}
