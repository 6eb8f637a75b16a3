// Both installable packages, checked against each OpenCart line's installer rules (read from
// OpenCart's own admin/controller/marketplace/install.php (3.0) and installer.php (4.x)), and the
// PHP they ship: syntax, and PHP 7.3 compatibility for everything the 3.0 package carries.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildBundle } from '../../opencart-extension/scripts/pack';
import { CODE, LINES, PACKAGE_NAME, packageEntries, type Line } from '../../opencart-extension/scripts/layout';
import { readZip, writeZip, type ZipEntry } from '../../opencart-extension/scripts/zip';
import { hasPhp, NO_PHP_MESSAGE, PHP_DIR, runPhpJson } from './support/php';

// OpenCart 3.0.2.0 to 3.0.5.x: the only folders the installer writes under (unchanged across 3.0.x).
const OC3_ALLOWED = [
  'admin/controller/extension/',
  'admin/language/',
  'admin/model/extension/',
  'admin/view/image/',
  'admin/view/javascript/',
  'admin/view/stylesheet/',
  'admin/view/template/extension/',
  'catalog/controller/extension/',
  'catalog/language/',
  'catalog/model/extension/',
  'catalog/view/javascript/',
  'catalog/view/theme/',
  'system/config/',
  'system/library/',
  'image/catalog/',
];

/** 3.0's check, as in marketplace/install.php: a path is safe inside (or leading to) an allowed folder. */
function oc3Safe(destination: string): boolean {
  return OC3_ALLOWED.some(
    (value) => (destination.length < value.length && value.startsWith(destination)) || (destination.length > value.length && destination.startsWith(value)),
  );
}

/** 4.x's mapping, as in marketplace/installer.php: where a zip entry ends up. */
function oc4Destination(code: string, entry: string): string {
  if (entry.startsWith('image/')) return entry;
  if (entry.startsWith('system/storage/')) return `storage/${entry.slice(15)}`;
  return `extension/${code}/${entry}`;
}

/** 3.0: route "extension/module/x" → class "Controller" + the route without non-alphanumerics (case-insensitive). */
const oc3Class = (route: string) => `Controller${route.replace(/[^a-zA-Z0-9]/g, '')}`.toLowerCase();
/** 4.x: str_replace(['_', '/'], ['', '\\'], ucwords($route, '_/')). */
const oc4Class = (route: string) =>
  `Opencart\\Admin\\Controller\\${route
    .replace(/(^|[_/])([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase())
    .replace(/_/g, '')
    .replace(/\//g, '\\')}`;

const packages = {} as Record<Line, { file: string; entries: ZipEntry[]; names: string[]; text: (name: string) => string }>;
let dir: string;

beforeAll(async () => {
  await buildBundle();
  dir = mkdtempSync(join(tmpdir(), 'ocsd-pack-'));
  for (const line of LINES) {
    const file = join(dir, line, PACKAGE_NAME);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, writeZip(packageEntries(line)));
    const entries = readZip(await import('node:fs').then((fs) => fs.readFileSync(file)));
    packages[line] = {
      file,
      entries,
      names: entries.map((e) => e.name),
      text: (name) => {
        const entry = entries.find((e) => e.name === name);
        if (!entry) throw new Error(`${line} package has no ${name}`);
        return entry.data.toString('utf8');
      },
    };
  }
});

describe('OpenCart 3.0.x package', () => {
  it('is a .ocmod.zip with install.xml and everything else under upload/', () => {
    const p = packages['3.0'];
    expect(p.file.endsWith('.ocmod.zip')).toBe(true);
    expect(p.names[0]).toBe('install.xml');
    expect(p.names.slice(1).every((n) => n.startsWith('upload/'))).toBe(true);
    expect(p.names.some((n) => n.endsWith('/'))).toBe(false);
  });

  it('writes only where the 3.0 installer allows', () => {
    const rejected = packages['3.0'].names
      .filter((n) => n.startsWith('upload/'))
      .map((n) => n.slice(7))
      .filter((d) => !oc3Safe(d));
    expect(rejected).toEqual([]);
  });

  it('has an install.xml with name, code, version, author and link, and no file operations', () => {
    const xml = packages['3.0'].text('install.xml');
    for (const tag of ['name', 'code', 'version', 'author', 'link']) expect(xml).toMatch(new RegExp(`<${tag}>[^<]+</${tag}>`));
    expect(xml).toContain(`<code>${CODE}</code>`);
    expect(xml).toMatch(/<version>\d+\.\d+\.\d+<\/version>/);
    expect(xml).not.toContain('<file');
  });

  it('follows the 3.0 module layout, class name, user_token and route separator', () => {
    const p = packages['3.0'];
    const route = `extension/module/${CODE}`;
    for (const f of [`admin/controller/${route}.php`, `admin/language/en-gb/${route}.php`, `admin/view/template/${route}.twig`])
      expect(p.names).toContain(`upload/${f}`);
    const controller = p.text(`upload/admin/controller/${route}.php`);
    const declared = /class\s+(\w+)\s+extends\s+Controller\b/.exec(controller)?.[1];
    expect(declared?.toLowerCase()).toBe(oc3Class(route));
    expect(controller).not.toMatch(/^\s*namespace\s/m);
    expect(controller).toContain("'user_token=' . $this->session->data['user_token']");
    expect(controller).toContain("self::ROUTE . '/api'");
    expect(controller).toContain("'admin/controller/common/header/before', self::ROUTE . '/onAdminVisit'");
    expect(controller).toMatch(/editSetting\('module_' \. self::CODE/);
    expect(controller).toMatch(/hasPermission\('modify', 'extension\/extension\/module'\)/);
    // The script path the controller adds exists in the package (relative to admin/).
    const script = /addScript\('([^']+)'\)/.exec(controller)?.[1];
    expect(p.names).toContain(`upload/admin/${script}`);
    expect(p.text(`upload/admin/${script}`).length).toBeGreaterThan(1000);
  });

  it('ships the shared library where the controller loads it', () => {
    const controller = packages['3.0'].text(`upload/admin/controller/extension/module/${CODE}.php`);
    expect(controller).toContain(`DIR_SYSTEM . 'library/${CODE}/autoload.php'`);
    expect(packages['3.0'].names).toContain(`upload/system/library/${CODE}/autoload.php`);
  });
});

describe('OpenCart 4.x package', () => {
  it('is <code>.ocmod.zip with install.json at the root and no upload/ folder', () => {
    const p = packages['4.x'];
    expect(p.file.endsWith(`/${CODE}.ocmod.zip`)).toBe(true);
    expect(p.names[0]).toBe('install.json');
    expect(p.names.some((n) => n.startsWith('upload/'))).toBe(false);
    expect(p.names.some((n) => n.endsWith('/'))).toBe(false);
  });

  it('has an install.json with name, version, author and link (4.0.2 refuses a package without them)', () => {
    const info = JSON.parse(packages['4.x'].text('install.json'));
    for (const key of ['name', 'version', 'author', 'link']) expect(typeof info[key] === 'string' && info[key].length > 0).toBe(true);
    expect(info.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('unpacks entirely into extension/<code>/', () => {
    expect(packages['4.x'].names.map((n) => oc4Destination(CODE, n)).every((d) => d.startsWith(`extension/${CODE}/`))).toBe(true);
  });

  it('follows the 4.x module layout, namespace, user_token, route separator and events', () => {
    const p = packages['4.x'];
    for (const f of [`admin/controller/module/${CODE}.php`, `admin/language/en-gb/module/${CODE}.php`, `admin/view/template/module/${CODE}.twig`])
      expect(p.names).toContain(f);
    const controller = p.text(`admin/controller/module/${CODE}.php`);
    const namespace = /^namespace\s+([\w\\]+);/m.exec(controller)?.[1];
    const klass = /^class\s+(\w+)\s+extends\s+\\Opencart\\System\\Engine\\Controller\b/m.exec(controller)?.[1];
    expect(`${namespace}\\${klass}`).toBe(oc4Class(`extension/${CODE}/module/${CODE}`));
    expect(controller).toContain("version_compare(VERSION, '4.0.2.0', '>=') ? '.' : '|'");
    expect(controller).toContain("version_compare(VERSION, '4.0.1.0', '>=')");
    expect(controller).toContain("'user_token=' . $this->session->data['user_token']");
    expect(controller).toMatch(/hasPermission\('modify', 'extension\/module'\)/);
    expect(controller).toContain(`DIR_EXTENSION . '${CODE}/system/library/${CODE}/autoload.php'`);
    const script = /addScript\('\.\.\/extension\/([^']+)'\)/.exec(controller)?.[1];
    expect(script?.startsWith(`${CODE}/`)).toBe(true);
    expect(p.names).toContain(script!.slice(CODE.length + 1));
  });
});

describe('both packages', () => {
  it('carry the same shared library and bundle', () => {
    const lib = (line: Line, prefix: string) =>
      packages[line].entries.filter((e) => e.name.startsWith(prefix)).map((e) => [e.name.slice(prefix.length), e.data.toString('base64')]);
    expect(lib('3.0', `upload/system/library/${CODE}/`)).toEqual(lib('4.x', `system/library/${CODE}/`));
    expect(packages['3.0'].text(`upload/admin/view/javascript/${CODE}/support-desk.js`)).toBe(packages['4.x'].text('admin/view/javascript/support-desk.js'));
  });

  it('shell templates only mount the UI: no markup from data without escaping', () => {
    for (const [line, name] of [
      ['3.0', `upload/admin/view/template/extension/module/${CODE}.twig`],
      ['4.x', `admin/view/template/module/${CODE}.twig`],
    ] as const) {
      const twig = packages[line].text(name);
      expect(twig).toContain('id="oc-support-desk"');
      expect(twig).toContain('data-endpoint="{{ endpoint|e(\'html_attr\') }}"');
      expect(twig).not.toMatch(/<script/);
    }
  });
});

describe.skipIf(!hasPhp)(hasPhp ? 'shipped PHP' : NO_PHP_MESSAGE, () => {
  it('parses, and the 3.0 package has no PHP 7.4+ or 8.x syntax or functions', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ocsd-php-'));
    const files: Record<Line, string[]> = { '3.0': [], '4.x': [] };
    for (const line of LINES) {
      for (const entry of packages[line].entries.filter((e) => e.name.endsWith('.php'))) {
        const path = join(root, line, entry.name);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, entry.data);
        files[line].push(path);
      }
    }
    const result = await runPhpJson<Record<string, string[]>>([join(PHP_DIR, 'compat73.php'), ...files['3.0'], ...files['4.x']]);
    const problems3 = Object.fromEntries(files['3.0'].map((f) => [f.slice(root.length), result[f]]).filter(([, p]) => (p as string[]).length));
    expect(problems3).toEqual({});
    // 4.x needs PHP 8.0+: syntax only.
    const syntax4 = files['4.x'].flatMap((f) => result[f]!.filter((p) => p.startsWith('syntax')));
    expect(syntax4).toEqual([]);
  });

  it('the PHP 7.3 scan finds what PHP 7.3 cannot run', async () => {
    const result = await runPhpJson<Record<string, string[]>>([join(PHP_DIR, 'compat73.php'), join(PHP_DIR, 'php8-sample.txt')]);
    const found = Object.values(result)[0]!.join('\n');
    for (const what of [
      'typed property',
      'constructor property promotion',
      'union type',
      'match',
      'nullsafe',
      'arrow function',
      '??=',
      'str_contains',
      'named argument',
      'numeric literal separator',
      'union return type',
    ]) {
      expect(found).toContain(what);
    }
  });
});
