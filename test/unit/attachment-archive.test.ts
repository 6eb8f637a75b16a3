import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, deflateRawSync } from 'node:zlib';
import { strFromU8, strToU8, unzipSync, Zip, ZipDeflate, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { ARCHIVE_LIMITS, ArchiveRefused, redactArchive } from '../../server/modules/attachment/archive-redact';
import { PHP } from '../extension/support/php';

// Archives are built and read back with other implementations than the one under test: fflate and
// PHP's ZipArchive (libzip) for zip, gzip(1) for gzip, and GNU tar for .tar.gz.

const SECRET = 'Sup3rS3cretDb!';
const LOG = `[03-Mar-2026 09:12:02 UTC] PDOException: mysql:host=db;dbname=shop;user=oc;password=${SECRET}\n[03-Mar-2026 09:12:05 UTC] done\n`;
const CLEAN = '[03-Mar-2026 09:12:01 UTC] PHP Warning:  Undefined index: product_id on line 42\n';
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4e10000000049454e44ae426082',
  'hex',
);

const dir = mkdtempSync(join(tmpdir(), 'archive-redact-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hasLibzip = (() => {
  try {
    return execFileSync(PHP, ['-r', 'echo class_exists("ZipArchive") ? "yes" : "no";']).toString() === 'yes';
  } catch {
    return false;
  }
})();

/** The archive as libzip reads it, after its consistency check: each file's name and bytes (base64). */
function readWithLibzip(bytes: Buffer): Record<string, string> {
  const file = join(dir, `libzip-${Math.random().toString(36).slice(2)}.zip`);
  writeFileSync(file, bytes);
  const php = `$z = new ZipArchive(); $r = $z->open($argv[1], ZipArchive::CHECKCONS); if ($r !== true) { fwrite(STDERR, "open: $r"); exit(1); }
    $out = []; for ($i = 0; $i < $z->numFiles; $i++) { $n = $z->getNameIndex($i); $c = $z->getFromIndex($i); if ($c === false) exit(2); $out[$n] = base64_encode($c); }
    echo json_encode($out);`;
  return JSON.parse(execFileSync(PHP, ['-r', php, file]).toString());
}

async function refusal(bytes: Buffer, type: string): Promise<ArchiveRefused> {
  try {
    await redactArchive(bytes, type);
  } catch (error) {
    if (error instanceof ArchiveRefused) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('a zip of logs', () => {
  it('has the credentials of each text file removed; the other files, names and order stay as they were', async () => {
    const zip = Buffer.from(
      zipSync({
        'logs/': {},
        'logs/error.log': strToU8(LOG),
        'logs/screenshot.png': [PNG, { level: 0 }],
        'notes.txt': strToU8(`ftp://shop:ftpPa55word@ftp.example.com\n`),
      }),
    );
    const { bytes, count } = await redactArchive(zip, 'application/zip');
    expect(count).toBe(2);
    const files = unzipSync(bytes);
    expect(Object.keys(files)).toEqual(Object.keys(unzipSync(zip)));
    expect(Object.keys(files)).toContain('logs/error.log');
    expect(strFromU8(files['logs/error.log']!)).toBe(LOG.replace(SECRET, '[REDACTED]'));
    expect(strFromU8(files['notes.txt']!)).toBe('ftp://shop:[REDACTED]@ftp.example.com\n');
    expect(Buffer.from(files['logs/screenshot.png']!).equals(PNG)).toBe(true);
    expect(bytes.includes(Buffer.from(SECRET))).toBe(false);
    if (hasLibzip) {
      const read = readWithLibzip(bytes);
      expect(Buffer.from(read['logs/error.log']!, 'base64').toString()).toBe(LOG.replace(SECRET, '[REDACTED]'));
      expect(Buffer.from(read['logs/screenshot.png']!, 'base64').equals(PNG)).toBe(true);
    }
  });

  it('with nothing to remove is kept byte for byte', async () => {
    const zip = Buffer.from(zipSync({ 'error.log': strToU8(CLEAN), 'shot.png': PNG }));
    const { bytes, count } = await redactArchive(zip, 'application/zip');
    expect(count).toBe(0);
    expect(bytes).toBe(zip);
  });

  it('streamed, with the sizes after the data (data descriptors), is read and rewritten', async () => {
    const chunks: Uint8Array[] = [];
    const streamed = new Zip((error, chunk) => {
      if (error) throw error;
      chunks.push(chunk);
    });
    for (const [name, content] of [
      ['config.php', `<?php\ndefine('DB_PASSWORD', '${SECRET}');\ndefine('DB_USERNAME', 'oc');\n`],
      ['readme.txt', CLEAN],
    ] as const) {
      const entry = new ZipDeflate(name);
      streamed.add(entry);
      entry.push(strToU8(content), true);
    }
    streamed.end();
    const zip = Buffer.concat(chunks);
    expect(zip.readUInt16LE(6) & 0x0008).toBe(0x0008);
    const { bytes, count } = await redactArchive(zip, 'application/zip');
    expect(count).toBe(1);
    expect(strFromU8(unzipSync(bytes)['config.php']!)).toBe(`<?php\ndefine('DB_PASSWORD', '[REDACTED]');\ndefine('DB_USERNAME', 'oc');\n`);
    if (hasLibzip) expect(Buffer.from(readWithLibzip(bytes)['readme.txt']!, 'base64').toString()).toBe(CLEAN);
  });

  it('opens a zip inside a zip, and a gzipped log inside it', async () => {
    const inner = zipSync({ 'inner.log': strToU8(LOG), 'inner.log.gz': gzipSync(LOG) });
    const zip = Buffer.from(zipSync({ 'bundle.zip': [inner, { level: 0 }] }));
    const { bytes, count } = await redactArchive(zip, 'application/zip');
    expect(count).toBe(2);
    const unpacked = unzipSync(unzipSync(bytes)['bundle.zip']!);
    expect(strFromU8(unpacked['inner.log']!)).not.toContain(SECRET);
  });

  it(`refuses an archive that unpacks to more than ${ARCHIVE_LIMITS.unpackedBytes} bytes, without unpacking the rest (a zip bomb)`, async () => {
    // 1 GiB of zeros would deflate to about 1 MiB: 64 MiB is enough to pass the limit.
    const bomb = Buffer.from(zipSync({ 'zeros.log': new Uint8Array(64 * 1024 * 1024) }));
    expect(bomb.length).toBeLessThan(200_000);
    const error = await refusal(bomb, 'application/zip');
    expect(error.reason).toBe('TOO_LARGE');
    expect(error.message).toMatch(/unpacks to more than 20 MiB/);
    // At the limit exactly, it goes through.
    const atLimit = Buffer.from(zipSync({ 'spaces.log': new Uint8Array(ARCHIVE_LIMITS.unpackedBytes).fill(0x20) }));
    expect((await redactArchive(atLimit, 'application/zip')).count).toBe(0);
  });

  it(`refuses more than ${ARCHIVE_LIMITS.entries} files`, async () => {
    const many = Object.fromEntries(Array.from({ length: ARCHIVE_LIMITS.entries + 1 }, (_, i) => [`f${i}.txt`, strToU8('x')]));
    expect((await refusal(Buffer.from(zipSync(many)), 'application/zip')).message).toMatch(/more than 1000 files/);
  });

  it('refuses what it cannot open rather than storing it unchecked: a password, damage, an unknown method, too deep', async () => {
    const plain = Buffer.from(zipSync({ 'error.log': [strToU8(LOG), { level: 0 }] }));
    // The encryption flag (bit 0) in both headers, as a password-protected zip has it.
    const locked = Buffer.from(plain);
    locked.writeUInt16LE(1, 6);
    locked.writeUInt16LE(1, locked.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 8);
    expect((await refusal(locked, 'application/zip')).message).toMatch(/password-protected/);

    const damaged = Buffer.from(zipSync({ 'error.log': strToU8(LOG) }));
    damaged[40] = damaged[40]! ^ 0xff;
    expect((await refusal(damaged, 'application/zip')).message).toMatch(/cannot be opened to check it for credentials/);
    expect((await refusal(damaged.subarray(0, 30), 'application/zip')).reason).toBe('UNREADABLE');

    const bzip2 = Buffer.from(plain);
    bzip2.writeUInt16LE(12, 8);
    bzip2.writeUInt16LE(12, bzip2.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 10);
    expect((await refusal(bzip2, 'application/zip')).message).toMatch(/compression method 12/);

    // A log that is not UTF-8 (Latin-1 here) is refused alone, so it is not kept unchecked in a zip either.
    const latin1 = Buffer.from('Mot de passe: caf\u00e9\nDB_PASSWORD=hunter2-secret\n', 'latin1');
    expect((await refusal(Buffer.from(zipSync({ 'error.log': latin1 })), 'application/zip')).message).toMatch(/not an accepted type/);
    expect((await refusal(gzipSync(latin1), 'application/gzip')).reason).toBe('UNREADABLE');

    let nested: Uint8Array = strToU8(LOG);
    for (let i = 0; i < ARCHIVE_LIMITS.depth + 1; i += 1) nested = zipSync({ [`level${i}`]: [nested, { level: 0 }] });
    expect((await refusal(Buffer.from(nested), 'application/zip')).message).toMatch(/nested more than 3 deep/);
  });
});

describe('gzip', () => {
  it('a gzipped log is redacted and gzipped again', async () => {
    const { bytes, count } = await redactArchive(gzipSync(LOG), 'application/gzip');
    expect(count).toBe(1);
    expect(execFileSync('gzip', ['-dc'], { input: bytes }).toString()).toBe(LOG.replace(SECRET, '[REDACTED]'));
  });

  it('a .tar.gz of logs made by tar: each file redacted, the archive still read by tar', async () => {
    mkdirSync(join(dir, 'bundle'), { recursive: true });
    writeFileSync(join(dir, 'bundle', 'error.log'), LOG);
    writeFileSync(join(dir, 'bundle', 'clean.log'), CLEAN);
    writeFileSync(join(dir, 'bundle', 'image.png'), PNG);
    execFileSync('tar', ['-czf', join(dir, 'bundle.tar.gz'), '-C', dir, 'bundle']);
    const { bytes, count } = await redactArchive(readFileSync(join(dir, 'bundle.tar.gz')), 'application/gzip');
    expect(count).toBe(1);
    writeFileSync(join(dir, 'redacted.tar.gz'), bytes);
    const out = join(dir, 'out');
    mkdirSync(out);
    execFileSync('tar', ['-xzf', join(dir, 'redacted.tar.gz'), '-C', out]);
    expect(readFileSync(join(out, 'bundle', 'error.log'), 'utf8')).toBe(LOG.replace(SECRET, '[REDACTED]'));
    expect(readFileSync(join(out, 'bundle', 'clean.log'), 'utf8')).toBe(CLEAN);
    expect(readFileSync(join(out, 'bundle', 'image.png')).equals(PNG)).toBe(true);
  });

  it('a gzip bomb stops at the limit; damaged data is refused', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect((await refusal(bomb, 'application/gzip')).reason).toBe('TOO_LARGE');
    const damaged = Buffer.concat([gzipSync(LOG).subarray(0, 20), deflateRawSync('x')]);
    expect((await refusal(damaged, 'application/gzip')).reason).toBe('UNREADABLE');
  });
});
