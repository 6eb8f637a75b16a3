/** Who is asking: each tier has its own limits (anonymous lowest, staff highest). */
export type CallerTier = 'anonymous' | 'merchant' | 'staff';

export const CALLER_TIERS: readonly CallerTier[] = ['anonymous', 'merchant', 'staff'];

export interface TierLimits {
  /** Largest computed cost (see `queryCostEstimators`). */
  cost: number;
  /** Deepest nesting of fields (fragments are followed but add no level). */
  depth: number;
  /** Aliased fields in the whole operation (`__typename` aliases are free). */
  aliases: number;
  /** Fields asked at the top of the operation. */
  rootFields: number;
}

export interface QueryLimits {
  /** Parser limit for every caller: lexical tokens in one document. */
  tokens: number;
  anonymous: TierLimits;
  merchant: TierLimits;
  staff: TierLimits;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  tokens: 4_000,
  anonymous: { cost: 200, depth: 6, aliases: 10, rootFields: 10 },
  merchant: { cost: 3_000, depth: 10, aliases: 30, rootFields: 20 },
  staff: { cost: 10_000, depth: 12, aliases: 50, rootFields: 30 },
};

/** Settings given as "anonymous/merchant/staff", e.g. QUERY_MAX_COST=200/3000/10000. */
export function tiersSetting(limits: QueryLimits, key: keyof TierLimits): string {
  return CALLER_TIERS.map((tier) => limits[tier][key]).join('/');
}

/** Three whole numbers "anonymous/merchant/staff", none above the next; null when not. */
export function parseTiers(value: string): [number, number, number] | null {
  const match = /^(\d{1,9})\/(\d{1,9})\/(\d{1,9})$/.exec(value.trim());
  if (!match) return null;
  const [anonymous, merchant, staff] = match.slice(1).map(Number) as [number, number, number];
  return anonymous >= 1 && anonymous <= merchant && merchant <= staff ? [anonymous, merchant, staff] : null;
}

export interface QueryLimitSettings {
  QUERY_MAX_TOKENS: number;
  QUERY_MAX_COST: string;
  QUERY_MAX_DEPTH: string;
  QUERY_MAX_ALIASES: string;
  QUERY_MAX_ROOT_FIELDS: string;
}

/** The limits from validated settings (config.ts checked every value with parseTiers). */
export function queryLimitsFromConfig(config: QueryLimitSettings): QueryLimits {
  const cost = parseTiers(config.QUERY_MAX_COST)!;
  const depth = parseTiers(config.QUERY_MAX_DEPTH)!;
  const aliases = parseTiers(config.QUERY_MAX_ALIASES)!;
  const rootFields = parseTiers(config.QUERY_MAX_ROOT_FIELDS)!;
  const tier = (i: 0 | 1 | 2): TierLimits => ({ cost: cost[i], depth: depth[i], aliases: aliases[i], rootFields: rootFields[i] });
  return { tokens: config.QUERY_MAX_TOKENS, anonymous: tier(0), merchant: tier(1), staff: tier(2) };
}
