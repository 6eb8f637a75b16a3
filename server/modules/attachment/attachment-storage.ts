import type { EntityManager } from '@mikro-orm/postgresql';
import { Attachment, AttachmentContent } from './attachment.entity';

/**
 * Where attachment bytes are kept. `put` runs inside the upload's transaction: a store that
 * cannot join it (an S3-compatible bucket) must write first under a fresh key and be swept
 * for keys no committed `attachment` row names, so a failed upload still leaves nothing
 * reachable. Only the PostgreSQL store exists today.
 */
export interface AttachmentStorage {
  /** Saved in `attachment.storage`: which store holds a row's bytes. */
  readonly name: string;
  put(em: EntityManager, attachment: Attachment, bytes: Buffer): Promise<void>;
  get(em: EntityManager, attachment: Attachment): Promise<Buffer | null>;
}

/** Bytes in `attachment_content` (bytea), written in the same transaction as the row that names them. */
export const postgresAttachmentStorage: AttachmentStorage = {
  name: 'postgres',
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
