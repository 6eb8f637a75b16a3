import type { EntityManager } from '@mikro-orm/postgresql';
import { Attachment, AttachmentContent } from './attachment.entity';

/**
 * Where attachment bytes are kept. `put` runs inside the upload's transaction: a store that
 * cannot join it (an S3-compatible bucket, s3-attachment-storage.ts) writes first under a fresh
 * key and is swept for keys no committed `attachment` row names (attachment-sweep.ts), so a
 * failed upload still leaves nothing reachable.
 */
export interface AttachmentStorage {
  /** Saved in `attachment.storage`: which store holds a row's bytes. */
  readonly name: string;
  put(em: EntityManager, attachment: Attachment, bytes: Buffer): Promise<void>;
  /** The bytes (never more than the per-file limit), or null when the store has none for the row. */
  get(em: EntityManager, attachment: Attachment): Promise<Buffer | null>;
}

/** The store could not be reached or refused the request: nothing was written (uploads) or read (downloads). */
export class AttachmentStoreUnavailable extends Error {
  constructor(
    readonly store: string,
    readonly reason: string,
  ) {
    super(`The ${store} attachment store is unavailable: ${reason}`);
    this.name = 'AttachmentStoreUnavailable';
  }
}

export const POSTGRES_STORE = 'postgres';

/** Bytes in `attachment_content` (bytea), written in the same transaction as the row that names them. */
export const postgresAttachmentStorage: AttachmentStorage = {
  name: POSTGRES_STORE,
  async put(em, attachment, bytes) {
    const content = new AttachmentContent();
    content.attachment = attachment;
    content.bytes = bytes;
    em.persist(content);
  },
  async get(em, attachment) {
    const rows = await em.execute<Array<{ bytes: Buffer }>>('select bytes from attachment_content where attachment_id = ?', [attachment.id]);
    return rows[0]?.bytes ?? null;
  },
};

/**
 * New files go to `primary`; each row is read from the store it names (PostgreSQL, `primary`
 * or one of `readers`), so files kept in one store still download after a move to another.
 */
export function attachmentStores(primary: AttachmentStorage, readers: AttachmentStorage[] = []): AttachmentStorage {
  const byName = new Map([postgresAttachmentStorage, ...readers, primary].map((store) => [store.name, store]));
  if (byName.size === 1) return primary;
  return {
    name: primary.name,
    put: (em, attachment, bytes) => primary.put(em, attachment, bytes),
    get: async (em, attachment) => {
      const store = byName.get(attachment.storage);
      return store ? store.get(em, attachment) : null;
    },
  };
}
