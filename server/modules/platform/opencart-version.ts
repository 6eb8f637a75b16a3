// OpenCart version strings as read from the `VERSION` constant (index.php, admin/index.php).
// OpenCart uses four numeric parts ("3.0.4.0"); ocStore 1.5/2.x adds a fifth ("2.1.0.1.1").
// Old releases were also written with three ("1.5.4"). No I/O, no throwing on bad input.

export type OpencartLine = '1.5' | '2.x' | '3.0' | '4.x';

export const OPENCART_LINES: readonly OpencartLine[] = ['1.5', '2.x', '3.0', '4.x'];

export interface ParsedVersion {
  /** The input as given. */
  raw: string;
  /** Numeric parts, as written (2 to 5 of them). */
  parts: number[];
  /** Parts joined with dots, without prefix or whitespace: "v 3.0.4.0 " → "3.0.4.0". */
  normalised: string;
}

export enum VersionErrorCode {
  EMPTY = 'EMPTY',
  INVALID_FORMAT = 'INVALID_FORMAT',
  TOO_FEW_PARTS = 'TOO_FEW_PARTS',
  TOO_MANY_PARTS = 'TOO_MANY_PARTS',
}

export type VersionParseResult = { ok: true; version: ParsedVersion } | { ok: false; code: VersionErrorCode; message: string };

const MIN_PARTS = 2;
// Four for OpenCart, five for ocStore's own revision suffix.
const MAX_PARTS = 5;
// A part longer than this is not a version number (and would lose precision as a number).
const MAX_PART_DIGITS = 6;

/**
 * Parse a version string. Accepts surrounding whitespace and a "v"/"V" prefix
 * ("v3.0.4.0", " V 4.1.0.4 "); rejects anything else that is not dot-separated digits
 * (suffixes such as "_rc1", inner spaces, empty parts).
 */
export function parseVersion(input: string | null | undefined): VersionParseResult {
  const raw = input ?? '';
  const trimmed = raw.trim().replace(/^v\s*/i, '');
  if (trimmed === '') {
    return { ok: false, code: VersionErrorCode.EMPTY, message: 'No version was given.' };
  }
  if (!/^\d+(\.\d+)*$/.test(trimmed)) {
    return {
      ok: false,
      code: VersionErrorCode.INVALID_FORMAT,
      message: `"${raw}" is not a version number: expected digits separated by dots, such as 3.0.4.0.`,
    };
  }
  const pieces = trimmed.split('.');
  if (pieces.length < MIN_PARTS) {
    return {
      ok: false,
      code: VersionErrorCode.TOO_FEW_PARTS,
      message: `"${raw}" has only one part; an OpenCart version has at least two, such as 1.5 or 3.0.4.0.`,
    };
  }
  if (pieces.length > MAX_PARTS) {
    return {
      ok: false,
      code: VersionErrorCode.TOO_MANY_PARTS,
      message: `"${raw}" has ${pieces.length} parts; OpenCart uses 4 and ocStore at most 5.`,
    };
  }
  if (pieces.some((p) => p.length > MAX_PART_DIGITS)) {
    return {
      ok: false,
      code: VersionErrorCode.INVALID_FORMAT,
      message: `"${raw}" has a part longer than ${MAX_PART_DIGITS} digits.`,
    };
  }
  const parts = pieces.map((p) => Number.parseInt(p, 10));
  return { ok: true, version: { raw, parts, normalised: parts.join('.') } };
}

/** Compare two part lists numerically, part by part; a missing part counts as 0. */
export function compareParts(a: readonly number[], b: readonly number[]): -1 | 0 | 1 {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * Compare two versions: -1 when a < b, 0 when equal ("1.5.4" == "1.5.4.0"), 1 when a > b
 * ("1.5.10" > "1.5.4"). null when either side is not a version, so garbage never
 * silently sorts as "old" or "new".
 */
export function compareVersions(a: VersionLike, b: VersionLike): -1 | 0 | 1 | null {
  const pa = toParts(a);
  const pb = toParts(b);
  if (pa === null || pb === null) return null;
  return compareParts(pa, pb);
}

/**
 * The OpenCart part of a version: the first four parts. ocStore 1.5/2.x appends its own
 * fifth part ("2.1.0.1.1"), which says nothing about the OpenCart code underneath.
 */
export function opencartParts(version: VersionLike): number[] | null {
  const parts = toParts(version);
  return parts === null ? null : parts.slice(0, 4);
}

/**
 * The release line a version belongs to. null when the string is not a version, or when it
 * is outside the four lines the service knows (1.4.x and older, a future 5.x).
 */
export function opencartLine(version: VersionLike): OpencartLine | null {
  const parts = toParts(version);
  if (parts === null) return null;
  const [major, minor] = parts;
  if (major === 1) return minor === 5 ? '1.5' : null;
  if (major === 2) return '2.x';
  // 3.1 never shipped as a release; anything 3.x is built on the 3.0 code base.
  if (major === 3) return '3.0';
  if (major === 4) return '4.x';
  return null;
}

/**
 * Read a line label as written on an extension's page or in its install.xml/install.json:
 * "2.x", "3.0.x", "2.3", "4.0.2.3", "OC 3.0", "3". null when it names no known line.
 */
export function parseOpencartLine(label: string | null | undefined): OpencartLine | null {
  if (label == null) return null;
  const cleaned = label
    .trim()
    .replace(/^(opencart|oc)\s*/i, '')
    .replace(/^v\s*/i, '')
    .replace(/(\.x)+$/i, '');
  if ((OPENCART_LINES as readonly string[]).includes(cleaned)) return cleaned as OpencartLine;
  // A bare major ("2", "4") is a line label, but parseVersion wants two parts.
  const candidate = /^\d+$/.test(cleaned) ? `${cleaned}.0` : cleaned;
  return opencartLine(candidate);
}

type VersionLike = string | ParsedVersion | readonly number[];

function toParts(v: VersionLike): number[] | null {
  if (Array.isArray(v)) return [...(v as readonly number[])];
  if (typeof v !== 'string') return (v as ParsedVersion).parts;
  const parsed = parseVersion(v);
  return parsed.ok ? parsed.version.parts : null;
}
