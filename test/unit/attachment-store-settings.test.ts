import type { MikroORM } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { startAttachmentStore } from '../../server/app/attachment-store';
import { ConfigError, loadConfig } from '../../server/app/config';
import { createLogger } from '../../server/app/logger';
import { POSTGRES_STORE } from '../../server/modules/attachment/attachment-storage';
import { S3_STORE } from '../../server/modules/attachment/s3-attachment-storage';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

const S3 = {
  ATTACHMENT_STORE: 's3',
  S3_BUCKET: 'desk-files',
  S3_ENDPOINT: 'http://127.0.0.1:7480',
  S3_ACCESS_KEY_ID: 'DESKKEY',
  S3_SECRET_ACCESS_KEY: 'desk-secret',
};
const start = (env: Record<string, string>) =>
  startAttachmentStore(loadConfig(env), { orm: {} as MikroORM, clock: () => DateTime.now(), logger: createLogger('silent') });

describe('attachment store settings', () => {
  it('keep files in PostgreSQL unless told otherwise, with no sweep', async () => {
    const store = await start({});
    expect(store.storage.name).toBe(POSTGRES_STORE);
    expect(store.sweep).toBeNull();
  });

  it('ATTACHMENT_STORE=s3 uses the bucket, with its sweep', async () => {
    const store = await start(S3);
    expect(store.storage.name).toBe(S3_STORE);
    expect(store.sweep).not.toBeNull();
    store.close();
    expect(loadConfig(S3)).toMatchObject({
      S3_REGION: 'us-east-1',
      S3_FORCE_PATH_STYLE: 'false',
      ATTACHMENT_SWEEP_GRACE_MINUTES: 60,
      ATTACHMENT_SWEEP_MAX_KEYS: 1000,
    });
  });

  it('back on PostgreSQL with the bucket still named: new files in PostgreSQL, no sweep (the bucket is only read)', async () => {
    const store = await start({ ...S3, ATTACHMENT_STORE: 'postgres' });
    expect(store.storage.name).toBe(POSTGRES_STORE);
    expect(store.sweep).toBeNull();
    store.close();
  });

  it('refuse an S3 store without a bucket, with one key but not the other, or with credentials in the endpoint', () => {
    expect(problems({ ATTACHMENT_STORE: 's3' })).toEqual(['S3_BUCKET: required with ATTACHMENT_STORE=s3 (the bucket that keeps the files)']);
    expect(problems({ ...S3, S3_SECRET_ACCESS_KEY: '' })[0]).toMatch(/^S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: set both, or neither/);
    expect(problems({ ...S3, S3_ENDPOINT: 'http://key:secret@127.0.0.1:7480' })).toEqual([
      'S3_ENDPOINT="http://key:secret@127.0.0.1:7480": must not hold credentials: set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY',
    ]);
    expect(problems({ ...S3, S3_BUCKET: 'Desk_Files' })[0]).toMatch(/^S3_BUCKET="Desk_Files": must be a bucket name/);
  });

  it('never echo the secret key', () => {
    const secret = 'x'.repeat(300);
    const refused = problems({ ...S3, S3_SECRET_ACCESS_KEY: secret });
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(/^S3_SECRET_ACCESS_KEY=\(value hidden\): /);
    expect(refused.join('\n')).not.toContain(secret);
  });
});
