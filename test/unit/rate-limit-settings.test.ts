import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/app/config';
import { operationLabel } from '../../server/app/metrics';
import { DEFAULT_RATE_LIMITS, rateLimitsFromConfig } from '../../server/app/rate-limit';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('rate limit and metrics settings', () => {
  it('default to what an app started without settings uses (on)', () => {
    expect(rateLimitsFromConfig(loadConfig({}))).toEqual(DEFAULT_RATE_LIMITS);
    expect(DEFAULT_RATE_LIMITS.enabled).toBe(true);
  });

  it('read every variable', () => {
    const config = loadConfig({
      RATE_LIMIT_ENABLED: 'false',
      RATE_LIMIT_WINDOW_SECONDS: '30',
      RATE_LIMIT_REQUESTS: '100',
      RATE_LIMIT_ANONYMOUS_REQUESTS: '10',
      RATE_LIMIT_AUTH_FAILURES: '5',
      RATE_LIMIT_AUTH_FAILURE_WINDOW_SECONDS: '3600',
      TRUST_PROXY_HOPS: '1',
      METRICS_TOKEN: 'a-long-enough-scraper-secret',
      METRICS_LOCALHOST: 'false',
    });
    expect(rateLimitsFromConfig(config)).toEqual({
      enabled: false,
      windowSeconds: 30,
      requestsPerToken: 100,
      anonymousRequests: 10,
      authFailures: 5,
      authFailureWindowSeconds: 3600,
    });
    expect(config.TRUST_PROXY_HOPS).toBe(1);
    expect(config.METRICS_LOCALHOST).toBe('false');
  });

  it.each([
    [{ RATE_LIMIT_ENABLED: 'yes' }, 'RATE_LIMIT_ENABLED="yes": must be true or false'],
    [{ RATE_LIMIT_REQUESTS: '0' }, 'RATE_LIMIT_REQUESTS="0": must be between 1 and 1000000'],
    [{ RATE_LIMIT_ANONYMOUS_REQUESTS: '1.5' }, 'RATE_LIMIT_ANONYMOUS_REQUESTS="1.5": must be a whole number'],
    [{ RATE_LIMIT_WINDOW_SECONDS: 'a minute' }, 'RATE_LIMIT_WINDOW_SECONDS="a minute": must be a number'],
    [{ RATE_LIMIT_AUTH_FAILURE_WINDOW_SECONDS: '100000' }, 'RATE_LIMIT_AUTH_FAILURE_WINDOW_SECONDS="100000": must be between 1 and 86400'],
    [{ TRUST_PROXY_HOPS: '-1' }, 'TRUST_PROXY_HOPS="-1": must be between 0 and 10'],
    [{ METRICS_LOCALHOST: 'on' }, 'METRICS_LOCALHOST="on": must be true or false'],
  ])('refuse %o', (env, message) => {
    expect(problems(env)).toEqual([message]);
  });

  it('never echo METRICS_TOKEN', () => {
    const [problem] = problems({ METRICS_TOKEN: 'short-secret' });
    expect(problem).toMatch(/^METRICS_TOKEN=\(value hidden\): must be at least 16 characters/);
    expect(problem).not.toContain('short-secret');
  });
});

describe('operation names as metric labels', () => {
  it.each([
    [undefined, '(anonymous)'],
    ['', '(anonymous)'],
    ['Tickets', 'Tickets'],
    ['ticket_create_2', 'ticket_create_2'],
    ['has space', 'other'],
    ['x'.repeat(65), 'other'],
    ['Ünicode', 'other'],
  ])('%s is labelled %s', (name, label) => {
    expect(operationLabel(name)).toBe(label);
  });

  it('keeps at most 300 distinct names; later new names are "other"', () => {
    for (let i = 0; i < 400; i += 1) operationLabel(`Generated${i}`);
    expect(operationLabel('Tickets')).toBe('Tickets');
    expect(operationLabel('NeverSeenBefore')).toBe('other');
  });
});
