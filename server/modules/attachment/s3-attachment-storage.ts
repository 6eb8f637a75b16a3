import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../../common/logger';
import { ATTACHMENT_LIMITS } from './attachment-limits';
import { AttachmentStoreUnavailable, type AttachmentStorage } from './attachment-storage';
import type { Attachment } from './attachment.entity';

export const S3_STORE = 's3';

export interface S3StoreSettings {
  /** e.g. https://s3.eu-central-1.amazonaws.com or http://127.0.0.1:7480; unset: AWS's own endpoint for the region. */
  endpoint?: string;
  bucket: string;
  region: string;
  /** Both unset: the AWS SDK's default credentials (AWS_* variables, an instance or task role). */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** bucket in the path (http://host/bucket/key), as most self-hosted servers want, instead of the host name. */
  forcePathStyle: boolean;
  /** How long one request may take before the store counts as unavailable (default 10 s). */
  requestTimeoutMs?: number;
}

/** Every object this store writes is named `attachments/<attachment id>`: the sweep maps a key back to its row. */
export const KEY_PREFIX = 'attachments/';
const KEY = /^attachments\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export function objectKey(attachmentId: string): string {
  return `${KEY_PREFIX}${attachmentId}`;
}

/** What a failed request says, without anything from the request itself (no key, no signature, no secret). */
function reason(error: unknown): string {
  const e = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  return [e.name ?? e.code ?? 'Error', status ? `HTTP ${status}` : null].filter(Boolean).join(', ');
}

export interface SweepOptions {
  /** Keys last written before this instant and named by no committed row are deleted. */
  olderThan: Date;
  /** At most this many keys are looked at in one run (default 1000). */
  maxKeys?: number;
  /** Continue after this key (the previous run's `nextStartAfter`); unset: from the first key. */
  startAfter?: string | null;
}

export interface SweepResult {
  examined: number;
  deleted: number;
  /** Where the next run goes on; null once the listing reached its end (the next run starts over). */
  nextStartAfter: string | null;
}

/**
 * Attachment bytes in an S3-compatible bucket (AWS S3, Ceph RADOS Gateway, MinIO, Garage…).
 * The bucket cannot join the upload's PostgreSQL transaction, so each file is written first,
 * under a key nobody has used (the new row's random id), and the row commits after it; an
 * upload that fails after its put leaves an object no row names, which `sweep` deletes once it
 * is older than the grace period. Nothing ever reads an object without its committed row.
 */
export class S3AttachmentStorage implements AttachmentStorage {
  readonly name = S3_STORE;
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(
    settings: S3StoreSettings,
    private readonly logger?: Logger,
  ) {
    this.bucket = settings.bucket;
    this.client = new S3Client({
      endpoint: settings.endpoint,
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      credentials:
        settings.accessKeyId && settings.secretAccessKey ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } : undefined,
      // Checksums only where S3 requires them: self-hosted servers do not all know the newer checksum headers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // A store that does not answer fails the request quickly instead of holding its transaction open.
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 3_000, requestTimeout: settings.requestTimeoutMs ?? 10_000 },
    });
  }

  async put(_em: EntityManager, attachment: Attachment, bytes: Buffer): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: objectKey(attachment.id),
          Body: bytes,
          ContentLength: bytes.length,
          // The type the desk found is in the row; the object is never served by the bucket itself.
          ContentType: 'application/octet-stream',
        }),
      );
    } catch (error) {
      throw this.unavailable('put', error);
    }
  }

  async get(_em: EntityManager, attachment: Attachment): Promise<Buffer | null> {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectKey(attachment.id) }));
      const body = object.Body;
      if (!body) return null;
      // Never more than one file may hold: an object changed behind the desk's back is not read whole.
      if ((object.ContentLength ?? 0) > ATTACHMENT_LIMITS.fileBytes) {
        (body as { destroy?: () => void }).destroy?.();
        throw new Error(`object larger than ${ATTACHMENT_LIMITS.fileBytes} bytes`);
      }
      return Buffer.from(await body.transformToByteArray());
    } catch (error) {
      if (error instanceof NoSuchKey) return null;
      throw this.unavailable('get', error);
    }
  }

  /**
   * Deletes the objects of uploads that never committed (and of rows deleted since, such as an
   * erased customer's files). Bounded: one run lists at most `maxKeys` keys in key order from
   * `startAfter`, so a large bucket is covered over several runs; only keys older than
   * `olderThan` go, so an upload still in its transaction keeps its object.
   */
  async sweep(em: EntityManager, options: SweepOptions): Promise<SweepResult> {
    const maxKeys = options.maxKeys ?? 1_000;
    const listed: Array<{ key: string; id: string; lastModified: Date }> = [];
    let startAfter = options.startAfter ?? undefined;
    let seen = 0;
    let reachedEnd = false;
    while (seen < maxKeys) {
      const page = await this.client
        .send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: KEY_PREFIX, StartAfter: startAfter, MaxKeys: Math.min(1_000, maxKeys - seen) }))
        .catch((error) => {
          throw this.unavailable('list', error);
        });
      for (const object of page.Contents ?? []) {
        seen += 1;
        const id = object.Key ? KEY.exec(object.Key)?.[1] : undefined;
        // Anything else under the prefix was not written by the desk: it is left alone.
        if (id && object.LastModified) listed.push({ key: object.Key!, id, lastModified: object.LastModified });
        startAfter = object.Key ?? startAfter;
      }
      if (!page.IsTruncated || !page.Contents?.length) {
        reachedEnd = true;
        break;
      }
    }
    const old = listed.filter((object) => object.lastModified < options.olderThan);
    const named = old.length
      ? new Set(
          (await em.execute<Array<{ id: string }>>('select id from attachment where id = any(?::uuid[])', [`{${old.map((o) => o.id).join(',')}}`])).map(
            (row) => row.id,
          ),
        )
      : new Set<string>();
    let deleted = 0;
    for (const object of old) {
      if (named.has(object.id)) continue;
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: object.key })).catch((error) => {
        throw this.unavailable('delete', error);
      });
      deleted += 1;
    }
    return { examined: seen, deleted, nextStartAfter: reachedEnd ? null : (startAfter ?? null) };
  }

  /** Closes the client's sockets (tests, shutdown). */
  close(): void {
    this.client.destroy();
  }

  private unavailable(operation: string, error: unknown): AttachmentStoreUnavailable {
    const why = reason(error);
    this.logger?.warn({ store: S3_STORE, bucket: this.bucket, operation, reason: why }, 'the S3 attachment store failed');
    return new AttachmentStoreUnavailable(S3_STORE, why);
  }
}
