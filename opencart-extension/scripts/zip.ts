// Writing and reading .ocmod.zip packages with fflate. Entries are files only (OpenCart's
// installers create the folders themselves).
import { unzipSync, zipSync, type Zippable } from 'fflate';

export interface ZipEntry {
  name: string;
  data: Buffer;
}

// A fixed timestamp (2024-01-01 00:00, as DOS time has no zone) keeps builds reproducible.
const MTIME = new Date(2024, 0, 1);
// Made on UNIX, -rw-r--r--: extracted files are readable by the web server.
const UNIX = 3;
const FILE_MODE = (0o100644 << 16) >>> 0;

export function writeZip(entries: ZipEntry[]): Buffer {
  const files: Zippable = {};
  for (const entry of entries) {
    if (entry.name.startsWith('/') || entry.name.includes('\\') || entry.name.split('/').includes('..')) {
      throw new Error(`Unsafe zip entry name: ${entry.name}`);
    }
    if (entry.name in files) throw new Error(`Duplicate zip entry name: ${entry.name}`);
    files[entry.name] = [new Uint8Array(entry.data), { level: 9, mtime: MTIME, os: UNIX, attrs: FILE_MODE }];
  }
  return Buffer.from(zipSync(files));
}

/** The files of a zip, in the order they were stored. */
export function readZip(zip: Buffer): ZipEntry[] {
  return Object.entries(unzipSync(new Uint8Array(zip))).map(([name, data]) => ({ name, data: Buffer.from(data) }));
}
