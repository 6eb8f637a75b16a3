import { describe, expect, it } from 'vitest';
import {
  assessPlatform,
  Platform,
  PlatformFlag,
  PortDecision,
  validatePortDecision,
  type ExtensionInfo,
  type PlatformEnvironment,
} from '../../server/modules/platform/platform-rules';

const env = (over: Partial<PlatformEnvironment>): PlatformEnvironment => ({
  opencartVersion: '3.0.4.0',
  platform: Platform.NATIVE,
  platformVersion: null,
  extensions: [],
  ...over,
});

const ext = (code: string, targetLine: string | null): ExtensionInfo => ({ code, name: `Module ${code}`, targetLine });

describe('"We also will not be able to guarantee support fixes for ... OpenCart versions <1.5.4.x"', () => {
  it.each([
    // version, legacy?
    ['1.4.9.6', true],
    ['1.5.0', true],
    ['1.5.3.1', true],
    ['1.5.3.9', true],
    ['1.5.4', false], // 1.5.4 == 1.5.4.0: not below 1.5.4.x
    ['1.5.4.0', false],
    ['1.5.4.1', false],
    ['1.5.10', false], // numeric comparison: 10 > 4
    ['1.5.6.4', false],
    ['2.3.0.2', false],
    ['3.0.4.0', false],
    ['4.1.0.4', false],
    [' v1.5.3.1 ', true],
  ])('native OpenCart %s → legacy %s', (version, legacy) => {
    const a = assessPlatform(env({ opencartVersion: version }));
    expect(a.flags.includes(PlatformFlag.LEGACY_VERSION)).toBe(legacy);
    expect(a.fixGuaranteed).toBe(!legacy);
    expect(a.needsStaffDecision).toBe(false);
    expect(a.reasons.some((r) => r.includes('1.5.4'))).toBe(legacy);
  });

  it.each([[null], [''], ['unknown'], ['3.0.x']])('an unknown/unreadable version %j is flagged UNKNOWN_VERSION, not treated as legacy', (version) => {
    const a = assessPlatform(env({ opencartVersion: version }));
    expect(a.flags).toEqual([PlatformFlag.UNKNOWN_VERSION]);
    expect(a.line).toBeNull();
    expect(a.opencartVersion).toBeNull();
    // The policy only withdraws guarantees for versions shown to be < 1.5.4.
    expect(a.fixGuaranteed).toBe(true);
  });
});

describe('"We also cannot provide fixes if client has installed a wrong version of the module"', () => {
  it.each([
    // store version, extension target, wrong?
    ['3.0.4.0', '2.x', true], // the policy's example: a module for 2.x
    ['3.0.4.0', '2.3', true],
    ['3.0.4.0', '3.0.x', false],
    ['3.0.4.0', '3.0', false],
    ['3.0.4.0', '4.x', true],
    ['4.0.2.3', '4.x', false],
    ['4.0.2.3', '3.0', true],
    ['2.3.0.2', '2.x', false],
    ['2.3.0.2', '1.5.x', true],
    ['1.5.6.4', '1.5', false],
  ])('store %s with a module built for %s → wrong %s', (version, target, wrong) => {
    const a = assessPlatform(env({ opencartVersion: version, extensions: [ext('mod_a', target)] }));
    expect(a.flags.includes(PlatformFlag.WRONG_MODULE_VERSION)).toBe(wrong);
    expect(a.wrongVersionExtensions).toEqual(wrong ? ['mod_a'] : []);
    expect(a.fixGuaranteed).toBe(!wrong);
  });

  it('lists every mismatching module and ignores those without a (readable) target', () => {
    const a = assessPlatform(
      env({
        opencartVersion: '3.0.3.8',
        extensions: [ext('ok', '3.0.x'), ext('old', '2.x'), ext('none', null), ext('blank', ' '), ext('odd', 'any'), ext('new', '4.0')],
      }),
    );
    expect(a.wrongVersionExtensions).toEqual(['old', 'new']);
    expect(a.reasons.filter((r) => r.includes('built for'))).toHaveLength(2);
  });

  it('cannot judge module targets when the store version is unknown', () => {
    const a = assessPlatform(env({ opencartVersion: null, extensions: [ext('m', '2.x')] }));
    expect(a.wrongVersionExtensions).toEqual([]);
    expect(a.flags).not.toContain(PlatformFlag.WRONG_MODULE_VERSION);
  });

  it('legacy version and wrong module together: both flags, no fix guarantee', () => {
    const a = assessPlatform(env({ opencartVersion: '1.5.3.1', extensions: [ext('m', '2.x')] }));
    expect(a.flags).toEqual(expect.arrayContaining([PlatformFlag.LEGACY_VERSION, PlatformFlag.WRONG_MODULE_VERSION]));
    expect(a.fixGuaranteed).toBe(false);
  });
});

describe('"Support for MijoShop, AceShop, JooCart, Arastta and other non-native OpenCart ports": deny or surcharge', () => {
  it.each([
    [Platform.MIJOSHOP],
    [Platform.ACESHOP],
    [Platform.JOOCART],
    [Platform.JCART],
    [Platform.JOOMLA_OTHER],
    [Platform.ARASTTA],
    [Platform.OCSTORE],
    [Platform.OTHER],
  ])('%s needs a staff decision', (platform) => {
    const a = assessPlatform(env({ platform, opencartVersion: '2.3.0.2' }));
    expect(a.flags).toContain(PlatformFlag.NON_NATIVE_PORT);
    expect(a.needsStaffDecision).toBe(true);
  });

  it('native OpenCart needs no staff decision', () => {
    const a = assessPlatform(env({ platform: Platform.NATIVE }));
    expect(a.flags).toEqual([]);
    expect(a.needsStaffDecision).toBe(false);
    expect(a.line).toBe('3.0');
  });

  it('MijoShop: VERSION is a hard-coded OpenCart version and is compared', () => {
    const a = assessPlatform(env({ platform: Platform.MIJOSHOP, opencartVersion: '1.5.3.1', platformVersion: '3.0.0' }));
    expect(a.flags).toEqual(expect.arrayContaining([PlatformFlag.NON_NATIVE_PORT, PlatformFlag.LEGACY_VERSION]));
    expect(a.fixGuaranteed).toBe(false);
  });

  it.each([
    // Arastta's own numbers look "older" than 1.5.4 but are not OpenCart versions.
    ['1.0.3'],
    ['1.1.0'],
    ['1.2.1'],
    ['1.6.2'],
  ])("Arastta's VERSION %s is never compared to 1.5.4", (version) => {
    const a = assessPlatform(env({ platform: Platform.ARASTTA, opencartVersion: version, platformVersion: version }));
    // Its OpenCart base version is simply not known.
    expect(a.flags).toEqual([PlatformFlag.NON_NATIVE_PORT, PlatformFlag.UNKNOWN_VERSION]);
    expect(a.fixGuaranteed).toBe(true);
    expect(a.needsStaffDecision).toBe(true);
    expect(a.line).toBeNull();
    expect(a.opencartVersion).toBeNull();
    expect(a.reasons.join(' ')).toMatch(/Arastta/);
  });

  it.each([
    // ocStore 5-part VERSION: only the first four parts are OpenCart.
    ['1.5.3.1.2', true, '1.5', '1.5.3.1'],
    ['1.5.4.1.2', false, '1.5', '1.5.4.1'],
    ['1.5.5.1.2', false, '1.5', '1.5.5.1'],
    ['2.1.0.1.1', false, '2.x', '2.1.0.1'],
    ['3.0.3.7', false, '3.0', '3.0.3.7'], // ocStore 3.x uses OpenCart's own VERSION
  ])('ocStore %s → legacy %s, line %s, compared as OpenCart %s', (version, legacy, line, compared) => {
    const a = assessPlatform(env({ platform: Platform.OCSTORE, opencartVersion: version }));
    expect(a.flags.includes(PlatformFlag.LEGACY_VERSION)).toBe(legacy);
    expect(a.line).toBe(line);
    expect(a.opencartVersion).toBe(compared);
    expect(a.flags).toContain(PlatformFlag.NON_NATIVE_PORT);
  });

  it('ocStore with the 5-part version only in platformVersion still gets its OpenCart line', () => {
    const a = assessPlatform(env({ platform: Platform.OCSTORE, opencartVersion: null, platformVersion: '2.1.0.1.1', extensions: [ext('m', '3.0')] }));
    expect(a.line).toBe('2.x');
    expect(a.wrongVersionExtensions).toEqual(['m']);
    expect(a.flags).not.toContain(PlatformFlag.UNKNOWN_VERSION);
  });
});

describe('validatePortDecision: "deny support or offer support at a surcharge"', () => {
  it.each([
    [PortDecision.ACCEPT, undefined, null],
    [PortDecision.ACCEPT, null, null],
    [PortDecision.DENY, null, null],
    [PortDecision.ACCEPT_WITH_SURCHARGE, 2500, 2500],
    [PortDecision.ACCEPT_WITH_SURCHARGE, 1, 1],
  ])('%s with amount %j is valid (amount %j)', (decision, surchargeAmount, amount) => {
    const r = validatePortDecision({ decision, surchargeAmount });
    expect(r).toEqual({ ok: true, decision, surchargeAmountMinor: amount });
  });

  it.each([
    [PortDecision.ACCEPT_WITH_SURCHARGE, null, 'SURCHARGE_REQUIRED'],
    [PortDecision.ACCEPT_WITH_SURCHARGE, undefined, 'SURCHARGE_REQUIRED'],
    [PortDecision.ACCEPT_WITH_SURCHARGE, 0, 'INVALID_SURCHARGE'],
    [PortDecision.ACCEPT_WITH_SURCHARGE, -100, 'INVALID_SURCHARGE'],
    [PortDecision.ACCEPT_WITH_SURCHARGE, 25.5, 'INVALID_SURCHARGE'], // minor units are whole
    [PortDecision.ACCEPT_WITH_SURCHARGE, Number.NaN, 'INVALID_SURCHARGE'],
    [PortDecision.ACCEPT_WITH_SURCHARGE, Number.POSITIVE_INFINITY, 'INVALID_SURCHARGE'],
    [PortDecision.ACCEPT, 2500, 'SURCHARGE_NOT_ALLOWED'],
    [PortDecision.ACCEPT, 0, 'SURCHARGE_NOT_ALLOWED'],
    [PortDecision.DENY, 100, 'SURCHARGE_NOT_ALLOWED'],
    ['MAYBE' as PortDecision, null, 'UNKNOWN_DECISION'],
  ])('%s with amount %j is refused with %s', (decision, surchargeAmount, code) => {
    const r = validatePortDecision({ decision, surchargeAmount });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe(code);
  });
});
