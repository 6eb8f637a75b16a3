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
