// The environment detector, run by a real PHP interpreter against fixture trees that carry each
// port's real signals (constants, VERSION formats, tables answered by a fake DB handle).
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasPhp, NO_PHP_MESSAGE, PHP_DIR, runPhpJson } from './support/php';

const FIXTURES = resolve(import.meta.dirname, 'fixtures');

type Result = {
  platform: { platform: string; platformVersion: string | null; opencartVersion: string | null; line: string | null };
  environment: Record<string, any> & { extensions: Array<Record<string, string | null>> };
  withoutLog: string | null;
};

const results: Record<string, Result> = {};

describe.skipIf(!hasPhp)(hasPhp ? 'environment detector (PHP)' : NO_PHP_MESSAGE, () => {
  beforeAll(async () => {
    // One PHP process per fixture (constants cannot be undefined), all at once.
    const names = readdirSync(FIXTURES);
    const outputs = await Promise.all(names.map((n) => runPhpJson<Result>([join(PHP_DIR, 'detect.php'), join(FIXTURES, n)])));
    names.forEach((n, i) => (results[n] = outputs[i]!));
  });

  it.each([
    // fixture, platform, platformVersion, opencartVersion (VERSION as read), OpenCart line
    ['native-3.0', 'NATIVE', null, '3.0.4.0', '3.0'],
    ['native-4.0', 'NATIVE', null, '4.0.2.3', '4.x'],
    ['native-4.1', 'NATIVE', null, '4.1.0.3', '4.x'],
    ['mijoshop', 'MIJOSHOP', '3.0.7', '2.3.0.2', '2.x'],
    ['aceshop', 'ACESHOP', '1.5.4', '1.5.4.1', '1.5'],
    ['joocart', 'JOOCART', null, '2.0.3.1', '2.x'],
    ['jcart', 'JCART', null, '1.5.6.4', '1.5'],
    ['joomla-other', 'JOOMLA_OTHER', '4.4.3', '3.0.3.8', '3.0'],
    ['arastta', 'ARASTTA', '1.6.2', '1.6.2', null],
    ['ocstore-2', 'OCSTORE', '2.1.0.1.1', '2.1.0.1.1', '2.x'],
    ['ocstore-3', 'OCSTORE', '3.0.3.8', '3.0.3.8', '3.0'],
    ['other', 'OTHER', null, '1.0.0-custom', null],
  ])('%s is %s (port version %s, VERSION %s, line %s)', (fixture, platform, platformVersion, opencartVersion, line) => {
    const r = results[fixture]!;
    expect(r.platform).toMatchObject({ platform, platformVersion, opencartVersion, line });
    expect(r.environment.platform).toBe(platform);
    expect(r.environment.platformVersion).toBe(platformVersion);
    expect(r.environment.opencartVersion).toBe(opencartVersion);
  });

  it('rules Arastta out before reading its 3-part VERSION as an OpenCart version', () => {
    expect(results['arastta']!.platform.line).toBeNull();
  });

  it('reports PHP, web server, database server, store URL and admin language', () => {
    const env = results['native-3.0']!.environment;
    expect(env.phpVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(env.phpExtensions).toContain('json');
    expect(env.phpExtensions).toEqual([...env.phpExtensions].sort());
    expect(env.webServer).toBe('Apache/2.4.62 (Debian)');
    expect(env.databaseServer).toBe('MariaDB 10.11.6');
    expect(env.storeUrl).toBe('https://shop.example.com/');
    expect(env.adminLanguage).toBe('en-gb');
    expect(results['native-4.0']!.environment).toMatchObject({ databaseServer: 'MySQL 8.0.36', webServer: 'nginx/1.24.0', adminLanguage: 'en-gb' });
    expect(results['native-4.1']!.environment).toMatchObject({ storeUrl: 'https://shop41.example.com/', adminLanguage: 'de-de' });
  });

  it('lists 3.0 extensions and modifications, with signs of modules built for another line', () => {
    const byCode = Object.fromEntries(results['native-3.0']!.environment.extensions.map((e) => [`${e.kind}:${e.code}`, e]));
    expect(byCode['EXTENSION:module/account']).toMatchObject({ targetLine: null, evidence: null });
    expect(byCode['EXTENSION:module/legacy_slider']).toMatchObject({ targetLine: '2.x' });
    expect(byCode['EXTENSION:module/legacy_slider']!.evidence).toMatch(/\.tpl/);
    expect(byCode['EXTENSION:module/legacy_slider']!.evidence).toMatch(/without the "module_" prefix/);
    expect(byCode['EXTENSION:module/blog4']).toMatchObject({ targetLine: '4.x' });
    expect(byCode['MODIFICATION:legacy_slider']).toMatchObject({ name: 'Legacy Slider', version: '1.2', author: 'Slider Works', targetLine: '2.x' });
    expect(byCode['MODIFICATION:header_tweaks']).toMatchObject({ version: '3.0.1', author: 'Acme', targetLine: '3.0' });
  });

  it('lists 4.x extensions with their oc_extension_install version and author, and flags hand-copied 3.0 code', () => {
    const byCode = Object.fromEntries(results['native-4.0']!.environment.extensions.map((e) => [e.code, e]));
    expect(byCode['opencart/module/account']).toMatchObject({ targetLine: null, evidence: null });
    expect(byCode['acme_blog/module/blog']).toMatchObject({ name: 'Acme Blog', version: '2.1.0', author: 'Acme Ltd', targetLine: null, evidence: null });
    expect(byCode['handcopied/module/slider']).toMatchObject({ targetLine: '3.0' });
    expect(byCode['handcopied/module/slider']!.evidence).toMatch(/no oc_extension_install row/);
    expect(byCode['module/oldfeed']).toMatchObject({ targetLine: '3.0' });
    // 4.0 has no oc_modification table; 4.1 has it again.
    expect(results['native-4.0']!.environment.extensions.some((e) => e.kind === 'MODIFICATION')).toBe(false);
    const mods = results['native-4.1']!.environment.extensions.filter((e) => e.kind === 'MODIFICATION');
    expect(mods.map((m) => m.code)).toEqual(['menu_editor', 'old_checkout']);
    expect(mods[1]).toMatchObject({ targetLine: '3.0', version: null, author: null });
    expect(mods[1]!.evidence).toMatch(/disabled/);
  });

  it("reads tables with the port's own DB prefix", () => {
    expect(results['mijoshop']!.environment.extensions).toEqual([expect.objectContaining({ kind: 'EXTENSION', code: 'module/featured' })]);
  });

  it('sends the error log only when asked, with secrets redacted', () => {
    const r = results['native-3.0']!;
    expect(r.withoutLog).toBeNull();
    const log = r.environment.errorLogExcerpt as string;
    expect(log.split('\n')).toHaveLength(5);
    for (const secret of [
      'hunter2',
      'shopuser',
      'sk_live_51Habcdefghijklmnopqrstuv',
      'jane.doe@example.com',
      '4111 1111 1111 1111',
      'abcdefghijklmnop.qrstuvwxyz',
    ]) {
      expect(log).not.toContain(secret);
    }
    expect(log).toContain('/var/www/admin/view/template/extension/module/account.twig on line 20');
    expect(log).toContain('Bearer [redacted]');
    expect(results['native-4.0']!.environment.errorLogExcerpt).toBeNull();
  });
});
