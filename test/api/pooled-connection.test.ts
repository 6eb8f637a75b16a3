// One connection of the ORM's pool, borrowed for work that needs it to itself (a session lock,
// `$1` bindings, LISTEN): whatever the work does, the pool gets it back.
import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { borrowConnection, withPooledConnection } from '../../server/common/pooled-connection';
import { createTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

/** Connections of the pool handed out right now. */
const inUse = (em: EntityManager) => (em.getConnection('write').getKnex().client.pool as { numUsed(): number }).numUsed();

describe('a pooled connection', () => {
  it('runs the work on one session and gives the connection back after it', async () => {
    const em = app.orm.em.fork();
    const before = inUse(em);
    const pids = await withPooledConnection(em, 'write', async (client) => {
      expect(inUse(em)).toBe(before + 1);
      await client.query(`SET application_name = 'pooled-connection-test'`);
      const first = await client.query<{ pid: number; name: string }>('select pg_backend_pid() as pid, current_setting($1) as name', ['application_name']);
      const second = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
      expect(first.rows[0]!.name).toBe('pooled-connection-test');
      await client.query('RESET application_name');
      return [first.rows[0]!.pid, second.rows[0]!.pid];
    });
    expect(pids[0]).toBe(pids[1]);
    expect(inUse(em)).toBe(before);
  });

  it('gives it back when the work fails, so failures never drain the pool', async () => {
    const em = app.orm.em.fork();
    const before = inUse(em);
    // More failures than the pool has connections (10): a leak would leave the last ones waiting.
    for (let i = 0; i < 12; i++) {
      await expect(withPooledConnection(em, 'write', (client) => client.query('select * from no_such_table'))).rejects.toThrow(/no_such_table/);
      expect(inUse(em), `after failure ${i + 1}`).toBe(before);
    }
    expect(inUse(em)).toBe(before);
    const alive = await withPooledConnection(em, 'write', async (client) => (await client.query<{ one: number }>('select 1 as one')).rows[0]!.one);
    expect(alive).toBe(1);
  });

  it('a borrowed connection stays out of the pool until released, and releasing twice gives it back once', async () => {
    const em = app.orm.em.fork();
    const before = inUse(em);
    const borrowed = await borrowConnection(em);
    expect(inUse(em)).toBe(before + 1);
    await Promise.all([borrowed.release(), borrowed.release()]);
    await borrowed.release();
    expect(inUse(em)).toBe(before);
    // The pool still hands out working connections afterwards.
    const again = await borrowConnection(em);
    expect((await again.client.query<{ one: number }>('select 1 as one')).rows[0]!.one).toBe(1);
    await again.release();
    expect(inUse(em)).toBe(before);
  });
});
