import type { EntityManager } from '@mikro-orm/postgresql';

/** The advisory lock that serialises changes which may leave no active admin (an arbitrary, fixed key). */
const ADMIN_CHANGES_LOCK = 7_341_020_001;

/**
 * Holds the admin-changes lock until the transaction ends. Taken before reading anything, so
 * the count that follows sees every earlier change committed (READ COMMITTED takes a fresh
 * snapshot per statement).
 */
export async function lockAdminChanges(em: EntityManager): Promise<void> {
  await em.execute('select pg_advisory_xact_lock(?)', [ADMIN_CHANGES_LOCK]);
}

/** Active admins as committed now (not as this request's identity map remembers them). */
export async function countActiveAdmins(em: EntityManager): Promise<number> {
  const [row] = await em.execute<Array<{ n: number }>>(`select count(*)::int as n from staff_member where role = 'ADMIN' and active`);
  return row?.n ?? 0;
}

/** Whether this staff member is an active admin as committed now (its request may have started before a demotion). */
export async function isActiveAdmin(em: EntityManager, staffId: string): Promise<boolean> {
  const rows = await em.execute<Array<{ id: string }>>(`select id from staff_member where id = ? and role = 'ADMIN' and active`, [staffId]);
  return rows.length > 0;
}
