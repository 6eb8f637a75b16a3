import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS, type RateLimitSettings } from '../../server/app/rate-limit';
import { spawnServer, type ServerProcess } from '../support/server-process';
import { createMerchant, createStaff, createTestApp, type TestApp } from '../support/test-app';

/**
 * The limits, lowered for these tests on extra HTTP apps over the test app's database (the
 * suite itself runs under the defaults and never meets them). Each test calls from its own
 * client address through X-Forwarded-For (one trusted proxy hop), as behind a reverse proxy.
 */
let app: TestApp;
let address = 0;
const nextAddress = () => `198.51.100.${(address += 1)}`;

beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

async function limitedApp(limits: Partial<RateLimitSettings>): Promise<string> {
  const http = await app.serveAlso({ trustProxyHops: 1, rateLimits: { ...DEFAULT_RATE_LIMITS, ...limits } });
  return http.url;
}

function call(url: string, from: string, token?: string | null, query = '{ viewer { kind } }') {
  return fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
}

describe('rate limits per caller', () => {
  it('counts anonymous callers per address, says what is left, and answers 429 with Retry-After past the limit', async () => {
    const url = await limitedApp({ anonymousRequests: 3, windowSeconds: 60 });
    const caller = nextAddress();
    const remaining: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await call(url, caller);
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit-limit')).toBe('3');
      remaining.push(response.headers.get('ratelimit-remaining')!);
      const reset = Number(response.headers.get('ratelimit-reset'));
      expect(reset).toBeGreaterThan(0);
      expect(reset).toBeLessThanOrEqual(60);
    }
    expect(remaining).toEqual(['2', '1', '0']);

    const refused = await call(url, caller);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    const body = (await refused.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(body.errors[0]!.extensions).toEqual({ code: 'RATE_LIMITED', limit: 'anonymous', retryAfterSeconds: retryAfter });
    expect(body.errors[0]!.message).toContain('at most 3 every 60 s');

    // Another address is a different caller; health checks are never limited.
    expect((await call(url, nextAddress())).status).toBe(200);
    for (let i = 0; i < 5; i += 1) expect((await fetch(`${url}/healthz`, { headers: { 'x-forwarded-for': caller } })).status).toBe(200);
  });

  it('counts each token on its own, wherever its requests come from', async () => {
    const url = await limitedApp({ requestsPerToken: 4 });
    const merchant = await createMerchant(app);
    for (let i = 0; i < 4; i += 1) expect((await call(url, nextAddress(), merchant.token)).status).toBe(200);
    const refused = await call(url, nextAddress(), merchant.token);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { errors: Array<{ extensions: { limit: string } }> }).errors[0]!.extensions.limit).toBe('token');
    // Another token has its own budget.
    const agent = await createStaff(app, 'AGENT');
    const other = await call(url, nextAddress(), agent.token);
    expect(other.status).toBe(200);
    expect(await other.json()).toEqual({ data: { viewer: { kind: 'AGENT' } } });
  });

  it('slows token guessing: after the failures allowed per address, even a right token from there waits', async () => {
    const url = await limitedApp({ authFailures: 5, authFailureWindowSeconds: 600 });
    const guesser = nextAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1) statuses.push((await call(url, guesser, `ocs_guess${i}aaaaaaaaaaaaaaaaaaaaaaaa`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);

    const right = await call(url, guesser, app.adminToken);
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(500);
    expect(((await right.json()) as { errors: Array<{ extensions: { limit: string } }> }).errors[0]!.extensions.limit).toBe('auth_failures');
    // The same token from another address still works: only the guessing address is slowed down.
    expect((await call(url, nextAddress(), app.adminToken)).status).toBe(200);
  });

  it('stops a flood of wrong tokens under the default limits: of 1,500 guesses, only the first few dozen are checked', async () => {
    const url = await limitedApp({});
    const guesser = nextAddress();
    const tokenRows = async () =>
      (await app.orm.em.fork().execute<Array<{ n: number }>>(`select count(*)::int as n from rate_limit where key like 'token:%'`))[0]!.n;
    const rowsBefore = await tokenRows();
    const statuses: number[] = [];
    // 20 at a time, as fast as the server answers.
    for (let batch = 0; batch < 75; batch += 1) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => call(url, guesser, `ocm_guess${batch}x${i}bbbbbbbbbbbbbbbbbbbbbb`).then((r) => r.status)),
      );
      statuses.push(...answers);
    }
    const unauthenticated = statuses.filter((s) => s === 401).length;
    const limited = statuses.filter((s) => s === 429).length;
    expect(unauthenticated + limited).toBe(1_500);
    // The default allows 50 failures; requests already in flight when the 20th fails may still be answered.
    expect(unauthenticated).toBeGreaterThanOrEqual(DEFAULT_RATE_LIMITS.authFailures);
    expect(unauthenticated).toBeLessThanOrEqual(DEFAULT_RATE_LIMITS.authFailures + 20);
    expect(limited).toBeGreaterThanOrEqual(1_430);
    // Refused guesses are not counted per token: the store does not grow with each new guess.
    expect((await tokenRows()) - rowsBefore).toBe(unauthenticated);
  });

  it('can be switched off', async () => {
    const url = await limitedApp({ enabled: false, anonymousRequests: 1 });
    const caller = nextAddress();
    for (let i = 0; i < 3; i += 1) {
      const response = await call(url, caller);
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit-limit')).toBeNull();
    }
  });
});

describe('rate limits shared by server processes', () => {
  let second: ServerProcess;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'support-desk-ratelimit-'));
    second = await spawnServer({ DATABASE_URL: app.databaseUrl, DATA_DIR: dataDir, RATE_LIMIT_REQUESTS: '6', TRUST_PROXY_HOPS: '1' });
  }, 120_000);
  afterAll(async () => {
    await second?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a token gets its limit once across two processes, not once per process', async () => {
    const here = await limitedApp({ requestsPerToken: 6 });
    const merchant = await createMerchant(app);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i += 1) statuses.push((await call(i % 2 ? second.url : here, nextAddress(), merchant.token)).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(6);
    expect(statuses.slice(6)).toEqual([429, 429, 429, 429]);
  });

  it('refuses a bad limit setting at start, naming it', async () => {
    await expect(spawnServer({ DATABASE_URL: app.databaseUrl, DATA_DIR: dataDir, RATE_LIMIT_REQUESTS: 'lots' }, 30_000)).rejects.toThrow(
      /exited with 78[\s\S]*RATE_LIMIT_REQUESTS="lots": must be a number/,
    );
  });
});
