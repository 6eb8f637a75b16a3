import type { EntityManager } from '@mikro-orm/postgresql';
import type { MasterKeyring } from './keyring';
import { rewrapInto } from './sealed-access';
import { TicketAccess } from './ticket-access.entity';

export interface RotationResult {
  /** Data keys now wrapped by the current master key that were not before. */
  rewrapped: number;
  /** Data keys that changed (replaced or shredded) while being re-wrapped: nothing to do. */
  skipped: number;
  /** Live data keys still wrapped by another master key (0 once the rotation is complete). */
  remaining: number;
  /** The master key ids that still wrap a live data key, other than the current one. */
  remainingKeyIds: string[];
}

/**
 * Re-wraps every live data key under the keyring's current master key, in small batches,
 * without locks that would stop the servers: each row is updated only if it did not change
 * meanwhile (same generation and key id), and the ciphertext is never touched. Run it while
 * the servers hold both the new and the previous keys; then retire the previous ones.
 */
export async function rewrapDataKeys(em: EntityManager, keyring: MasterKeyring, batchSize = 200): Promise<RotationResult> {
  const current = keyring.current().id;
  let rewrapped = 0;
  let skipped = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const batchEm = em.fork();
    const rows = await batchEm.find(
      TicketAccess,
      { id: { $gt: after }, shreddedAt: null, masterKeyId: { $ne: current } },
      { populate: ['wrappedDataKey'] as never, orderBy: { id: 'asc' }, limit: batchSize },
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      const previousKeyId = row.masterKeyId!;
      const generation = row.generation;
      rewrapInto(row, keyring);
      const updated = await batchEm.nativeUpdate(
        TicketAccess,
        { id: row.id, generation, masterKeyId: previousKeyId, shreddedAt: null },
        { wrappedDataKey: row.wrappedDataKey, masterKeyId: current },
      );
      if (updated === 1) rewrapped += 1;
      else skipped += 1;
    }
    after = rows[rows.length - 1]!.id;
  }
  const left = await em
    .fork()
    .getConnection()
    .execute<Array<{ master_key_id: string; n: number }>>(
      `select master_key_id, count(*)::int as n from ticket_access
      where shredded_at is null and master_key_id is not null and master_key_id <> ? group by master_key_id`,
      [current],
    );
  return {
    rewrapped,
    skipped,
    remaining: left.reduce((sum, row) => sum + Number(row.n), 0),
    remainingKeyIds: left.map((row) => row.master_key_id),
  };
}
