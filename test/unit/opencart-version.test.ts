import { describe, expect, it } from 'vitest';
import {
  compareParts,
  compareVersions,
  opencartLine,
  opencartParts,
  parseOpencartLine,
  parseVersion,
  VersionErrorCode,
} from '../../server/modules/platform/opencart-version';

describe("parseVersion: the VERSION constant (\"define('VERSION', '3.0.4.0')\")", () => {
  it.each([
    ['1.5.4.1', [1, 5, 4, 1], '1.5.4.1'],
    ['2.3.0.2', [2, 3, 0, 2], '2.3.0.2'],
    ['3.0.4.0', [3, 0, 4, 0], '3.0.4.0'],
    ['4.1.0.4', [4, 1, 0, 4], '4.1.0.4'],
    ['4.0.2.3', [4, 0, 2, 3], '4.0.2.3'],
    ['1.5.4', [1, 5, 4], '1.5.4'],
    ['2.1.0.1.1', [2, 1, 0, 1, 1], '2.1.0.1.1'], // ocStore's 5-part
    ['1.5.10', [1, 5, 10], '1.5.10'],
    ['  3.0.3.8  ', [3, 0, 3, 8], '3.0.3.8'], // surrounding spaces
    ['\t4.0.2.3\n', [4, 0, 2, 3], '4.0.2.3'],
    ['v3.0.4.0', [3, 0, 4, 0], '3.0.4.0'], // 'v' prefix
    ['V4.1.0.4', [4, 1, 0, 4], '4.1.0.4'],
    [' v 2.3.0.2 ', [2, 3, 0, 2], '2.3.0.2'],
    ['03.00.04.00', [3, 0, 4, 0], '3.0.4.0'], // leading zeros are still numbers
  ])('parses %j into %j', (input, parts, normalised) => {
    const result = parseVersion(input);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.version.parts).toEqual(parts);
    expect(result.version.normalised).toBe(normalised);
    expect(result.version.raw).toBe(input);
  });

  it.each([
    ['', VersionErrorCode.EMPTY],
    ['   ', VersionErrorCode.EMPTY],
    ['v', VersionErrorCode.EMPTY],
    [null, VersionErrorCode.EMPTY],
    [undefined, VersionErrorCode.EMPTY],
    ['abc', VersionErrorCode.INVALID_FORMAT],
    ['3.0.x', VersionErrorCode.INVALID_FORMAT],
    ['3.0.4.0_rc1', VersionErrorCode.INVALID_FORMAT],
    ['3.0 .4.0', VersionErrorCode.INVALID_FORMAT], // a space inside
    ['3..4.0', VersionErrorCode.INVALID_FORMAT],
    ['.3.0.4', VersionErrorCode.INVALID_FORMAT],
    ['3.0.4.', VersionErrorCode.INVALID_FORMAT],
    ['-1.5.4', VersionErrorCode.INVALID_FORMAT],
    ['1.5.4.0.0.1', VersionErrorCode.TOO_MANY_PARTS],
    ['3', VersionErrorCode.TOO_FEW_PARTS],
    ['1.1234567', VersionErrorCode.INVALID_FORMAT], // absurdly long part
    ["define('VERSION', '3.0.4.0');", VersionErrorCode.INVALID_FORMAT],
  ])('rejects %j with %s (an error value, not an exception)', (input, code) => {
    const result = parseVersion(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe(code);
    expect(result.message.length).toBeGreaterThan(10);
  });
});

describe('compareVersions: numeric part by part, missing parts = 0', () => {
  it.each([
    ['1.5.4', '1.5.4.0', 0],
    ['1.5.4.0', '1.5.4', 0],
    ['1.5', '1.5.0.0', 0],
    ['v3.0.4.0', ' 3.0.4.0 ', 0],
    ['1.5.10', '1.5.4', 1], // numeric, not lexicographic
    ['1.5.4', '1.5.10', -1],
    ['1.5.3.1', '1.5.4', -1],
    ['1.5.4.1', '1.5.4', 1],
    ['2.0.0.0', '1.5.6.4', 1],
    ['3.0.3.9', '3.0.4.0', -1],
    ['4.0.10.0', '4.0.2.0', 1],
    ['2.1.0.1.1', '2.1.0.1', 1], // a fifth part counts in a plain comparison
    ['2.1.0.1.0', '2.1.0.1', 0],
  ])('%s vs %s → %i', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
    // Antisymmetric: swapping the sides flips the sign.
    expect(compareVersions(b, a)).toBe(expected === 0 ? 0 : -expected);
  });

  it.each([
    ['garbage', '1.5.4'],
    ['1.5.4', ''],
    ['3.0.x', '3.0.0.0'],
  ])('returns null when %j or %j is not a version', (a, b) => {
    expect(compareVersions(a, b)).toBeNull();
  });

  it('accepts parsed versions and part arrays', () => {
    const parsed = parseVersion('1.5.4.1');
    if (!parsed.ok) throw new Error('fixture');
    expect(compareVersions(parsed.version, [1, 5, 4])).toBe(1);
    expect(compareParts([1, 5], [1, 5, 0, 0])).toBe(0);
    expect(compareParts([1, 4, 9, 9], [1, 5])).toBe(-1);
  });
});

describe('opencartLine', () => {
  it.each([
    ['1.5.4.1', '1.5'],
    ['1.5.0', '1.5'],
    ['1.5.6.4', '1.5'],
    ['2.0.0.0', '2.x'],
    ['2.3.0.2', '2.x'],
    ['2.1.0.1.1', '2.x'], // ocStore 2.x
    ['3.0.0.0', '3.0'],
    ['3.0.4.0', '3.0'],
    ['4.0.0.0', '4.x'],
    ['4.1.0.4', '4.x'],
    ['v4.0.2.3', '4.x'],
  ])('%s is on the %s line', (version, line) => {
    expect(opencartLine(version)).toBe(line);
  });

  it.each([
    ['garbage'],
    [''],
    ['1.4.9.6'], // before 1.5: no supported line
    ['0.7.9'],
    ['5.0.0.0'],
  ])('%j → null', (version) => {
    expect(opencartLine(version)).toBeNull();
  });

  it('opencartParts keeps only the OpenCart part of an ocStore 5-part version', () => {
    expect(opencartParts('2.1.0.1.1')).toEqual([2, 1, 0, 1]);
    expect(opencartParts('1.5.4')).toEqual([1, 5, 4]);
    expect(opencartParts('nope')).toBeNull();
  });
});

describe('parseOpencartLine: an extension\'s "built for" label', () => {
  it.each([
    ['2.x', '2.x'],
    ['3.0', '3.0'],
    ['3.0.x', '3.0'],
    ['3.0.x.x', '3.0'],
    ['2.3', '2.x'],
    ['2.3.0.2', '2.x'],
    ['4', '4.x'],
    ['4.0.2.3', '4.x'],
    ['OC 3.0', '3.0'],
    ['OpenCart 4.x', '4.x'],
    ['1.5.x', '1.5'],
    [' v2.x ', '2.x'],
  ])('%j → %s', (label, line) => {
    expect(parseOpencartLine(label)).toBe(line);
  });

  it.each([[null], [undefined], [''], ['any'], ['1.4'], ['1'], ['5.x']])('%j → null', (label) => {
    expect(parseOpencartLine(label)).toBeNull();
  });
});
