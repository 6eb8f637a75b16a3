import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS } from '../../server/app/rate-limit';
import { createMerchant, createStaff, createTestApp, type TestApp } from '../support/test-app';

/**
 * Who a bearer token signs in, as every request asks it: valid tokens pass, a revoked key, a
 * banned merchant and a disabled staff account are refused at once (HTTP 401), and the
 * last-use stamp is written at most once a minute of the app's clock.
 */
let app: TestApp;

beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

const WHO = '{ viewer { kind customer { id } staffMember { id role } } }';

async function keysOf(customerId: string) {
  const { body } = await app.raw(
    'query ($id: ID!) { node(id: $id) { ... on Customer { apiKeys { id lastUsedAt revokedAt } } } }',
    { id: customerId },
    app.adminToken,
  );
  return body.data?.node.apiKeys as { id: string; lastUsedAt: string | null; revokedAt: string | null }[];
}

async function refused(token: string, message?: string) {
  const { status, body } = await app.raw(WHO, {}, token);
  expect(status).toBe(401);
  expect(body.data ?? null).toBeNull();
  expect(body.errors?.[0]).toMatchObject({ ...(message ? { message } : {}), extensions: { code: 'UNAUTHENTICATED' } });
}

describe('bearer tokens', () => {
  it('a merchant key signs its customer in; revoked, it is refused on the very next request', async () => {
    const merchant = await createMerchant(app);
    const signedIn = await app.raw(WHO, {}, merchant.token);
    expect(signedIn.body.data?.viewer).toEqual({ kind: 'CUSTOMER', customer: { id: merchant.customerId }, staffMember: null });
    const [key] = await keysOf(merchant.customerId);
    const revoked = await app.raw(
      'mutation ($id: ID!) { merchantApiKeyRevoke(input: { apiKeyId: $id }) { userErrors { code } } }',
      { id: key!.id },
      app.adminToken,
    );
    expect(revoked.body.data?.merchantApiKeyRevoke.userErrors).toEqual([]);
    await refused(merchant.token, 'This API key is not valid or was revoked.');
  });

  it('a key revoked while its request still uploads is refused, though the rate limiter read it valid before the body came', async () => {
    const merchant = await createMerchant(app);
    const [key] = await keysOf(merchant.customerId);
    const body = JSON.stringify({ query: WHO });
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = http.request(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${merchant.token}` },
      });
      request.on('error', reject);
      request.on('response', (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      });
      // The headers and half the body now: the rate limiter counts the request and reads its key.
      request.write(body.slice(0, 10));
      setTimeout(async () => {
        await app.raw('mutation ($id: ID!) { merchantApiKeyRevoke(input: { apiKeyId: $id }) { userErrors { code } } }', { id: key!.id }, app.adminToken);
        // The rest after the sign-in's freshness bound (1 s), as a slow upload would.
        setTimeout(() => request.end(body.slice(10)), 1_200);
      }, 200);
    });
    const { status, text } = await answer;
    expect(status).toBe(401);
    expect(JSON.parse(text).errors[0].message).toBe('This API key is not valid or was revoked.');
  });

  it('a banned merchant is refused with every key', async () => {
    const merchant = await createMerchant(app);
    expect((await app.raw(WHO, {}, merchant.token)).status).toBe(200);
    const ban = await app.raw(
      'mutation ($id: ID!) { customerBan(input: { customerId: $id, reason: ABUSE, note: "Chargebacks." }) { userErrors { code } } }',
      {
        id: merchant.customerId,
      },
      app.adminToken,
    );
    expect(ban.body.data?.customerBan.userErrors).toEqual([]);
    // The ban also revokes the customer's keys: either refusal keeps the merchant out.
    await refused(merchant.token);
  });

  it('a staff token signs its member in with the role; disabled, it is refused at once', async () => {
    const agent = await createStaff(app, 'AGENT');
    const signedIn = await app.raw(WHO, {}, agent.token);
    expect(signedIn.body.data?.viewer).toEqual({ kind: 'AGENT', customer: null, staffMember: { id: agent.id, role: 'AGENT' } });
    const disabled = await app.raw(
      'mutation ($id: ID!) { staffMemberUpdate(input: { staffMemberId: $id, active: false }) { userErrors { code } } }',
      {
        id: agent.id,
      },
      app.adminToken,
    );
    expect(disabled.body.data?.staffMemberUpdate.userErrors).toEqual([]);
    await refused(agent.token, 'This staff token is not valid or the account is disabled.');
  });

  it('unknown tokens of either kind are refused', async () => {
    await refused('ocm_not-a-key', 'This API key is not valid or was revoked.');
    await refused('ocs_not-a-token', 'This staff token is not valid or the account is disabled.');
  });

  it("signs in the same callers and refuses the same tokens whether the rate limiter's statement read the token or the sign-in did", async () => {
    // The test app reads the token's owner in the rate limiter's statement; this one has no rate limits, so it reads it itself.
    const unlimited = await app.serveAlso({ rateLimits: { ...DEFAULT_RATE_LIMITS, enabled: false } });
    const answer = async (url: string, authorization?: string) => {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ query: WHO }),
      });
      return { status: response.status, body: await response.json() };
    };
    const merchant = await createMerchant(app);
    const revokedKey = await createMerchant(app);
    const [key] = await keysOf(revokedKey.customerId);
    await app.raw('mutation ($id: ID!) { merchantApiKeyRevoke(input: { apiKeyId: $id }) { userErrors { code } } }', { id: key!.id }, app.adminToken);
    const banned = await createMerchant(app);
    await app.raw(
      'mutation ($id: ID!) { customerBan(input: { customerId: $id, reason: ABUSE, note: "Chargebacks." }) { userErrors { code } } }',
      { id: banned.customerId },
      app.adminToken,
    );
    const agent = await createStaff(app, 'AGENT');
    const disabled = await createStaff(app, 'AGENT');
    await app.raw(
      'mutation ($id: ID!) { staffMemberUpdate(input: { staffMemberId: $id, active: false }) { userErrors { code } } }',
      { id: disabled.id },
      app.adminToken,
    );
    const headers = [
      undefined,
      `Bearer ${merchant.token}`,
      `bearer   ${agent.token}  `,
      `Bearer ${app.adminToken}`,
      `Bearer ${revokedKey.token}`,
      `Bearer ${banned.token}`,
      `Bearer ${disabled.token}`,
      'Bearer ocm_not-a-key',
      'Bearer ocs_not-a-token',
      'Bearer xyz_unknown-kind',
      `Basic ${merchant.token}`,
    ];
    const statuses: number[] = [];
    for (const header of headers) {
      const limited = await answer(app.url, header);
      expect(limited, header).toEqual(await answer(unlimited.url, header));
      statuses.push(limited.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 401, 401, 401, 401, 401, 401, 401]);
  });

  it('stamps a key as used at most once a minute', async () => {
    const merchant = await createMerchant(app);
    const start = app.now();
    await app.raw(WHO, {}, merchant.token);
    const [first] = await keysOf(merchant.customerId);
    expect(Date.parse(first!.lastUsedAt!)).toBe(start.toMillis());
    app.setNow(start.plus({ seconds: 59 }));
    await app.raw(WHO, {}, merchant.token);
    expect((await keysOf(merchant.customerId))[0]!.lastUsedAt).toBe(first!.lastUsedAt);
    app.setNow(start.plus({ seconds: 61 }));
    await app.raw(WHO, {}, merchant.token);
    expect(Date.parse((await keysOf(merchant.customerId))[0]!.lastUsedAt!)).toBe(start.plus({ seconds: 61 }).toMillis());
    app.setNow(start);
  });
});
