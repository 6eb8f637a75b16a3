import type { EntityManager } from '@mikro-orm/postgresql';
import type { MasterKeyring } from '../vault/keyring';
import { newDataKey, open, seal, unwrapDataKey, wrapDataKey } from '../vault/envelope';

export interface SealedSecret {
  secretBox: Buffer;
  wrappedKey: Buffer;
  masterKeyId: string;
}

// Bound to the endpoint's row, so a sealed secret copied onto another endpoint fails to open.
const aad = (endpointId: string) => `webhook:secret:${endpointId}`;
const keyRecord = (endpointId: string) => `webhook:${endpointId}`;

/** Seals an endpoint's signing secret the way the vault seals store access: its own data key, wrapped by the master key. */
export function sealWebhookSecret(keyring: MasterKeyring, endpointId: string, secret: string): SealedSecret {
  const master = keyring.current();
  const dataKey = newDataKey();
  try {
    return {
      secretBox: seal(dataKey, Buffer.from(secret, 'utf8'), aad(endpointId)),
      wrappedKey: wrapDataKey(master.key, dataKey, keyRecord(endpointId)),
      masterKeyId: master.id,
    };
  } finally {
    dataKey.fill(0);
  }
}

export function openWebhookSecret(keyring: MasterKeyring, endpointId: string, sealed: SealedSecret): string {
  const master = keyring.find(sealed.masterKeyId);
  if (!master) throw new Error(`the webhook secret is sealed under master key ${sealed.masterKeyId}, which this process does not have`);
  const dataKey = unwrapDataKey(master.key, sealed.wrappedKey, keyRecord(endpointId));
  try {
    return open(dataKey, sealed.secretBox, aad(endpointId)).toString('utf8');
  } finally {
    dataKey.fill(0);
  }
}

export interface SecretRotationResult {
  /** Signing secrets whose data key is now wrapped by the current master key and was not before. */
  rewrapped: number;
  /** Secrets replaced (rotated by an admin) or deleted while being re-wrapped: nothing to do. */
  skipped: number;
  /** Secrets still wrapped by another master key (0 once the rotation is complete). */
  remaining: number;
  remainingKeyIds: string[];
}

/**
 * `npm run vault:rotate` for webhook signing secrets: every endpoint's data key is re-wrapped
 * under the keyring's current master key, in batches, each row only if it did not change
 * meanwhile; the sealed secret itself is untouched, so receivers keep verifying with the value
 * they were given.
 */
export async function rewrapWebhookSecrets(em: EntityManager, keyring: MasterKeyring, batchSize = 200): Promise<SecretRotationResult> {
  const current = keyring.current();
  let rewrapped = 0;
  let skipped = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  const connection = em.getConnection();
  for (;;) {
    const rows = await connection.execute<Array<{ id: string; wrapped_key: Buffer; master_key_id: string }>>(
      'select id, wrapped_key, master_key_id from webhook_endpoint where id > ? and master_key_id <> ? order by id limit ?',
      [after, current.id, batchSize],
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      const previous = keyring.find(row.master_key_id);
      if (!previous) continue; // counted as remaining below: this keyring cannot open it
      const dataKey = unwrapDataKey(previous.key, row.wrapped_key, keyRecord(row.id));
      try {
        const result = await connection.execute<{ affectedRows?: number; rowCount?: number }>(
          'update webhook_endpoint set wrapped_key = ?, master_key_id = ? where id = ? and master_key_id = ? and wrapped_key = ?',
          [wrapDataKey(current.key, dataKey, keyRecord(row.id)), current.id, row.id, row.master_key_id, row.wrapped_key],
          'run',
        );
        if (Number(result.affectedRows ?? result.rowCount ?? 0) === 1) rewrapped += 1;
        else skipped += 1;
      } finally {
        dataKey.fill(0);
      }
    }
    after = rows.at(-1)!.id;
  }
  const left = await connection.execute<Array<{ master_key_id: string; n: number }>>(
    'select master_key_id, count(*)::int as n from webhook_endpoint where master_key_id <> ? group by master_key_id',
    [current.id],
  );
  return { rewrapped, skipped, remaining: left.reduce((sum, row) => sum + Number(row.n), 0), remainingKeyIds: left.map((row) => row.master_key_id) };
}
