import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/app/config';
import { DEFAULT_QUERY_LIMITS, queryLimitsFromConfig } from '../../server/app/limits/limit-settings';

describe('query limit settings', () => {
  it('default to the documented limits', () => {
    expect(queryLimitsFromConfig(loadConfig({}))).toEqual(DEFAULT_QUERY_LIMITS);
  });

  it('take anonymous/merchant/staff triples', () => {
    const limits = queryLimitsFromConfig(loadConfig({ QUERY_MAX_COST: '50/500/5000', QUERY_MAX_DEPTH: '4/8/16', QUERY_MAX_TOKENS: '2000' }));
    expect(limits.tokens).toBe(2_000);
    expect(limits.anonymous).toEqual({ ...DEFAULT_QUERY_LIMITS.anonymous, cost: 50, depth: 4 });
    expect(limits.merchant).toEqual({ ...DEFAULT_QUERY_LIMITS.merchant, cost: 500, depth: 8 });
    expect(limits.staff).toEqual({ ...DEFAULT_QUERY_LIMITS.staff, cost: 5_000, depth: 16 });
  });

  it.each([
    ['QUERY_MAX_COST', '3000'],
    ['QUERY_MAX_COST', '5000/3000/10000'],
    ['QUERY_MAX_ALIASES', '0/10/20'],
    ['QUERY_MAX_ROOT_FIELDS', 'ten/20/30'],
    ['QUERY_MAX_TOKENS', '10'],
  ])('refuse %s=%s with a line naming the variable', (name, value) => {
    try {
      loadConfig({ [name]: value });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([expect.stringMatching(new RegExp(`^${name}="${value}": must be`))]);
    }
  });
});
