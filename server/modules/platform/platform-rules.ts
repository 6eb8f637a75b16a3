// Policy: "We also will not be able to guarantee support fixes for badly/poorly coded modules
// or OpenCart versions <1.5.4.x. We also cannot provide fixes if client has installed a wrong
// version of the module" and "Support for MijoShop, AceShop, JooCart, Arastta and other
// non-native OpenCart ports ... we reserve the right to deny support or offer support at a
// surcharge."

import { compareParts, opencartLine, parseOpencartLine, parseVersion, type OpencartLine } from './opencart-version';

export enum Platform {
  NATIVE = 'NATIVE',
  MIJOSHOP = 'MIJOSHOP',
  ACESHOP = 'ACESHOP',
  JOOCART = 'JOOCART',
  JCART = 'JCART',
  JOOMLA_OTHER = 'JOOMLA_OTHER',
  ARASTTA = 'ARASTTA',
  OCSTORE = 'OCSTORE',
  OTHER = 'OTHER',
}

export const PLATFORM_LABELS: Record<Platform, string> = {
  [Platform.NATIVE]: 'OpenCart',
  [Platform.MIJOSHOP]: 'MijoShop (Joomla)',
  [Platform.ACESHOP]: 'AceShop (Joomla)',
  [Platform.JOOCART]: 'JooCart (Joomla)',
  [Platform.JCART]: 'JCart (Joomla)',
  [Platform.JOOMLA_OTHER]: 'Another Joomla port of OpenCart',
  [Platform.ARASTTA]: 'Arastta',
  [Platform.OCSTORE]: 'ocStore',
  [Platform.OTHER]: 'Another OpenCart port or fork',
};

export enum PlatformFlag {
  /** OpenCart < 1.5.4: fix not guaranteed (the reply time stays guaranteed). */
  LEGACY_VERSION = 'LEGACY_VERSION',
  /** Not pure OpenCart: staff decide to accept, accept with a surcharge, or deny. */
  NON_NATIVE_PORT = 'NON_NATIVE_PORT',
  /** A module built for another OpenCart line: fix not guaranteed. */
  WRONG_MODULE_VERSION = 'WRONG_MODULE_VERSION',
  /** The OpenCart version could not be established. */
  UNKNOWN_VERSION = 'UNKNOWN_VERSION',
  /** Staff found a badly/poorly coded module involved: fix not guaranteed. */
  POORLY_CODED_MODULE = 'POORLY_CODED_MODULE',
}

/** The flags that withdraw the fix guarantee ("We also will not be able to guarantee support fixes for ..."). */
export const FIX_WITHDRAWING_FLAGS: readonly PlatformFlag[] = [
  PlatformFlag.LEGACY_VERSION,
  PlatformFlag.WRONG_MODULE_VERSION,
  PlatformFlag.POORLY_CODED_MODULE,
];

export function fixGuaranteedWith(flags: readonly PlatformFlag[]): boolean {
  return !flags.some((f) => FIX_WITHDRAWING_FLAGS.includes(f));
}

export interface ExtensionInfo {
  code: string;
  name: string;
  version?: string | null;
  /** The OpenCart line the extension appears built for, e.g. '2.x'. */
  targetLine?: string | null;
}

export interface PlatformEnvironment {
  /** The VERSION constant as read from the store (for Arastta: Arastta's own number). */
  opencartVersion: string | null;
  platform: Platform;
  /** The port's own version (Joomla component, Arastta, ocStore build), if known. */
  platformVersion?: string | null;
  extensions: ExtensionInfo[];
}

export interface PlatformAssessment {
  flags: PlatformFlag[];
  /** The policy withdraws only the fix guarantee for these stores, never the reply time. */
  fixGuaranteed: boolean;
  needsStaffDecision: boolean;
  /** Codes of the extensions built for another OpenCart line. */
  wrongVersionExtensions: string[];
  /** The OpenCart version compared (4 parts at most: ocStore's fifth is dropped), when known. */
  opencartVersion: string | null;
  /** The OpenCart line compared against, when known. */
  line: OpencartLine | null;
  reasons: string[];
}

/** The first version whose fixes the policy guarantees ("<1.5.4.x" is excluded). */
export const MIN_GUARANTEED_VERSION: readonly number[] = [1, 5, 4, 0];

export function isNonNativePort(platform: Platform): boolean {
  return platform !== Platform.NATIVE;
}

export function assessPlatform(env: PlatformEnvironment): PlatformAssessment {
  const flags = new Set<PlatformFlag>();
  const reasons: string[] = [];

  if (isNonNativePort(env.platform)) {
    flags.add(PlatformFlag.NON_NATIVE_PORT);
    reasons.push(`${PLATFORM_LABELS[env.platform]} is not a pure OpenCart version: support may be denied or offered at a surcharge; staff decide.`);
  }

  const ocParts = opencartPartsFor(env, reasons);
  let line: OpencartLine | null = null;
  if (ocParts === null) {
    flags.add(PlatformFlag.UNKNOWN_VERSION);
  } else {
    line = opencartLine(ocParts);
    if (compareParts(ocParts, MIN_GUARANTEED_VERSION) < 0) {
      flags.add(PlatformFlag.LEGACY_VERSION);
      reasons.push(`OpenCart ${ocParts.join('.')} is older than 1.5.4: a fix cannot be guaranteed (the reply time still is).`);
    }
  }

  const wrongVersionExtensions: string[] = [];
  for (const ext of env.extensions) {
    if (ext.targetLine == null || ext.targetLine.trim() === '') continue;
    const target = parseOpencartLine(ext.targetLine);
    // An unreadable target or an unknown store line is not evidence of a mismatch.
    if (target === null || line === null) continue;
    if (target !== line) {
      wrongVersionExtensions.push(ext.code);
      reasons.push(`Module "${ext.name}" (${ext.code}) is built for OpenCart ${target} but the store runs ${line}: a fix cannot be guaranteed.`);
    }
  }
  if (wrongVersionExtensions.length > 0) flags.add(PlatformFlag.WRONG_MODULE_VERSION);

  const legacy = flags.has(PlatformFlag.LEGACY_VERSION);
  return {
    flags: [...flags],
    fixGuaranteed: !legacy && wrongVersionExtensions.length === 0,
    needsStaffDecision: flags.has(PlatformFlag.NON_NATIVE_PORT),
    wrongVersionExtensions,
    opencartVersion: ocParts === null ? null : ocParts.join('.'),
    line,
    reasons,
  };
}

// The OpenCart version to compare, or null with a reason saying why it is unknown.
function opencartPartsFor(env: PlatformEnvironment, reasons: string[]): number[] | null {
  if (env.platform === Platform.ARASTTA) {
    // Arastta's VERSION is its own numbering (e.g. 1.6.2), not an OpenCart version.
    reasons.push('Arastta reports its own version number, not an OpenCart version: it is not compared with OpenCart 1.5.4.');
    return null;
  }
  let source = env.opencartVersion;
  if ((source == null || source.trim() === '') && env.platform === Platform.OCSTORE) {
    // ocStore 1.5/2.x: its 5-part VERSION is the only version there is.
    source = env.platformVersion ?? null;
  }
  if (source == null || source.trim() === '') {
    reasons.push('The OpenCart version is unknown.');
    return null;
  }
  const parsed = parseVersion(source);
  if (!parsed.ok) {
    reasons.push(`The OpenCart version could not be read: ${parsed.message}`);
    return null;
  }
  // A fifth part is ocStore's own revision; the first four are the OpenCart version.
  return parsed.version.parts.slice(0, 4);
}

export enum PortDecision {
  ACCEPT = 'ACCEPT',
  ACCEPT_WITH_SURCHARGE = 'ACCEPT_WITH_SURCHARGE',
  DENY = 'DENY',
}

export type PortDecisionValidation =
  | { ok: true; decision: PortDecision; surchargeAmountMinor: number | null }
  | {
      ok: false;
      code: 'SURCHARGE_REQUIRED' | 'SURCHARGE_NOT_ALLOWED' | 'INVALID_SURCHARGE' | 'UNKNOWN_DECISION';
      message: string;
    };

/**
 * A staff decision on a non-native port. A surcharge needs a positive whole amount in minor
 * units (cents); accepting or denying carries no amount at all (not even 0).
 */
export function validatePortDecision(input: { decision: PortDecision; surchargeAmount?: number | null }): PortDecisionValidation {
  const { decision, surchargeAmount } = input;
  if (!Object.values(PortDecision).includes(decision)) {
    return { ok: false, code: 'UNKNOWN_DECISION', message: `Unknown port decision "${String(decision)}".` };
  }
  const hasAmount = surchargeAmount !== null && surchargeAmount !== undefined;
  if (decision === PortDecision.ACCEPT_WITH_SURCHARGE) {
    if (!hasAmount) {
      return { ok: false, code: 'SURCHARGE_REQUIRED', message: 'A surcharge decision needs the surcharge amount.' };
    }
    if (!Number.isSafeInteger(surchargeAmount) || surchargeAmount <= 0) {
      return {
        ok: false,
        code: 'INVALID_SURCHARGE',
        message: 'The surcharge must be a positive whole amount in minor units (e.g. 2500 for 25.00).',
      };
    }
    return { ok: true, decision, surchargeAmountMinor: surchargeAmount };
  }
  if (hasAmount) {
    return {
      ok: false,
      code: 'SURCHARGE_NOT_ALLOWED',
      message: `A ${decision === PortDecision.ACCEPT ? 'plain acceptance' : 'denial'} carries no surcharge amount.`,
    };
  }
  return { ok: true, decision, surchargeAmountMinor: null };
}
