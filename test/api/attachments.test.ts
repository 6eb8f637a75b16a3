import { gunzipSync, gzipSync } from 'node:zlib';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVE_LIMITS } from '../../server/modules/attachment/archive-redact';
import { ATTACHMENT_LIMITS } from '../../server/modules/attachment/attachment-limits';
import { createMerchant, createStaff, createTestApp, type Merchant, type TestApp } from '../support/test-app';

let app: TestApp;
let merchantA: Merchant;
let merchantB: Merchant;
let agent: { token: string };
let db: pg.Client;
const statements: string[] = [];

/** A real 1×1 PNG. */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4e10000000049454e44ae426082',
  'hex',
);
/** The start of a Windows program (MZ header, PE signature): what a renamed .exe looks like. */
const EXE = (() => {
  const bytes = Buffer.alloc(512);
  bytes.write('MZ', 0, 'latin1');
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.write('PE\0\0', 0x80, 'latin1');
  return bytes;
})();
/** A PNG of the given size: the image, then padding after its end. */
const pngOfSize = (size: number) => Buffer.concat([PNG, Buffer.alloc(size - PNG.length)]);

const SECRETS = ['Sup3rS3cretDb!', 'ftpPa55word', 'sk_live_51HabcdefghijklmnopQR', 'hunter2hunter2'];
const LOG = [
  '[03-Mar-2026 09:12:01 UTC] PHP Warning:  Undefined index: product_id in catalog/controller/product/product.php on line 42',
  `[03-Mar-2026 09:12:02 UTC] PDOException: SQLSTATE[HY000] [1045] mysql:host=db;dbname=shop;user=oc;password=${SECRETS[0]}`,
  `[03-Mar-2026 09:12:03 UTC] upload to ftp://shopuser:${SECRETS[1]}@ftp.example.com/public_html failed`,
  `[03-Mar-2026 09:12:04 UTC] payment: define('STRIPE_SECRET', '${SECRETS[2]}');`,
  `[03-Mar-2026 09:12:05 UTC] admin login password=${SECRETS[3]} refused`,
].join('\n');

const b64 = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64');

const FILE_FIELDS = 'id fileName contentType byteSize redactions downloadUrl uploaderKind';
const CREATE = `mutation Create($input: TicketCreateInput!) {
  ticketCreate(input: $input) {
    ticket { id number attachments { ${FILE_FIELDS} } }
    notices { code message }
    userErrors { field code message }
  }
}`;
const REPLY = `mutation Reply($input: TicketReplyInput!) {
  ticketReply(input: $input) {
    message { id internal attachments { ${FILE_FIELDS} } }
    notices { code message }
    userErrors { field code message }
  }
}`;
const TICKET = `query Ticket($id: ID!) {
  node(id: $id) { ... on Ticket {
    attachments { ${FILE_FIELDS} }
    messages(first: 50) { nodes { id internal attachments { id } } }
    events(first: 100) { nodes { action } }
  } }
}`;

async function file(token: string, files: Array<{ fileName: string; contentBase64: string }>, subject = 'Checkout shows a blank page') {
  const { body } = await app.raw(
    CREATE,
    { input: { subject, description: 'After the last update the checkout page is blank.', category: 'BUG_FIX', attachments: files } },
    token,
  );
  return body.data!.ticketCreate as {
    ticket: { id: string; number: string; attachments: Attachment[] } | null;
    notices: Array<{ code: string; message: string }>;
    userErrors: Array<{ field: string[]; code: string; message: string }>;
  };
}

async function reply(token: string, ticketId: string, files: Array<{ fileName: string; contentBase64: string }>, extra: Record<string, unknown> = {}) {
  const { status, body } = await app.raw(REPLY, { input: { ticketId, body: 'Here is what I see.', attachments: files, ...extra } }, token);
  return {
    status,
    ...(body.data?.ticketReply as {
      message: { id: string; internal: boolean; attachments: Attachment[] } | null;
      notices: Array<{ code: string; message: string }>;
      userErrors: Array<{ field: string[]; code: string; message: string }>;
    }),
  };
}

interface Attachment {
  id: string;
  fileName: string;
  contentType: string;
  byteSize: number;
  redactions: number;
  downloadUrl: string;
  uploaderKind: string;
}

async function ticketAs(token: string, id: string) {
  const { body } = await app.raw(TICKET, { id }, token);
  return body.data!.node as {
    attachments: Attachment[];
    messages: { nodes: Array<{ id: string; internal: boolean; attachments: Array<{ id: string }> }> };
    events: { nodes: Array<{ action: string }> };
  } | null;
}

function download(url: string, token?: string) {
  return fetch(`${app.url}${url}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

async function counts() {
  const { rows } = await db.query<{ tickets: string; messages: string; attachments: string; contents: string; audits: string }>(
    `select (select count(*) from ticket) as tickets, (select count(*) from ticket_message) as messages,
            (select count(*) from attachment) as attachments, (select count(*) from attachment_content) as contents,
            (select count(*) from audit_event) as audits`,
  );
  return rows[0]!;
}

beforeAll(async () => {
  app = await createTestApp({ onQuery: (sql) => statements.push(sql) });
  merchantA = await createMerchant(app);
  merchantB = await createMerchant(app);
  agent = await createStaff(app, 'AGENT');
  db = new pg.Client({ connectionString: app.databaseUrl });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await app?.close();
});

describe('files filed with a ticket', () => {
  let ticket: { id: string; attachments: Attachment[] };

  it('keeps a screenshot and a log, each typed from its bytes, and says what was redacted', async () => {
    const result = await file(merchantA.token, [
      { fileName: 'C:\\fakepath\\screenshot.txt', contentBase64: b64(PNG) },
      { fileName: 'error.log', contentBase64: b64(LOG) },
    ]);
    expect(result.userErrors).toEqual([]);
    ticket = result.ticket!;
    expect(ticket.attachments.map(({ fileName, contentType, uploaderKind }) => ({ fileName, contentType, uploaderKind }))).toEqual([
      // A PNG renamed .txt is still an image: the bytes decide, not the name.
      { fileName: 'screenshot.txt', contentType: 'image/png', uploaderKind: 'CUSTOMER' },
      { fileName: 'error.log', contentType: 'text/plain; charset=utf-8', uploaderKind: 'CUSTOMER' },
    ]);
    expect(ticket.attachments[0]!.byteSize).toBe(PNG.length);
    expect(ticket.attachments[1]!.redactions).toBe(4);
    expect(result.notices).toContainEqual({ code: 'CREDENTIALS_REDACTED', message: '4 credentials were removed from error.log before it was stored.' });
  });

  it('serves the image byte for byte and the log without any of its credentials', async () => {
    const image = await download(ticket.attachments[0]!.downloadUrl, merchantA.token);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('content-disposition')).toContain('attachment; filename="screenshot.txt"');
    expect(image.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await image.arrayBuffer()).equals(PNG)).toBe(true);

    const log = await download(ticket.attachments[1]!.downloadUrl, agent.token);
    expect(log.status).toBe(200);
    const text = await log.text();
    expect(text).toContain('Undefined index: product_id');
    expect(text).toContain('password=[REDACTED]');
    expect(text).toContain('ftp://shopuser:[REDACTED]@ftp.example.com');
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(Number(log.headers.get('content-length'))).toBe(ticket.attachments[1]!.byteSize);
  });

  it('never stores the credentials, in the bytes or the audit trail', async () => {
    for (const secret of SECRETS) {
      const { rows } = await db.query(
        `select (select count(*) from attachment_content where position($1::bytea in bytes) > 0)::int as files,
                (select count(*) from audit_event where details::text like '%' || $2 || '%')::int as audits`,
        [Buffer.from(secret), secret],
      );
      expect({ secret, ...rows[0] }).toEqual({ secret, files: 0, audits: 0 });
    }
  });

  it('audits each file with its type and size, and each download', async () => {
    const seen = await ticketAs(merchantA.token, ticket.id);
    const actions = seen!.events.nodes.map((e) => e.action);
    expect(actions.filter((a) => a === 'ATTACHMENT_ADDED')).toHaveLength(2);
    expect(actions.filter((a) => a === 'ATTACHMENT_DOWNLOADED')).toHaveLength(2);
    const { rows } = await db.query(`select details from audit_event where action = 'ATTACHMENT_ADDED' and ticket_id = $1 order by created_at, id`, [
      Buffer.from(ticket.id, 'base64url').toString().split(':')[1],
    ]);
    expect(rows.map((r) => r.details).sort((a, b) => a.byteSize - b.byteSize)).toEqual([
      expect.objectContaining({ contentType: 'image/png', byteSize: PNG.length, redactions: 0, messageId: null }),
      expect.objectContaining({ contentType: 'text/plain; charset=utf-8', byteSize: ticket.attachments[1]!.byteSize, redactions: 4, messageId: null }),
    ]);
  });

  it('lists tickets and their files without reading a single byte of them', async () => {
    statements.length = 0;
    const { body } = await app.raw(
      `{ tickets(first: 20) { nodes { attachments { id fileName byteSize } messages(first: 5) { nodes { attachments { id } } } } } }`,
      {},
      agent.token,
    );
    expect(body.errors).toBeUndefined();
    expect(statements.some((sql) => /attachment/.test(sql))).toBe(true);
    expect(statements.filter((sql) => /attachment_content|bytes/.test(sql))).toEqual([]);
  });
});

describe('logs sent zipped or gzipped', () => {
  // A merchant of their own, so the others' monthly allowance is left to the tests below.
  let merchant: Merchant;
  beforeAll(async () => {
    merchant = await createMerchant(app);
  });

  it('have their credentials removed before they are stored; the rest of the archive stays as it was', async () => {
    const zip = Buffer.from(zipSync({ 'logs/error.log': strToU8(LOG), 'logs/screenshot.png': [PNG, { level: 0 }] }));
    const ticketId = (await file(merchant.token, []))!.ticket!.id;
    const sent = await reply(merchant.token, ticketId, [
      { fileName: 'logs.zip', contentBase64: b64(zip) },
      { fileName: 'error.log.gz', contentBase64: b64(gzipSync(LOG)) },
    ]);
    expect(sent.userErrors).toEqual([]);
    expect(sent.message!.attachments.map(({ fileName, contentType, redactions }) => ({ fileName, contentType, redactions }))).toEqual([
      { fileName: 'logs.zip', contentType: 'application/zip', redactions: 4 },
      { fileName: 'error.log.gz', contentType: 'application/gzip', redactions: 4 },
    ]);
    expect(sent.notices).toContainEqual({ code: 'CREDENTIALS_REDACTED', message: '4 credentials were removed from logs.zip before it was stored.' });

    const stored = Buffer.from(await (await download(sent.message!.attachments[0]!.downloadUrl, agent.token)).arrayBuffer());
    expect(stored.length).toBe(sent.message!.attachments[0]!.byteSize);
    const files = unzipSync(stored);
    const log = strFromU8(files['logs/error.log']!);
    expect(log).toContain('Undefined index: product_id');
    expect(log).toContain('ftp://shopuser:[REDACTED]@ftp.example.com');
    expect(Buffer.from(files['logs/screenshot.png']!).equals(PNG)).toBe(true);
    const gz = gunzipSync(Buffer.from(await (await download(sent.message!.attachments[1]!.downloadUrl, merchant.token)).arrayBuffer())).toString();
    for (const secret of SECRETS) {
      expect(log).not.toContain(secret);
      expect(gz).not.toContain(secret);
    }
  });

  it('a zip with nothing to remove is stored byte for byte', async () => {
    const zip = Buffer.from(zipSync({ 'notes.txt': strToU8('The checkout is blank since Monday.\n') }));
    const result = await file(merchant.token, [{ fileName: 'notes.zip', contentBase64: b64(zip) }]);
    expect(result.ticket!.attachments[0]).toMatchObject({ contentType: 'application/zip', redactions: 0, byteSize: zip.length });
    const stored = Buffer.from(await (await download(result.ticket!.attachments[0]!.downloadUrl, merchant.token)).arrayBuffer());
    expect(stored.equals(zip)).toBe(true);
  });

  it(`the ${ARCHIVE_LIMITS.unpackedBytes / 1024 / 1024} MiB unpacked are for all the archives of one request: each alone goes through, both together do not`, async () => {
    const ticketId = (await file(merchant.token, []))!.ticket!.id;
    const twelveMiB = Buffer.from(zipSync({ 'access.log': new Uint8Array(12 * 1024 * 1024).fill(0x2e) }));
    const both = await reply(merchant.token, ticketId, [
      { fileName: 'monday.zip', contentBase64: b64(twelveMiB) },
      { fileName: 'tuesday.zip', contentBase64: b64(twelveMiB) },
    ]);
    expect(both.message).toBeNull();
    expect(both.userErrors.map((e) => [e.field.at(-1), e.code])).toEqual([['1', 'ATTACHMENT_TOO_LARGE']]);
    for (const day of ['monday.zip', 'tuesday.zip']) {
      const alone = await reply(merchant.token, ticketId, [{ fileName: day, contentBase64: b64(twelveMiB) }]);
      expect(alone.userErrors).toEqual([]);
    }
  });

  it('an archive that cannot be checked is refused, and nothing is written: too large unpacked, password-protected', async () => {
    const before = await counts();
    const bomb = Buffer.from(zipSync({ 'zeros.log': new Uint8Array(64 * 1024 * 1024) }));
    const locked = Buffer.from(zipSync({ 'error.log': [strToU8(LOG), { level: 0 }] }));
    // The encryption flag, in the entry's header and in the directory, as a password-protected zip has it.
    locked.writeUInt16LE(1, 6);
    locked.writeUInt16LE(1, locked.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 8);
    const result = await file(merchant.token, [
      { fileName: 'bomb.zip', contentBase64: b64(bomb) },
      { fileName: 'locked.zip', contentBase64: b64(locked) },
    ]);
    expect(result.ticket).toBeNull();
    expect(result.userErrors).toEqual([
      {
        field: ['input', 'attachments', '0'],
        code: 'ATTACHMENT_TOO_LARGE',
        message: `bomb.zip unpacks to more than ${ARCHIVE_LIMITS.unpackedBytes / 1024 / 1024} MiB (with any other archive sent with it); archives are unpacked to remove credentials before they are stored, so send a smaller one or its files one by one.`,
      },
      {
        field: ['input', 'attachments', '1'],
        code: 'ATTACHMENT_TYPE_NOT_ALLOWED',
        message: 'locked.zip cannot be opened to check it for credentials (password-protected): send its files as they are, or an archive without a password.',
      },
    ]);
    expect(await counts()).toEqual(before);
  });
});

describe('the type comes from the bytes', () => {
  it('refuses a program renamed .png, and writes nothing: no ticket, no file, no audit entry', async () => {
    const before = await counts();
    const result = await file(merchantA.token, [
      { fileName: 'screenshot.png', contentBase64: b64(EXE) },
      { fileName: 'ok.png', contentBase64: b64(PNG) },
    ]);
    expect(result.ticket).toBeNull();
    expect(result.userErrors).toEqual([
      {
        field: ['input', 'attachments', '0'],
        code: 'ATTACHMENT_TYPE_NOT_ALLOWED',
        message:
          'screenshot.png is application/x-msdownload (.exe), which cannot be attached: send images (PNG, JPEG, GIF, WebP, BMP), PDF, zip or gzip archives, or plain text.',
      },
    ]);
    expect(await counts()).toEqual(before);
  });

  it('keeps text as text/plain whatever its name, so a browser never renders it', async () => {
    const result = await file(merchantA.token, [
      { fileName: 'page.html', contentBase64: b64('<html><script>alert(1)</script></html>') },
      { fileName: 'picture.png', contentBase64: b64('not an image at all') },
    ]);
    expect(result.userErrors).toEqual([]);
    expect(result.ticket!.attachments.map((a) => a.contentType)).toEqual(['text/plain; charset=utf-8', 'text/plain; charset=utf-8']);
    const page = await download(result.ticket!.attachments[0]!.downloadUrl, merchantA.token);
    expect(page.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
  });

  it('refuses binary data of no known type and text that is not base64', async () => {
    const ticketId = (await file(merchantA.token, []))!.ticket!.id;
    const binary = await reply(merchantA.token, ticketId, [{ fileName: 'dump.bin', contentBase64: b64(Buffer.from([0, 1, 2, 3, 250, 251, 252, 0, 0, 7])) }]);
    expect(binary.userErrors.map((e) => e.code)).toEqual(['ATTACHMENT_TYPE_NOT_ALLOWED']);
    const notBase64 = await reply(merchantA.token, ticketId, [{ fileName: 'a.log', contentBase64: 'not base64!' }]);
    expect(notBase64.userErrors).toEqual([
      { field: ['input', 'attachments', '0', 'contentBase64'], code: 'INVALID', message: 'a.log: contentBase64 is not standard base64.' },
    ]);
  });
});

describe('limits', () => {
  let ticketId: string;
  beforeAll(async () => {
    ticketId = (await file(merchantA.token, [], 'Limits'))!.ticket!.id;
  });

  it(`per file: ${ATTACHMENT_LIMITS.fileBytes} bytes pass, one more is refused`, async () => {
    const fits = await reply(merchantA.token, ticketId, [{ fileName: 'big.png', contentBase64: b64(pngOfSize(ATTACHMENT_LIMITS.fileBytes)) }]);
    expect(fits.userErrors).toEqual([]);
    expect(fits.message!.attachments[0]!.byteSize).toBe(ATTACHMENT_LIMITS.fileBytes);
    const over = await reply(merchantA.token, ticketId, [{ fileName: 'bigger.png', contentBase64: b64(pngOfSize(ATTACHMENT_LIMITS.fileBytes + 1)) }]);
    expect(over.userErrors).toEqual([
      {
        field: ['input', 'attachments', '0', 'contentBase64'],
        code: 'ATTACHMENT_TOO_LARGE',
        message: 'bigger.png has 5,242,881 bytes; a file may have at most 5,242,880 bytes (5 MiB).',
      },
    ]);
  });

  it('per file after redaction too: a log that "[REDACTED]" makes longer than the limit is refused, and nothing is written', async () => {
    // 524,288 lines of "pwd=a" (3 MiB) would be stored as "pwd=[REDACTED]": 7,864,320 bytes.
    const log = 'pwd=a\n'.repeat((3 * 1024 * 1024) / 6);
    const before = await counts();
    const grown = await reply(merchantA.token, ticketId, [{ fileName: 'secrets.log', contentBase64: b64(log) }]);
    expect(grown.message).toBeNull();
    expect(grown.userErrors).toEqual([
      {
        field: ['input', 'attachments', '0', 'contentBase64'],
        code: 'ATTACHMENT_TOO_LARGE',
        message:
          'secrets.log has 7,864,320 bytes once its 524,288 credentials are replaced by [REDACTED]; a file may have at most 5,242,880 bytes (5 MiB): send it in parts.',
      },
    ]);
    expect(await counts()).toEqual(before);
  });

  it(`per message: ${ATTACHMENT_LIMITS.messageFiles} files and ${ATTACHMENT_LIMITS.messageBytes} bytes`, async () => {
    const six = Array.from({ length: ATTACHMENT_LIMITS.messageFiles + 1 }, (_, i) => ({ fileName: `n${i}.txt`, contentBase64: b64(`note ${i}`) }));
    const tooMany = await reply(merchantA.token, ticketId, six);
    expect(tooMany.userErrors.map(({ field, code }) => ({ field, code }))).toEqual([{ field: ['input', 'attachments'], code: 'INVALID' }]);
    expect(tooMany.userErrors[0]!.message).toContain('5');

    const third = Math.ceil((ATTACHMENT_LIMITS.messageBytes + 1) / 3);
    const tooHeavy = await reply(
      merchantA.token,
      ticketId,
      [0, 1, 2].map((i) => ({ fileName: `part${i}.png`, contentBase64: b64(pngOfSize(third)) })),
    );
    expect(tooHeavy.userErrors).toEqual([
      {
        field: ['input', 'attachments'],
        code: 'ATTACHMENT_TOO_LARGE',
        message: `These files have ${(3 * third).toLocaleString('en-US')} bytes together; one message may carry at most 10,485,760 bytes (10 MiB).`,
      },
    ]);
  });

  it(`per ticket: ${ATTACHMENT_LIMITS.ticketFiles} files`, async () => {
    const own = await file(merchantA.token, [], 'Many files');
    const id = own.ticket!.id;
    for (let i = 0; i < ATTACHMENT_LIMITS.ticketFiles / ATTACHMENT_LIMITS.messageFiles; i += 1) {
      const batch = Array.from({ length: ATTACHMENT_LIMITS.messageFiles }, (_, j) => ({ fileName: `f${i}-${j}.txt`, contentBase64: b64(`line ${i} ${j}`) }));
      expect((await reply(merchantA.token, id, batch)).userErrors).toEqual([]);
    }
    const before = await counts();
    const one = await reply(merchantA.token, id, [{ fileName: 'one-more.txt', contentBase64: b64('one more') }]);
    expect(one.userErrors).toEqual([
      {
        field: ['input', 'attachments'],
        code: 'ATTACHMENT_LIMIT_REACHED',
        message: expect.stringMatching(/would have 31 files; a ticket may have at most 30\.$/),
      },
    ]);
    // The reply itself is refused with its file: no message without the file it was sent with.
    expect(await counts()).toEqual(before);
  });

  it(`per ticket: ${ATTACHMENT_LIMITS.ticketBytes} bytes`, async () => {
    const id = (await file(merchantA.token, [], 'Heavy files'))!.ticket!.id;
    // Arranged in the database (five 10 MiB replies would only make the test slow): the ticket
    // already carries a file 60 bytes short of its limit.
    const room = 60;
    const heavy = ATTACHMENT_LIMITS.ticketBytes - room;
    await db.query(
      `with a as (
         insert into attachment (id, ticket_id, file_name, content_type, byte_size, storage, sha256, uploader_kind)
         values (gen_random_uuid(), $1, 'dump.txt', 'text/plain; charset=utf-8', $2, 'postgres', repeat('0', 64), 'CUSTOMER') returning id)
       insert into attachment_content (attachment_id, bytes) select id, convert_to(repeat('a', $2), 'UTF8') from a`,
      [Buffer.from(id, 'base64url').toString().split(':')[1], heavy],
    );
    const over = await reply(merchantA.token, id, [{ fileName: 'last.png', contentBase64: b64(PNG) }]);
    expect(PNG.length).toBeGreaterThan(room);
    expect(over.userErrors.map((e) => e.code)).toEqual(['ATTACHMENT_LIMIT_REACHED']);
    expect(over.userErrors[0]!.message).toContain(
      `would carry ${(heavy + PNG.length).toLocaleString('en-US')} bytes of files; a ticket may carry at most 52,428,800 bytes (50 MiB).`,
    );
    const fits = await reply(merchantA.token, id, [{ fileName: 'last.txt', contentBase64: b64('x'.repeat(room)) }]);
    expect(fits.userErrors).toEqual([]);
  });

  it('takes a large body only from a caller with a token', async () => {
    const big = JSON.stringify({ query: '{ __typename }', variables: { padding: 'x'.repeat(2 * 1024 * 1024) } });
    const anonymous = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(anonymous.status).toBe(413);
    const signedIn = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${merchantA.token}` },
      body: big,
    });
    expect(signedIn.status).toBe(200);
  });
});

describe('downloads are scoped like the ticket', () => {
  let ticketId: string;
  let merchantFile: Attachment;
  let noteFile: Attachment;

  beforeAll(async () => {
    const filed = await file(merchantA.token, [{ fileName: 'shot.png', contentBase64: b64(PNG) }], 'Scopes');
    ticketId = filed.ticket!.id;
    merchantFile = filed.ticket!.attachments[0]!;
    app.setNow(app.now().plus({ minutes: 5 }));
    const note = await reply(
      agent.token,
      ticketId,
      [{ fileName: 'internal-trace.log', contentBase64: b64('staff notes: the module of vendor X breaks checkout') }],
      { internal: true },
    );
    expect(note.userErrors).toEqual([]);
    noteFile = note.message!.attachments[0]!;
    expect(noteFile.uploaderKind).toBe('STAFF');
  });

  it('another merchant gets 404 for the file, null for its ID, exactly like an ID that does not exist', async () => {
    const other = await download(merchantFile.downloadUrl, merchantB.token);
    expect(other.status).toBe(404);
    const missing = await download(`/attachments/${Buffer.from('Attachment:00000000-0000-0000-0000-000000000000').toString('base64url')}`, merchantB.token);
    expect(await other.json()).toEqual(await missing.json());
    const { body } = await app.raw(`query($id: ID!) { node(id: $id) { id } }`, { id: merchantFile.id }, merchantB.token);
    expect(body.data!.node).toBeNull();
    expect(await ticketAs(merchantB.token, ticketId)).toBeNull();
  });

  it("an internal note's file is staff-only: not listed, not downloadable, not in the merchant's audit trail", async () => {
    const seen = await ticketAs(merchantA.token, ticketId);
    expect(seen!.attachments.map((a) => a.id)).toEqual([merchantFile.id]);
    expect(seen!.messages.nodes.some((m) => m.internal)).toBe(false);
    expect(seen!.events.nodes.map((e) => e.action)).not.toContain('INTERNAL_ATTACHMENT_ADDED');
    expect((await download(noteFile.downloadUrl, merchantA.token)).status).toBe(404);
    const { body } = await app.raw(`query($id: ID!) { node(id: $id) { id } }`, { id: noteFile.id }, merchantA.token);
    expect(body.data!.node).toBeNull();

    const staffView = await ticketAs(agent.token, ticketId);
    expect(staffView!.attachments.map((a) => a.id)).toEqual([merchantFile.id, noteFile.id]);
    expect(staffView!.messages.nodes.find((m) => m.internal)!.attachments).toEqual([{ id: noteFile.id }]);
    const staffDownload = await download(noteFile.downloadUrl, agent.token);
    expect(staffDownload.status).toBe(200);
    expect(await staffDownload.text()).toContain('vendor X');
    expect((await ticketAs(agent.token, ticketId))!.events.nodes.map((e) => e.action)).toEqual(
      expect.arrayContaining(['INTERNAL_ATTACHMENT_ADDED', 'INTERNAL_ATTACHMENT_DOWNLOADED']),
    );
  });

  it("a file staff send with a public reply is the merchant's to see and download, and redacted like theirs", async () => {
    const sent = await reply(agent.token, ticketId, [
      { fileName: 'fix.patch', contentBase64: b64("--- a/config.php\n+define('DB_PASSWORD', 'staffSecret42');\n") },
    ]);
    expect(sent.userErrors).toEqual([]);
    const staffFile = sent.message!.attachments[0]!;
    expect(staffFile).toMatchObject({ uploaderKind: 'STAFF', redactions: 1 });
    const seen = await ticketAs(merchantA.token, ticketId);
    expect(seen!.attachments.map((a) => a.id)).toContain(staffFile.id);
    const downloaded = await download(staffFile.downloadUrl, merchantA.token);
    expect(downloaded.status).toBe(200);
    const text = await downloaded.text();
    expect(text).toContain("define('DB_PASSWORD', '[REDACTED]')");
    expect(text).not.toContain('staffSecret42');
    expect((await download(staffFile.downloadUrl, merchantB.token)).status).toBe(404);
  });

  it('needs a valid token', async () => {
    expect((await download(merchantFile.downloadUrl)).status).toBe(401);
    expect((await download(merchantFile.downloadUrl, 'ocm_not-a-real-key')).status).toBe(401);
  });

  it('staff of any team and the merchant who sent it download it', async () => {
    expect((await download(merchantFile.downloadUrl, merchantA.token)).status).toBe(200);
    expect((await download(merchantFile.downloadUrl, app.adminToken)).status).toBe(200);
  });
});

describe('a failed request leaves nothing behind', () => {
  it('a reply with one good and one refused file writes no message, no file and no audit entry', async () => {
    const ticketId = (await file(merchantA.token, [], 'Atomic'))!.ticket!.id;
    const before = await counts();
    const result = await reply(merchantA.token, ticketId, [
      { fileName: 'fine.png', contentBase64: b64(PNG) },
      { fileName: 'setup.exe.png', contentBase64: b64(EXE) },
    ]);
    expect(result.message).toBeNull();
    expect(result.userErrors.map((e) => e.code)).toEqual(['ATTACHMENT_TYPE_NOT_ALLOWED']);
    expect(await counts()).toEqual(before);
  });

  it('a ticket whose store access is refused after its files were read stores none of them, and uses no allowance', async () => {
    const before = await counts();
    const { body } = await app.raw(
      CREATE,
      {
        input: {
          subject: 'Refused access',
          description: 'The checkout page is blank after the update.',
          category: 'BUG_FIX',
          attachments: [
            { fileName: 'shot.png', contentBase64: b64(PNG) },
            { fileName: 'error.log', contentBase64: b64(LOG) },
          ],
          access: {
            storeAdmin: { url: 'https://shop.example.com/admin/', username: 'support', password: 'Adm1n-pass-123' },
            fileAccess: { protocol: 'FTP', host: 'ftp://not a host/', username: 'ftpuser', password: 'Ftp-pass-123' },
          },
        },
      },
      merchantA.token,
    );
    expect(body.data!.ticketCreate.userErrors.map((e: { code: string; field: string[] }) => [e.code, e.field])).toEqual([
      ['INVALID', ['input', 'access', 'fileAccess', 'host']],
    ]);
    expect(await counts()).toEqual(before);
  });
});
