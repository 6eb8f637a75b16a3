// What goes into each OpenCart line's package, and where: one source tree, two layouts.
//   3.0.x: <code>.ocmod.zip with install.xml and upload/… (copied into the store's folders)
//   4.x:   <code>.ocmod.zip with install.json at the root (unpacked to extension/<code>/)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { EXTENSION_ROOT } from './operations';
import type { ZipEntry } from './zip';

export const CODE = 'oc_support_desk';
export const MODULE_VERSION = '1.2.0';
export type Line = '3.0' | '4.x';
export const LINES: Line[] = ['3.0', '4.x'];

export const LIB_DIR = join(EXTENSION_ROOT, 'lib');
export const LINE_DIR: Record<Line, string> = { '3.0': join(EXTENSION_ROOT, 'oc3'), '4.x': join(EXTENSION_ROOT, 'oc4') };

/** Where each line's package keeps the bundle (inside the line's tree; git-ignored). */
export const BUNDLE_PATH: Record<Line, string> = {
  '3.0': 'admin/view/javascript/oc_support_desk/support-desk.js',
  '4.x': 'admin/view/javascript/support-desk.js',
};

/** The package's file name: 4.x takes the extension code from it. */
export const PACKAGE_NAME = `${CODE}.ocmod.zip`;
export const PACKAGE_DIR: Record<Line, string> = { '3.0': 'opencart-3.0', '4.x': 'opencart-4.x' };

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
}

const withVersion = (file: string) => Buffer.from(readFileSync(file, 'utf8').replaceAll('{{VERSION}}', MODULE_VERSION));

/** The package's entries, in order; the bundle must have been built into the line's tree. */
export function packageEntries(line: Line): ZipEntry[] {
  const root = LINE_DIR[line];
  const manifest = line === '3.0' ? 'install.xml' : 'install.json';
  const prefix = line === '3.0' ? 'upload/' : '';
  const entries: ZipEntry[] = [{ name: manifest, data: withVersion(join(root, manifest)) }];

  for (const file of walk(root)) {
    const path = relative(root, file).split('\\').join('/');
    if (path === manifest || path.startsWith('.')) continue;
    entries.push({ name: prefix + path, data: readFileSync(file) });
  }
  for (const file of walk(LIB_DIR)) {
    entries.push({ name: `${prefix}system/library/${CODE}/${relative(LIB_DIR, file)}`, data: readFileSync(file) });
  }
  return entries;
}
