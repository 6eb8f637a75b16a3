import type { MikroORM } from '@mikro-orm/postgresql';
import { startAttachmentSweep, type AttachmentSweep } from '../modules/attachment/attachment-sweep';
import { attachmentStores, postgresAttachmentStorage, type AttachmentStorage } from '../modules/attachment/attachment-storage';
import type { Clock } from '../common/clock';
import type { Config } from './config';
import type { Logger } from './logger';

export interface AttachmentStore {
  /** Where new files go; every row is read from the store it names. */
  storage: AttachmentStorage;
  /** The orphan sweep of an S3 store; none for PostgreSQL, whose bytes commit with their rows. */
  sweep: AttachmentSweep | null;
  close(): void;
}

/**
 * The attachment store the configuration names (ATTACHMENT_STORE, S3_*), with its sweep running.
 * The S3 client (the AWS SDK, slow to load) is loaded only when a bucket is named.
 */
export async function startAttachmentStore(config: Config, options: { orm: MikroORM; clock: Clock; logger: Logger }): Promise<AttachmentStore> {
  if (config.ATTACHMENT_STORE !== 's3' && !config.S3_BUCKET) return { storage: postgresAttachmentStorage, sweep: null, close: () => {} };
  const { S3AttachmentStorage } = await import('../modules/attachment/s3-attachment-storage');
  const s3Settings = () => ({
    endpoint: config.S3_ENDPOINT,
    bucket: config.S3_BUCKET!,
    region: config.S3_REGION,
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    forcePathStyle: config.S3_FORCE_PATH_STYLE === 'true',
  });
  if (config.ATTACHMENT_STORE !== 's3') {
    // Back on PostgreSQL with the bucket still named: files kept there still download (nothing new goes there).
    const reader = new S3AttachmentStorage(s3Settings(), options.logger);
    return { storage: attachmentStores(postgresAttachmentStorage, [reader]), sweep: null, close: () => reader.close() };
  }
  const s3 = new S3AttachmentStorage(s3Settings(), options.logger);
  const sweep = startAttachmentSweep({
    orm: options.orm,
    storage: s3,
    clock: options.clock,
    logger: options.logger,
    settings: {
      graceMinutes: config.ATTACHMENT_SWEEP_GRACE_MINUTES,
      intervalMinutes: config.ATTACHMENT_SWEEP_INTERVAL_MINUTES,
      maxKeys: config.ATTACHMENT_SWEEP_MAX_KEYS,
    },
  });
  // Never the keys: the bucket and where it is are enough to find a misconfiguration.
  options.logger.info({ store: 's3', bucket: config.S3_BUCKET, endpoint: config.S3_ENDPOINT ?? `AWS ${config.S3_REGION}` }, 'attachments are kept in S3');
  return {
    storage: attachmentStores(s3),
    sweep,
    close: () => {
      sweep.stop();
      s3.close();
    },
  };
}
