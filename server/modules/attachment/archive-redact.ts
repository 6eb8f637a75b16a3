import { crc32, deflateRawSync, gunzipSync, gzipSync, inflateRawSync } from 'node:zlib';
import { ATTACHMENT_LIMITS } from './attachment-limits';
import { detectType } from './attachment-type';
import { redactCredentials } from './redact';

/**
 * Zip and gzip archives (a folder of logs, `error.log.gz`, a `.tar.gz` bundle) are opened and
 * their text files scanned like a text attachment, so credentials in a zipped log are not stored
 * either. Bounded: at most `unpackedBytes` unpacked in all (nested archives included), at most
 * `entries` files, archives inside archives `depth` levels deep. An archive with nothing to
 * remove is kept byte for byte; one with something to remove is written again with the redacted
 * files (the others copied as they were). An archive that cannot be opened within these bounds
 * (password-protected, ZIP64, an unknown compression method, damaged, too large unpacked) is
 * refused rather than stored unchecked.
 */
export const ARCHIVE_LIMITS = {
  /**
   * Everything unpacked from the archives of one request (a ticket or a message), nested ones
   * included: 4 × the per-file limit. Scanning is CPU work on the request's thread, so it is
   * bounded per request, not per file.
   */
  unpackedBytes: 4 * ATTACHMENT_LIMITS.fileBytes,
  /** Files (zip entries, tar members) in the archives of one request, nested ones included. */
  entries: 1000,
  /** An archive in an archive in an archive, no deeper. */
  depth: 3,
} as const;

export type ArchiveRefusal = 'TOO_LARGE' | 'UNREADABLE';

/** Why an archive was not taken; the message follows the file's name ("logs.zip cannot be …"). */
export class ArchiveRefused extends Error {
  constructor(
    readonly reason: ArchiveRefusal,
    message: string,
  ) {
    super(message);
  }
}

export interface ArchiveRedaction {
  bytes: Buffer;
  /** Credentials removed, in every file of the archive. */
  count: number;
}

/** What is left to unpack for one request; shared by its archives. */
export interface ArchiveBudget {
  bytes: number;
  entries: number;
}
type Budget = ArchiveBudget;

export function archiveBudget(): ArchiveBudget {
  return { bytes: ARCHIVE_LIMITS.unpackedBytes, entries: ARCHIVE_LIMITS.entries };
}

const ZIP = 'application/zip';
const GZIP = 'application/gzip';
const TAR = 'application/x-tar';

export function isArchive(contentType: string): boolean {
  return contentType === ZIP || contentType === GZIP;
}

export async function redactArchive(bytes: Buffer, contentType: string, budget: ArchiveBudget = archiveBudget()): Promise<ArchiveRedaction> {
  return redactContent(bytes, contentType, budget, 1);
}

/** One file's bytes: text redacted, archives opened, anything else kept. */
async function redactBytes(bytes: Buffer, budget: Budget, depth: number): Promise<ArchiveRedaction> {
  const type = await detectType(bytes);
  if (type.kind === 'text') {
    const redaction = redactCredentials(bytes.toString('utf8'));
    return redaction.count ? { bytes: Buffer.from(redaction.text, 'utf8'), count: redaction.count } : { bytes, count: 0 };
  }
  if (type.kind === 'binary' && isArchive(type.contentType)) return redactContent(bytes, type.contentType, budget, depth + 1);
  // A tar is taken only inside a gzip or a zip (a .tar.gz), as a bare tar is not an accepted type.
  if (type.kind === 'refused' && type.found.startsWith(TAR)) return redactContent(bytes, TAR, budget, depth + 1);
  // What a single attachment may not be (text that is not UTF-8, a log with control bytes, an
  // executable) cannot be checked for credentials inside an archive either: refused, not kept.
  if (type.kind === 'refused') {
    throw new ArchiveRefused(
      'UNREADABLE',
      `holds a file that is not an accepted type (${type.found}), which cannot be checked for credentials; send logs as UTF-8 text`,
    );
  }
  return { bytes, count: 0 };
}

async function redactContent(bytes: Buffer, contentType: string, budget: Budget, depth: number): Promise<ArchiveRedaction> {
  if (depth > ARCHIVE_LIMITS.depth) {
    throw new ArchiveRefused('UNREADABLE', `holds archives nested more than ${ARCHIVE_LIMITS.depth} deep, which are not opened to check them for credentials`);
  }
  if (contentType === ZIP) return redactZip(bytes, budget, depth);
  if (contentType === TAR) return redactTar(bytes, budget, depth);
  return redactGzip(bytes, budget, depth);
}

function tooLarge(): ArchiveRefused {
  const MiB = ARCHIVE_LIMITS.unpackedBytes / 1024 / 1024;
  return new ArchiveRefused(
    'TOO_LARGE',
    `unpacks to more than ${MiB} MiB (with any other archive sent with it); archives are unpacked to remove credentials before they are stored, so send a smaller one or its files one by one`,
  );
}

function unreadable(why: string): ArchiveRefused {
  return new ArchiveRefused(
    'UNREADABLE',
    `cannot be opened to check it for credentials (${why}): send its files as they are, or an archive without a password`,
  );
}

function take(budget: Budget, bytes: number, entries: number): void {
  budget.bytes -= bytes;
  budget.entries -= entries;
  if (budget.bytes < 0) throw tooLarge();
  if (budget.entries < 0) {
    throw new ArchiveRefused('TOO_LARGE', `holds more than ${ARCHIVE_LIMITS.entries} files (with any other archive sent with it); send fewer at a time`);
  }
}

/** Unpacks at most what is left of the budget: a zip bomb stops at the limit, not at the end of memory. */
function unpack(run: (maxOutputLength: number) => Buffer, budget: Budget, what: string): Buffer {
  try {
    // At least one byte, so an empty output is still read; one byte more than allowed, to tell "exactly at the limit" from "over it".
    return run(Math.max(1, budget.bytes + 1));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
    throw unreadable(what);
  }
}

async function redactGzip(bytes: Buffer, budget: Budget, depth: number): Promise<ArchiveRedaction> {
  const inner = unpack((max) => gunzipSync(bytes, { maxOutputLength: max }), budget, 'damaged gzip data');
  take(budget, inner.length, 1);
  const redacted = await redactBytes(inner, budget, depth);
  return redacted.count ? { bytes: gzipSync(redacted.bytes), count: redacted.count } : { bytes, count: 0 };
}

// ---- zip -------------------------------------------------------------------------------------

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

interface ZipEntry {
  /** The central directory record, as read (name, extra field and comment included). */
  central: Buffer;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  name: Buffer;
  localExtra: Buffer;
  /** The entry's data as stored (compressed or not). */
  data: Buffer;
}

function findEndOfCentralDirectory(bytes: Buffer): number {
  const stop = Math.max(0, bytes.length - 22 - 0xffff);
  for (let at = bytes.length - 22; at >= stop; at -= 1) {
    if (bytes.readUInt32LE(at) === EOCD && at + 22 + bytes.readUInt16LE(at + 20) === bytes.length) return at;
  }
  throw unreadable('no zip directory');
}

function readZip(bytes: Buffer, budget: Budget): { entries: ZipEntry[]; comment: Buffer } {
  if (bytes.length < 22) throw unreadable('no zip directory');
  const end = findEndOfCentralDirectory(bytes);
  const count = bytes.readUInt16LE(end + 10);
  const directorySize = bytes.readUInt32LE(end + 12);
  const directoryAt = bytes.readUInt32LE(end + 16);
  if (bytes.readUInt16LE(end + 4) !== 0 || bytes.readUInt16LE(end + 6) !== 0 || bytes.readUInt16LE(end + 8) !== count)
    throw unreadable('split over several disks');
  if (count === 0xffff || directorySize === 0xffffffff || directoryAt === 0xffffffff) throw unreadable('ZIP64');
  if (directoryAt + directorySize > end) throw unreadable('damaged zip directory');
  take(budget, 0, count);

  const entries: ZipEntry[] = [];
  let at = directoryAt;
  for (let i = 0; i < count; i += 1) {
    if (at + 46 > end || bytes.readUInt32LE(at) !== CENTRAL) throw unreadable('damaged zip directory');
    const nameLength = bytes.readUInt16LE(at + 28);
    const recordLength = 46 + nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    if (at + recordLength > end) throw unreadable('damaged zip directory');
    const central = bytes.subarray(at, at + recordLength);
    const flags = central.readUInt16LE(8);
    const method = central.readUInt16LE(10);
    const compressedSize = central.readUInt32LE(20);
    const size = central.readUInt32LE(24);
    const localAt = central.readUInt32LE(42);
    if (flags & 0x0041) throw unreadable('password-protected');
    if (compressedSize === 0xffffffff || size === 0xffffffff || localAt === 0xffffffff) throw unreadable('ZIP64');
    if (method !== 0 && method !== 8) throw unreadable(`compression method ${method}`);
    if (localAt + 30 > directoryAt || bytes.readUInt32LE(localAt) !== LOCAL) throw unreadable('damaged zip entry');
    const dataAt = localAt + 30 + bytes.readUInt16LE(localAt + 26) + bytes.readUInt16LE(localAt + 28);
    if (dataAt + compressedSize > directoryAt) throw unreadable('damaged zip entry');
    entries.push({
      central,
      flags,
      method,
      crc: central.readUInt32LE(16),
      compressedSize,
      size,
      name: central.subarray(46, 46 + nameLength),
      localExtra: bytes.subarray(localAt + 30 + bytes.readUInt16LE(localAt + 26), dataAt),
      data: bytes.subarray(dataAt, dataAt + compressedSize),
    });
    at += recordLength;
  }
  return { entries, comment: bytes.subarray(end + 22) };
}

async function redactZip(bytes: Buffer, budget: Budget, depth: number): Promise<ArchiveRedaction> {
  const { entries, comment } = readZip(bytes, budget);
  let count = 0;
  const rewritten = new Map<ZipEntry, Buffer>();
  for (const entry of entries) {
    // A folder has nothing in it to read.
    if (entry.name[entry.name.length - 1] === 0x2f && entry.size === 0) continue;
    const content = entry.method === 0 ? entry.data : unpack((max) => inflateRawSync(entry.data, { maxOutputLength: max }), budget, 'damaged zip entry');
    if (content.length !== entry.size || crc32(content) !== entry.crc) throw unreadable('damaged zip entry');
    take(budget, content.length, 0);
    const redacted = await redactBytes(content, budget, depth);
    if (redacted.count) {
      count += redacted.count;
      rewritten.set(entry, redacted.bytes);
    }
  }
  if (!count) return { bytes, count: 0 };
  return { bytes: writeZip(entries, rewritten, comment), count };
}

/** The same entries, in the same order, with the redacted ones deflated again; sizes always in the headers. */
function writeZip(entries: ZipEntry[], rewritten: Map<ZipEntry, Buffer>, comment: Buffer): Buffer {
  const parts: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const content = rewritten.get(entry);
    const data = content ? deflateRawSync(content) : entry.data;
    const method = content ? 8 : entry.method;
    const crc = content ? crc32(content) : entry.crc;
    const size = content ? content.length : entry.size;
    // Bit 3 (sizes in a data descriptor after the data) is dropped: the sizes are known here.
    const flags = entry.flags & ~0x0008;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL, 0);
    local.writeUInt16LE(entry.central.readUInt16LE(6), 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(entry.central.readUInt16LE(12), 10);
    local.writeUInt16LE(entry.central.readUInt16LE(14), 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(entry.name.length, 26);
    local.writeUInt16LE(entry.localExtra.length, 28);
    parts.push(local, entry.name, entry.localExtra, data);

    const central = Buffer.from(entry.central);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt32LE(offset, 42);
    directory.push(central);
    offset += local.length + entry.name.length + entry.localExtra.length + data.length;
  }
  const directoryBytes = Buffer.concat(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(EOCD, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directoryBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(comment.length, 20);
  return Buffer.concat([...parts, directoryBytes, end, comment]);
}

// ---- tar (inside gzip: a .tar.gz of logs) ---------------------------------------------------------

const BLOCK = 512;

function tarSize(header: Buffer): number {
  const field = header.subarray(124, 136);
  // Sizes past 8 GiB are written in base 256 (high bit set): far past any limit here.
  if (field[0]! & 0x80) throw tooLarge();
  const text = field
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .trim();
  if (!/^[0-7]*$/.test(text)) throw unreadable('damaged tar header');
  return text ? Number.parseInt(text, 8) : 0;
}

function setTarSize(header: Buffer, size: number): void {
  header.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 12, 'latin1');
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
}

async function redactTar(bytes: Buffer, budget: Budget, depth: number): Promise<ArchiveRedaction> {
  const parts: Buffer[] = [];
  let count = 0;
  let at = 0;
  while (at + BLOCK <= bytes.length) {
    const header = bytes.subarray(at, at + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    const size = tarSize(header);
    const type = String.fromCharCode(header[156]!);
    const dataAt = at + BLOCK;
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (dataAt + size > bytes.length) throw unreadable('damaged tar archive');
    take(budget, 0, 1);
    const data = bytes.subarray(dataAt, dataAt + size);
    // Regular files ('0', NUL from old tars, '7' contiguous) are read; links, folders and extended headers are copied.
    const redacted = type === '0' || type === '\0' || type === '7' ? await redactBytes(data, budget, depth) : { bytes: data, count: 0 };
    if (redacted.count) {
      count += redacted.count;
      const copy = Buffer.from(header);
      setTarSize(copy, redacted.bytes.length);
      const padding = Buffer.alloc((BLOCK - (redacted.bytes.length % BLOCK)) % BLOCK);
      parts.push(copy, redacted.bytes, padding);
    } else {
      parts.push(bytes.subarray(at, Math.min(bytes.length, dataAt + padded)));
    }
    at = dataAt + padded;
  }
  if (!count) return { bytes, count: 0 };
  parts.push(Buffer.alloc(2 * BLOCK));
  return { bytes: Buffer.concat(parts), count };
}
