import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DateTime } from 'luxon';
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromGlobalId } from '../../server/common/global-id';
import { startAttachmentStore } from '../../server/app/attachment-store';
import { loadConfig } from '../../server/app/config';
import { createLogger } from '../../server/app/logger';
import { startAttachmentSweep, type AttachmentSweep } from '../../server/modules/attachment/attachment-sweep';
import { objectKey, S3AttachmentStorage } from '../../server/modules/attachment/s3-attachment-storage';
import { gql } from '../support/helpdesk';
import { cephAvailable, CEPH_BINARIES, startS3Server, type S3Server } from '../support/s3-server';
import { createMerchant, createStaff, createTestApp, type Merchant, type TestApp } from '../support/test-app';

/**
 * Attachments in an S3-compatible bucket (ATTACHMENT_STORE=s3), against a real server: Ceph's
 * RADOS Gateway, which checks each request's Signature V4. Without Debian's Ceph packages the
 * file is skipped on a developer's machine, never under CI (.ci/run installs them).
 */
const available = cephAvailable();
if (!available && process.env.CI) throw new Error(`Ceph's radosgw is required under CI (missing one of: ${CEPH_BINARIES.join(', ')})`);
if (!available) console.warn(`attachments-s3.test.ts skipped: Ceph's radosgw is not installed (apt-get install radosgw ceph-mon ceph-osd)`);

const BUCKET = 'desk-attachments';
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4e10000000049454e44ae426082',
  'hex',
);
const LOG = 'PHP Warning: Undefined index in checkout.php\nmysql://oc:S3cr3tDbPass@db/shop refused\n';
const b64 = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64');
const rowId = (globalId: string) => fromGlobalId(globalId)!.id;

const CREATE = `mutation($input: TicketCreateInput!) { ticketCreate(input: $input) {
  ticket { id number attachments { id fileName byteSize downloadUrl } } userErrors { field code message } } }`;
const REPLY = `mutation($input: TicketReplyInput!) { ticketReply(input: $input) {
  message { id attachments { id fileName byteSize downloadUrl } } userErrors { field code message } } }`;

let s3: S3Server;
let app: TestApp;
let storage: S3AttachmentStorage;
let sdk: S3Client;
let db: pg.Client;
let merchant: Merchant;
let other: Merchant;
let agent: { token: string };
let sweep: AttachmentSweep;
/** The sweep's clock: the bucket stamps objects with real time, so the sweep is told real time plus the grace. */
let sweepNow = DateTime.now();
/** What the store logs (its failures), through the app's logger with its redaction. */
const storeLogs: string[] = [];

async function bucketKeys(): Promise<string[]> {
  const listed = await sdk.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  return (listed.Contents ?? []).map((o) => o.Key!).sort();
}
async function rows() {
  const {
    rows: [row],
  } = await db.query<{ tickets: number; messages: number; attachments: number; contents: number }>(
    `select (select count(*) from ticket)::int as tickets, (select count(*) from ticket_message)::int as messages,
            (select count(*) from attachment)::int as attachments, (select count(*) from attachment_content)::int as contents`,
  );
  return row!;
}
function download(url: string, token: string) {
  return fetch(`${app.url}${url}`, { headers: { authorization: `Bearer ${token}` } });
}
async function file(m: Merchant, files: Array<{ fileName: string; contentBase64: string }>, extra: Record<string, unknown> = {}) {
  const { body } = await app.raw(
    CREATE,
    { input: { subject: 'Checkout is blank', description: 'After the update the checkout page is blank.', category: 'BUG_FIX', attachments: files, ...extra } },
    m.token,
  );
  return body.data!.ticketCreate;
}

describe.skipIf(!available)('attachments in an S3-compatible bucket (Ceph RADOS Gateway)', () => {
  beforeAll(async () => {
    s3 = await startS3Server();
    const settings = { endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, forcePathStyle: true };
    sdk = new S3Client({ ...settings, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
    await sdk.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const sink = new Writable({
      write(chunk, _encoding, done) {
        storeLogs.push(String(chunk));
        done();
      },
    });
    storage = new S3AttachmentStorage({ ...settings, bucket: BUCKET, requestTimeoutMs: 5_000 }, createLogger('info', sink));
    app = await createTestApp({ attachmentStorage: storage });
    sweep = startAttachmentSweep({
      orm: app.orm,
      storage,
      clock: () => sweepNow,
      logger: createLogger('silent'),
      settings: { graceMinutes: 60 },
      autoStart: false,
    });
    merchant = await createMerchant(app);
    other = await createMerchant(app);
    agent = await createStaff(app, 'AGENT');
    db = new pg.Client({ connectionString: app.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await app?.close();
    storage?.close();
    sdk?.destroy();
    await s3?.stop();
  });

  let ticket: { id: string; attachments: Array<{ id: string; fileName: string; byteSize: number; downloadUrl: string }> };
  let replyFile: { id: string; downloadUrl: string };
  let noteFile: { id: string; downloadUrl: string };

  it('the server checks signatures: a wrong secret key is refused', async () => {
    const wrong = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: 'not-the-secret' },
    });
    await expect(wrong.send(new ListObjectsV2Command({ Bucket: BUCKET }))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
    wrong.destroy();
  });

  it('files sent with ticketCreate and ticketReply land in the bucket, one object per file named by its row, and nothing in PostgreSQL', async () => {
    const created = await file(merchant, [
      { fileName: 'screenshot.png', contentBase64: b64(PNG) },
      { fileName: 'error.log', contentBase64: b64(LOG) },
    ]);
    expect(created.userErrors).toEqual([]);
    ticket = created.ticket;
    const replied = await gql(app, merchant.token, REPLY, {
      input: { ticketId: ticket.id, body: 'One more screenshot.', attachments: [{ fileName: 'again.png', contentBase64: b64(PNG) }] },
    });
    expect(replied.ticketReply.userErrors).toEqual([]);
    replyFile = replied.ticketReply.message.attachments[0];
    const note = await gql(app, agent.token, REPLY, {
      input: {
        ticketId: ticket.id,
        body: 'Vendor X module, see the trace.',
        internal: true,
        attachments: [{ fileName: 'trace.txt', contentBase64: b64('trace from vendor X') }],
      },
    });
    expect(note.ticketReply.userErrors).toEqual([]);
    noteFile = note.ticketReply.message.attachments[0];

    const ids = [...ticket.attachments.map((a) => a.id), replyFile.id, noteFile.id].map(rowId);
    expect(await bucketKeys()).toEqual(ids.map(objectKey).sort());
    const { rows: stored } = await db.query(`select storage, count(*)::int as n from attachment group by storage`);
    expect(stored).toEqual([{ storage: 's3', n: 4 }]);
    expect((await rows()).contents).toBe(0);
    // What is in the bucket is what was stored: the log without its password.
    const object = await sdk.send(new GetObjectCommand({ Bucket: BUCKET, Key: objectKey(rowId(ticket.attachments[1]!.id)) }));
    const text = await object.Body!.transformToString();
    expect(text).toContain('mysql://oc:[REDACTED]@db/shop');
    expect(text).not.toContain('S3cr3tDbPass');
  });

  it('downloads return the same bytes, from the bucket', async () => {
    const image = await download(ticket.attachments[0]!.downloadUrl, merchant.token);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await image.arrayBuffer()).equals(PNG)).toBe(true);
    const again = await download(replyFile.downloadUrl, agent.token);
    expect(Buffer.from(await again.arrayBuffer()).equals(PNG)).toBe(true);
    const log = await download(ticket.attachments[1]!.downloadUrl, agent.token);
    expect(Number(log.headers.get('content-length'))).toBe(ticket.attachments[1]!.byteSize);
  });

  it('downloads are scoped as with PostgreSQL: another merchant gets 404, an internal note is staff-only', async () => {
    expect((await download(ticket.attachments[0]!.downloadUrl, other.token)).status).toBe(404);
    expect((await download(noteFile.downloadUrl, merchant.token)).status).toBe(404);
    const staff = await download(noteFile.downloadUrl, agent.token);
    expect(staff.status).toBe(200);
    expect(await staff.text()).toBe('trace from vendor X');
  });

  it('a request that fails after its files were put leaves no row, and the sweep removes the orphaned objects once past the grace period', async () => {
    const keysBefore = await bucketKeys();
    const before = await rows();
    // The files are put first; then the store access is refused, and the whole request rolls back.
    const refused = await file(
      merchant,
      [
        { fileName: 'shot.png', contentBase64: b64(PNG) },
        { fileName: 'more.log', contentBase64: b64('more log lines') },
      ],
      {
        access: {
          storeAdmin: { url: 'https://shop.example.com/admin/', username: 'support', password: 'Adm1n-pass-123' },
          fileAccess: { protocol: 'FTP', host: 'ftp://not a host/', username: 'ftpuser', password: 'Ftp-pass-123' },
        },
      },
    );
    expect(refused.ticket).toBeNull();
    expect(refused.userErrors.map((e: { code: string }) => e.code)).toEqual(['INVALID']);
    expect(await rows()).toEqual(before);
    const orphans = (await bucketKeys()).filter((key) => !keysBefore.includes(key));
    expect(orphans).toHaveLength(2);

    // Within the grace period an object may belong to an upload still committing: it stays.
    sweepNow = DateTime.now();
    expect(await sweep.runOnce()).toMatchObject({ deleted: 0 });
    expect(await bucketKeys()).toEqual([...keysBefore, ...orphans].sort());

    sweepNow = DateTime.now().plus({ minutes: 61 });
    const result = await sweep.runOnce();
    expect(result).toMatchObject({ examined: keysBefore.length + 2, deleted: 2, nextStartAfter: null });
    expect(await bucketKeys()).toEqual(keysBefore);
    // Every committed file still downloads.
    expect((await download(ticket.attachments[0]!.downloadUrl, merchant.token)).status).toBe(200);
  });

  it('the sweep is bounded: a run looks at most maxKeys keys and the next run goes on from there', async () => {
    const keys = await bucketKeys();
    const bounded = startAttachmentSweep({
      orm: app.orm,
      storage,
      clock: () => sweepNow,
      logger: createLogger('silent'),
      settings: { maxKeys: 3 },
      autoStart: false,
    });
    const first = await bounded.runOnce();
    expect(first).toEqual({ examined: 3, deleted: 0, nextStartAfter: keys[2] });
    const second = await bounded.runOnce();
    expect(second).toEqual({ examined: keys.length - 3, deleted: 0, nextStartAfter: null });
    bounded.stop();
  });

  it('the personal-data export carries the bytes kept in the bucket', async () => {
    const response = await fetch(`${app.url}/personal-data/customers/${merchant.customerId}`, { headers: { authorization: `Bearer ${app.adminToken}` } });
    expect(response.status).toBe(200);
    const document = await response.json();
    const files = document.tickets.flatMap((t: { attachments: Array<{ fileName: string; contentBase64: string | null }> }) => t.attachments);
    expect(files.map((f: { fileName: string }) => f.fileName).sort()).toEqual(['again.png', 'error.log', 'screenshot.png', 'trace.txt']);
    const png = files.find((f: { fileName: string }) => f.fileName === 'screenshot.png');
    expect(Buffer.from(png.contentBase64, 'base64').equals(PNG)).toBe(true);
    expect(Buffer.from(files.find((f: { fileName: string }) => f.fileName === 'trace.txt').contentBase64, 'base64').toString()).toBe('trace from vendor X');
  });

  it('back on PostgreSQL with the bucket still named, files kept in the bucket still download and new ones go to PostgreSQL', async () => {
    const back = await startAttachmentStore(
      loadConfig({
        S3_BUCKET: BUCKET,
        S3_ENDPOINT: s3.endpoint,
        S3_ACCESS_KEY_ID: s3.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
        S3_FORCE_PATH_STYLE: 'true',
      }),
      { orm: app.orm, clock: () => DateTime.now(), logger: createLogger('silent') },
    );
    const server = await app.serveAlso({ attachmentStorage: back.storage });
    const image = await fetch(`${server.url}${ticket.attachments[0]!.downloadUrl}`, { headers: { authorization: `Bearer ${merchant.token}` } });
    expect(Buffer.from(await image.arrayBuffer()).equals(PNG)).toBe(true);
    const keys = await bucketKeys();
    const kept = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${merchant.token}` },
      body: JSON.stringify({
        query: REPLY,
        variables: {
          input: { ticketId: ticket.id, body: 'Also in the database.', attachments: [{ fileName: 'db2.txt', contentBase64: b64('also in PostgreSQL') }] },
        },
      }),
    });
    const added = ((await kept.json()) as { data: { ticketReply: { message: { attachments: Array<{ id: string; downloadUrl: string }> } } } }).data.ticketReply
      .message.attachments[0]!;
    const {
      rows: [row],
    } = await db.query(`select storage from attachment where id = $1`, [rowId(added.id)]);
    expect(row).toEqual({ storage: 'postgres' });
    expect(await (await fetch(`${server.url}${added.downloadUrl}`, { headers: { authorization: `Bearer ${merchant.token}` } })).text()).toBe(
      'also in PostgreSQL',
    );
    await server.stop();
    back.close();
    // Nothing new in the bucket.
    expect(await bucketKeys()).toEqual(keys);
  });

  it("erasing the customer deletes their files' rows at once and their objects at the next sweep; others' files stay", async () => {
    const others = await file(other, [{ fileName: 'other.png', contentBase64: b64(PNG) }]);
    expect(others.userErrors).toEqual([]);
    const otherKey = objectKey(rowId(others.ticket.attachments[0].id));
    const email = (await db.query(`select email from customer where id = $1`, [rowId(merchant.customerId)])).rows[0].email;
    const erased = await gql(
      app,
      app.adminToken,
      `mutation($input: CustomerEraseInput!) { customerErase(input: $input) { summary { attachmentsDeleted } userErrors { message } } }`,
      { input: { customerId: merchant.customerId, confirmEmail: email } },
    );
    expect(erased.customerErase.userErrors).toEqual([]);
    // Four files in the bucket, one in PostgreSQL (sent while back on PostgreSQL).
    expect(erased.customerErase.summary.attachmentsDeleted).toBe(5);
    expect((await download(ticket.attachments[0]!.downloadUrl, app.adminToken)).status).toBe(404);

    sweepNow = DateTime.now().plus({ minutes: 61 });
    expect(await sweep.runOnce()).toMatchObject({ deleted: 4 });
    expect(await bucketKeys()).toEqual([otherKey]);
  });

  it('with the S3 server down an upload is refused with a clear userError and nothing is written; a download answers 503', async () => {
    const existing = await gql(app, other.token, `{ tickets(first: 5) { nodes { id attachments { downloadUrl } } } }`);
    const otherTicket = existing.tickets.nodes[0];
    await s3.stopGateway();
    const before = await rows();
    const refused = await file(other, [{ fileName: 'shot.png', contentBase64: b64(PNG) }]);
    expect(refused.ticket).toBeNull();
    expect(refused.userErrors).toEqual([
      {
        field: ['input', 'attachments'],
        code: 'ATTACHMENT_STORE_UNAVAILABLE',
        message:
          'Files cannot be stored right now (the file store does not answer), so nothing was saved: send it again in a few minutes, or without its files.',
      },
    ]);
    const reply = await gql(app, other.token, REPLY, {
      input: { ticketId: otherTicket.id, body: 'Another file.', attachments: [{ fileName: 'x.txt', contentBase64: b64('x') }] },
    });
    expect(reply.ticketReply.message).toBeNull();
    expect(reply.ticketReply.userErrors.map((e: { code: string }) => e.code)).toEqual(['ATTACHMENT_STORE_UNAVAILABLE']);
    expect(await rows()).toEqual(before);
    // A message without files does not need the store.
    const plain = await gql(app, other.token, REPLY, { input: { ticketId: otherTicket.id, body: 'Without a file, then.' } });
    expect(plain.ticketReply.userErrors).toEqual([]);

    const unavailable = await download(otherTicket.attachments[0].downloadUrl, other.token);
    expect(unavailable.status).toBe(503);
    expect(await unavailable.json()).toEqual({
      errors: [{ message: 'The file store does not answer right now: try again in a minute.', extensions: { code: 'ATTACHMENT_STORE_UNAVAILABLE' } }],
    });
    // The failure is logged with its cause, never with a secret of the store.
    expect(storeLogs.join('\n')).toContain('the S3 attachment store failed');
    for (const logs of [storeLogs, app.logs]) {
      expect(logs.join('\n')).not.toContain(s3.secretAccessKey);
      expect(logs.join('\n')).not.toContain(s3.accessKeyId);
    }
  });
});
