import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BANNED_MESSAGE } from '../../server/modules/viewer/authenticate';
import { createMerchant, createTestApp, type TestApp } from '../support/test-app';

/**
 * A ban revokes the merchant's API keys; the merchant's module must still learn that the account
 * is banned, permanently (the policy's word), rather than that a key is unknown or revoked.
 */
let app: TestApp;

beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

const WHO = '{ viewer { kind } }';

async function ban(customerId: string) {
  const banned = await app.raw(
    'mutation ($id: ID!) { customerBan(input: { customerId: $id, reason: ABUSE, note: "Chargebacks." }) { userErrors { code } } }',
    { id: customerId },
    app.adminToken,
  );
  expect(banned.body.data?.customerBan.userErrors).toEqual([]);
}

describe('a banned merchant', () => {
  it('is told the account is banned permanently, with the key the ban revoked and with one revoked before', async () => {
    const merchant = await createMerchant(app);
    const second = await app.admin.MerchantApiKeyCreate({ input: { customerId: merchant.customerId, name: 'Second store' } });
    const earlierKey = second.merchantApiKeyCreate.token!;
    const revoked = await app.raw(
      'mutation ($id: ID!) { merchantApiKeyRevoke(input: { apiKeyId: $id }) { userErrors { code } } }',
      { id: second.merchantApiKeyCreate.apiKey!.id },
      app.adminToken,
    );
    expect(revoked.body.data?.merchantApiKeyRevoke.userErrors).toEqual([]);
    expect((await app.raw(WHO, {}, earlierKey)).body.errors?.[0]?.message).toBe('This API key is not valid or was revoked.');

    await ban(merchant.customerId);
    for (const token of [merchant.token, earlierKey]) {
      const { status, body } = await app.raw(WHO, {}, token);
      expect(status).toBe(401);
      expect(body.data ?? null).toBeNull();
      expect(body.errors?.[0]).toMatchObject({ message: BANNED_MESSAGE, extensions: { code: 'UNAUTHENTICATED', reason: 'ACCOUNT_BANNED' } });
    }
    expect(BANNED_MESSAGE).toMatch(/banned permanently/);
  });

  it("does not change what another merchant's revoked key or an unknown key is told", async () => {
    const other = await createMerchant(app);
    const [key] = ((await app.raw('query ($id: ID!) { node(id: $id) { ... on Customer { apiKeys { id } } } }', { id: other.customerId }, app.adminToken)).body
      .data?.node.apiKeys ?? []) as { id: string }[];
    await app.raw('mutation ($id: ID!) { merchantApiKeyRevoke(input: { apiKeyId: $id }) { userErrors { code } } }', { id: key!.id }, app.adminToken);
    const revokedAnswer = (await app.raw(WHO, {}, other.token)).body.errors?.[0];
    expect(revokedAnswer?.message).toBe('This API key is not valid or was revoked.');
    expect(revokedAnswer?.extensions).not.toHaveProperty('reason');
    expect((await app.raw(WHO, {}, 'ocm_not-a-key')).body.errors?.[0]?.message).toBe('This API key is not valid or was revoked.');
  });
});
