/** What erased free text reads as, everywhere it was. */
export const ERASED_TEXT = '[erased]';

/** The name and email an erased customer keeps: stable, unique, and saying nothing about them. */
export function pseudonymOf(customerId: string): { name: string; email: string } {
  const tag = customerId.replace(/-/g, '').slice(0, 12);
  return { name: `Erased customer ${tag}`, email: `erased-${tag}@erased.invalid` };
}

// Facts an audit entry keeps: codes (ACCESS_WAIVED, BUG_FIX), ids, ticket numbers, instants, and
// short version numbers. Any other text may be someone's words and is erased.
const FACT_PATTERNS = [
  /^[A-Z][A-Z0-9_]*$/,
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  /^OC-\d+$/,
  /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/,
  /^\d+(\.\d+){0,4}$/,
];

function isFact(text: string): boolean {
  return FACT_PATTERNS.some((pattern) => pattern.test(text));
}

// Keys whose values name fields of the API (e.g. CUSTOMER_UPDATED's "fields": ["name"]), not words.
const FIELD_NAME_KEYS = new Set(['fields']);

/** An audit entry's details with every free text replaced: numbers, flags, codes and field names stay. */
export function scrubDetails(details: unknown, key: string | null = null): unknown {
  if (typeof details === 'string') {
    if (key !== null && FIELD_NAME_KEYS.has(key) && /^[a-zA-Z]+$/.test(details)) return details;
    return isFact(details) ? details : ERASED_TEXT;
  }
  if (Array.isArray(details)) return details.map((item) => scrubDetails(item, key));
  if (details && typeof details === 'object') {
    return Object.fromEntries(Object.entries(details).map(([name, value]) => [name, scrubDetails(value, name)]));
  }
  return details;
}

/** The environment facts a ticket keeps for the stats: platform and versions, nothing about the store. */
export function environmentFacts(environment: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!environment) return null;
  const kept: Record<string, unknown> = {};
  for (const key of ['platform', 'opencartVersion', 'platformVersion', 'phpVersion']) {
    if (environment[key] !== undefined) kept[key] = environment[key];
  }
  return kept;
}
