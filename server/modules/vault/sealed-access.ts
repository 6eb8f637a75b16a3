import type { AccessProfile, AccessSecrets, NormalisedAccess } from './access-rules';
import { newDataKey, openJson, sealJson, unwrapDataKey, wrapDataKey } from './envelope';
import type { MasterKeyring } from './keyring';
import type { TicketAccess } from './ticket-access.entity';
import type { AccessShredReason } from './vault.enums';

/** The lazy columns that hold ciphertext; load them explicitly with `populate` when needed. */
export const SEALED_COLUMNS = ['wrappedDataKey', 'sealedProfile', 'sealedSecrets'] as const;
export const PROFILE_COLUMNS = ['wrappedDataKey', 'sealedProfile'] as const;

export class ShreddedError extends Error {
  constructor() {
    super('this access was shredded');
    this.name = 'ShreddedError';
  }
}

const aad = (row: TicketAccess, part: 'profile' | 'secrets') => `vault:ticket-access:${row.id}:${part}`;

/** Seals new access into the row under a fresh data key, wrapped by the current master key. */
export function sealInto(row: TicketAccess, access: NormalisedAccess, keyring: MasterKeyring): void {
  const master = keyring.current();
  const dataKey = newDataKey();
  try {
    row.masterKeyId = master.id;
    row.wrappedDataKey = wrapDataKey(master.key, dataKey, row.id);
    row.sealedProfile = sealJson(dataKey, access.profile, aad(row, 'profile'));
    row.sealedSecrets = sealJson(dataKey, access.secrets, aad(row, 'secrets'));
  } finally {
    dataKey.fill(0);
  }
  row.protocol = access.profile.protocol;
  row.authMethod = access.authMethod;
  row.generation += 1;
}

function withDataKey<T>(row: TicketAccess, keyring: MasterKeyring, use: (dataKey: Buffer) => T): T {
  if (row.shreddedAt || !row.wrappedDataKey || !row.masterKeyId) throw new ShreddedError();
  const master = keyring.find(row.masterKeyId);
  if (!master) {
    throw new Error(
      `The data key of ticket access ${row.id} is wrapped by master key ${row.masterKeyId}, which this process does not hold: ` +
        'add that key to VAULT_PREVIOUS_MASTER_KEYS (or the key file) until the rotation command has re-wrapped every data key.',
    );
  }
  const dataKey = unwrapDataKey(master.key, row.wrappedDataKey, row.id);
  try {
    return use(dataKey);
  } finally {
    dataKey.fill(0);
  }
}

export function openProfile(row: TicketAccess, keyring: MasterKeyring): AccessProfile {
  return withDataKey(row, keyring, (key) => openJson<AccessProfile>(key, row.sealedProfile!, aad(row, 'profile')));
}

export function openSecrets(row: TicketAccess, keyring: MasterKeyring): AccessSecrets {
  return withDataKey(row, keyring, (key) => openJson<AccessSecrets>(key, row.sealedSecrets!, aad(row, 'secrets')));
}

/**
 * Re-wraps the row's data key under the current master key (rotation). The ciphertext is
 * untouched. Returns false when it already is.
 */
export function rewrapInto(row: TicketAccess, keyring: MasterKeyring): boolean {
  const current = keyring.current();
  if (row.masterKeyId === current.id) return false;
  const wrapped = withDataKey(row, keyring, (key) => wrapDataKey(current.key, key, row.id));
  row.wrappedDataKey = wrapped;
  row.masterKeyId = current.id;
  return true;
}

/** Destroys the data key and the ciphertext: from now on nobody can read this access. */
export function shredRow(row: TicketAccess, reason: AccessShredReason, at: Date): void {
  row.wrappedDataKey?.fill(0);
  row.wrappedDataKey = null;
  row.sealedProfile = null;
  row.sealedSecrets = null;
  row.masterKeyId = null;
  row.shreddedAt = at;
  row.shredReason = reason;
  row.generation += 1;
}
