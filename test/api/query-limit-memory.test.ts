import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_QUERY_LIMITS } from '../../server/app/limits/query-limits';
import { createMerchant, createStaff, createTestApp, type Merchant, type TestApp } from '../support/test-app';

/**
 * An operation found within its limits is remembered by its text, operation, caller tier and
 * variables, so a repeated request skips the measurement; anything that changes the cost must
 * still be measured on its own: other variables, another caller tier, another text, another
 * operation of the same document.
 */
let app: TestApp;
let merchant: Merchant;
let staffToken: string;

beforeAll(async () => {
  app = await createTestApp();
  merchant = await createMerchant(app);
  staffToken = (await createStaff(app, 'AGENT')).token;
});
afterAll(async () => app?.close());

const limits = DEFAULT_QUERY_LIMITS;

/** Each ticket costs 2 (itself and its customer): 1 + 2 × first in all. */
const PAGE = 'query Page($n: Int!) { tickets(first: $n) { nodes { id customer { id } } } }';

async function refusal(query: string, variables: Record<string, unknown>, token: string) {
  const { status, body } = await app.raw(query, variables, token);
  expect(status).toBe(400);
  expect(body.data ?? null).toBeNull();
  expect(body.errors).toHaveLength(1);
  return body.errors![0]!.extensions;
}

async function accepted(query: string, variables: Record<string, unknown>, token: string) {
  const { status, body } = await app.raw(query, variables, token);
  expect(body.errors).toBeUndefined();
  expect(status).toBe(200);
  return body.data;
}

describe('remembered query measurements', () => {
  it('the same text with other variables is measured with them', async () => {
    for (let i = 0; i < 3; i += 1) expect((await accepted(PAGE, { n: 10 }, merchant.token))?.tickets.nodes).toEqual([]);
    expect(await refusal(PAGE, { n: 2_000 }, merchant.token)).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      cost: 4_001,
      maximumCost: limits.merchant.cost,
      caller: 'merchant',
    });
    // A refusal is not remembered either way: the small page still runs, the large one is still refused.
    await accepted(PAGE, { n: 10 }, merchant.token);
    expect((await refusal(PAGE, { n: 2_000 }, merchant.token))?.cost).toBe(4_001);
  });

  it('an operation accepted for staff is measured again for a merchant, against the merchant limits', async () => {
    // 1 + 100 × (3 + 30)
    const query = '{ tickets(first: 100) { nodes { id customer { tickets(first: 30) { nodes { id } } } } } }';
    await accepted(query, {}, staffToken);
    await accepted(query, {}, staffToken);
    expect(await refusal(query, {}, merchant.token)).toEqual({ code: 'QUERY_TOO_COMPLEX', cost: 3_301, maximumCost: limits.merchant.cost, caller: 'merchant' });
  });

  it('a changed query costs its own analysis', async () => {
    // 1 + 100 × (3 + 96) = 9,901: within the staff limit.
    const fields = (extra: string) => `{ tickets(first: 100) { nodes { id customer { tickets(first: 96) { nodes { id } } } ${extra} } } }`;
    await accepted(fields(''), {}, staffToken);
    await accepted(fields(''), {}, staffToken);
    // One more object per ticket: 1 + 100 × 100.
    expect(await refusal(fields('assignee { id }'), {}, staffToken)).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      cost: 10_001,
      maximumCost: limits.staff.cost,
      caller: 'staff',
    });
  });

  it('each operation of one document is measured by itself', async () => {
    const document = `query Cheap { tickets(first: 1) { nodes { id } } }
      query Costly { tickets(first: 5000) { nodes { id customer { id } } } }`;
    const run = (operationName: string) => rawWithOperation(document, operationName);
    expect((await run('Cheap')).status).toBe(200);
    expect((await run('Cheap')).body.errors).toBeUndefined();
    const costly = await run('Costly');
    expect(costly.status).toBe(400);
    expect(costly.body.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', cost: 10_001, maximumCost: limits.staff.cost, caller: 'staff' });
    expect((await run('Cheap')).body.errors).toBeUndefined();
  });
});

/** `app.raw` sends no operation name: a POST of its own. */
async function rawWithOperation(query: string, operationName: string) {
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${staffToken}` },
    body: JSON.stringify({ query, operationName }),
  });
  return { status: response.status, body: (await response.json()) as { errors?: Array<{ extensions?: Record<string, unknown> }> } };
}
