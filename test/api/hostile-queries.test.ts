import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_QUERY_LIMITS } from '../../server/app/limits/query-limits';
import { createMerchant, createStaff, createTestApp, type Merchant, type TestApp } from '../support/test-app';

/**
 * Requests shaped to exhaust the server (from an attack on the service and our own): each is
 * refused before it runs, with a code saying which limit and the numbers to fix the query, and
 * the server keeps answering its health check meanwhile.
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

/** `{ tickets(first:100) { nodes { customer { tickets(first:100) { nodes { … } } } } } }`, `levels` times. */
function customerTicketsNesting(levels: number, first = 100): string {
  let inner = 'id';
  for (let i = 0; i < levels; i += 1) inner = `tickets(first: ${first}) { nodes { id customer { ${inner} } } }`;
  return `{ viewer { customer { ${inner} } } }`;
}

async function errorOf(query: string, token?: string | null, variables?: Record<string, unknown>) {
  const { status, body } = await app.raw(query, variables, token);
  expect(body.data ?? null).toBeNull();
  expect(body.errors).toHaveLength(1);
  return { status, error: body.errors![0]! };
}

describe('the shapes of the attack', () => {
  it('refuses 8,000 repeated root fields from an anonymous caller at the parser', async () => {
    const { status, error } = await errorOf(`{ ${'plans { id } '.repeat(8_000)} }`);
    expect(status).toBe(400);
    expect(error.extensions).toEqual({ code: 'TOO_MANY_TOKENS', maximumTokens: limits.tokens });
  });

  it('refuses 90,000 __typename at the parser', async () => {
    const { error } = await errorOf(`{ ${'__typename '.repeat(90_000)} }`);
    expect(error.extensions?.code).toBe('TOO_MANY_TOKENS');
  });

  it('refuses 5,000 aliases of supportHours at the parser', async () => {
    const aliases = Array.from({ length: 5_000 }, (_, i) => `h${i}: supportHours { open }`).join(' ');
    const { error } = await errorOf(`{ ${aliases} }`);
    expect(error.extensions?.code).toBe('TOO_MANY_TOKENS');
  });

  it('refuses repeated root fields that fit the token limit before graphql-js validates them', async () => {
    const { status, error } = await errorOf(`{ ${'plans { id } '.repeat(900)} }`);
    expect(status).toBe(400);
    expect(error.extensions).toEqual({ code: 'TOO_MANY_ROOT_FIELDS', rootFields: 900, maximumRootFields: limits.anonymous.rootFields, caller: 'anonymous' });
    expect(error.message).toContain('at most 10');
    // Measured before validation: the same shape with an unknown field is refused for its size,
    // not reported field by field by graphql-js.
    const invalid = await errorOf(`{ ${'plans { nope } '.repeat(900)} }`);
    expect(invalid.error.extensions?.code).toBe('TOO_MANY_ROOT_FIELDS');
  });

  it('refuses a nested field repeated thousands of times, for any caller', async () => {
    for (const token of [null, merchant.token, staffToken]) {
      const { status, error } = await errorOf(`{ viewer { ${'__typename '.repeat(3_000)} } }`, token);
      expect(status).toBe(400);
      expect(error.extensions).toEqual({ code: 'TOO_MANY_REPEATED_FIELDS', field: '__typename', repeats: 3_000, maximumRepeats: 20 });
    }
    const inline = await errorOf(`{ supportHours { ${'... on SupportHoursStatus { open } '.repeat(100)} } }`, staffToken);
    expect(inline.error.extensions?.code).toBe('TOO_MANY_REPEATED_FIELDS');
  });

  it('refuses many fields by their cost', async () => {
    const fields = Array.from({ length: 40 }, () => 'nodes { id number subject status }')
      .join(' ')
      .replace(/nodes/g, (_m, i: number) => `n${i}: nodes`);
    const { error } = await errorOf(`{ viewer { customer { tickets(first: 50) { ${fields} } } } }`, merchant.token);
    expect(error.extensions).toMatchObject({ code: 'TOO_MANY_ALIASES' });
    const { error: costly } = await errorOf(
      `{ viewer { customer { tickets(first: 100) { nodes { id number subject status category coverage createdAt updatedAt description
      messages(first: 100) { nodes { id body createdAt } } } } } } }`,
      merchant.token,
    );
    expect(costly.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', maximumCost: limits.merchant.cost, caller: 'merchant' });
    expect(costly.extensions?.cost).toBeGreaterThan(limits.merchant.cost);
  });

  it("refuses Ticket.customer.tickets nested six levels deep with a merchant's key", async () => {
    const { status, error } = await errorOf(customerTicketsNesting(6), merchant.token);
    expect(status).toBe(400);
    expect(error.extensions).toMatchObject({ code: 'QUERY_TOO_DEEP', maximumDepth: limits.merchant.depth, caller: 'merchant' });
    expect(error.extensions?.depth).toBeGreaterThan(limits.merchant.depth);
  });

  it('refuses two nested pages of 100 by their cost, saying the cost and the limit', async () => {
    const { error } = await errorOf(customerTicketsNesting(2), merchant.token);
    // Objects cost 1, scalars 0, a page of 100 multiplies what each item asks for:
    // viewer 1 + customer 1 + tickets (1 + 100 × (nodes 1 + customer 1 + tickets (1 + 100 × (nodes 1 + customer 1))))
    expect(error.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', cost: 20_303, maximumCost: limits.merchant.cost, caller: 'merchant' });
  });

  it('refuses 60 aliased nested lists of 100 with a staff token', async () => {
    const lists = Array.from({ length: 60 }, (_, i) => `t${i}: tickets(first: 100) { nodes { messages(first: 100) { nodes { body } } } }`).join(' ');
    const { error } = await errorOf(`{ ${lists} }`, staffToken);
    expect(error.extensions).toEqual({ code: 'TOO_MANY_ROOT_FIELDS', rootFields: 60, maximumRootFields: limits.staff.rootFields, caller: 'staff' });
  });

  it('refuses 60 aliased nested lists of 100 below the top with a staff token', async () => {
    const lists = Array.from({ length: 60 }, (_, i) => `t${i}: tickets(first: 100) { nodes { id } }`).join(' ');
    const { error } = await errorOf(`{ customers(first: 100) { nodes { ${lists} } } }`, staffToken);
    expect(error.extensions).toEqual({ code: 'TOO_MANY_ALIASES', aliases: 60, maximumAliases: limits.staff.aliases, caller: 'staff' });
  });

  it('refuses fewer aliased nested lists of 100 with a staff token by their cost', async () => {
    const lists = Array.from({ length: 20 }, (_, i) => `t${i}: tickets(first: 100) { nodes { messages(first: 100) { nodes { body } } } }`).join(' ');
    const { error } = await errorOf(`{ ${lists} }`, staffToken);
    expect(error.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', maximumCost: limits.staff.cost, caller: 'staff' });
    expect(error.extensions?.cost).toBeGreaterThan(limits.staff.cost * 10);
  });
});

describe('our own shapes', () => {
  it('refuses a fragment that doubles at every level (a "billion laughs" of fragments)', async () => {
    const fragments = Array.from({ length: 30 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join('\n');
    const { error } = await errorOf(`{ ...F0 }\n${fragments}\nfragment F30 on Query { plans { id } }`);
    expect(error.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', maximumCost: limits.anonymous.cost });
  });

  it('counts a page size given as a variable', async () => {
    const query = 'query Deep($n: Int!) { viewer { customer { tickets(first: $n) { nodes { customer { tickets(first: $n) { nodes { id } } } } } } } }';
    const { error } = await errorOf(query, merchant.token, { n: 100 });
    expect(error.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    const small = await app.raw(query, { n: 5 }, merchant.token);
    expect(small.body.errors).toBeUndefined();
    expect(small.body.data?.viewer.customer.tickets.nodes).toEqual([]);
  });

  it('counts the cost a field declares itself: store logins cannot be fired twenty at a time', async () => {
    const verifies = (n: number) =>
      `mutation { ${Array.from({ length: n }, (_, i) => `v${i}: ticketAccessVerify(input: { ticketId: "x" }) { userErrors { code } }`).join(' ')} }`;
    const { error } = await errorOf(verifies(20), merchant.token);
    // 20 × (150 declared + userErrors, a list without `first` counted as 10 objects: 1 + 10 × 1)
    expect(error.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', cost: 3_220, maximumCost: limits.merchant.cost, caller: 'merchant' });
    const few = await app.raw(verifies(2), {}, merchant.token);
    expect(few.body.errors).toBeUndefined();
    expect(few.body.data?.v0.userErrors).toEqual([{ code: 'NOT_FOUND' }]);
  });

  it('counts every ID of nodes(ids:), even when only ids are asked', async () => {
    const ids = Array.from({ length: 10_000 }, () => 'VGlja2V0OjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA');
    const { error } = await errorOf('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', staffToken, { ids });
    expect(error.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', cost: 10_001, maximumCost: limits.staff.cost, caller: 'staff' });
  });

  it('refuses too many aliases to an anonymous caller with the allowed number', async () => {
    const aliases = Array.from({ length: 11 }, (_, i) => `o${i}: open`).join(' ');
    const { error } = await errorOf(`{ supportHours { ${aliases} } }`);
    expect(error.extensions).toEqual({ code: 'TOO_MANY_ALIASES', aliases: 11, maximumAliases: limits.anonymous.aliases, caller: 'anonymous' });
  });

  it('checks a document accepted for staff again when an anonymous caller sends the same text', async () => {
    const aliases = Array.from({ length: 15 }, (_, i) => `o${i}: open`).join(' ');
    const query = `{ supportHours { ${aliases} } }`;
    const forStaff = await app.raw(query, {}, staffToken);
    expect(forStaff.body.errors).toBeUndefined();
    const { error } = await errorOf(query);
    expect(error.extensions?.code).toBe('TOO_MANY_ALIASES');
  });

  it('refuses an overlong query even when its variables are broken (no cost can be computed from them)', async () => {
    // 20 repeats of 11 fields of a plan and 5 of the support hours: every other limit is met.
    const plan = 'active contractMonths createdAt description developmentTeamAccess guaranteedReply id kind name ticketAllowance updatedAt '.repeat(20);
    const hours = 'nextClosesAt nextOpensAt open schedule zone '.repeat(20);
    const { error } = await errorOf(`query Q($x: Int!) { plans { ${plan} } supportHours { ${hours} } }`, null, { x: 'not a number' });
    expect(error.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('answers malformed documents, odd operation names and bad directive arguments as client errors', async () => {
    const documents = [
      '{ nope { x } }',
      '{ ...Missing }',
      'fragment F on Nope { id } { ...F }',
      'query ($x: Nope) { plans { id } }',
      'query ($x: Int!) { tickets(first: $x) { totalCount } }',
      '{ tickets(first: "abc") { totalCount } }',
      '{ plans @include(if: $undefined) { id } }',
      '{ plans @skip(if: "x") { id } }',
      'fragment A on Query { ...B } fragment B on Query { ...A } { ...A }',
      '{ node(id: 1) { ... on Nope { id } ... on Ticket { id } } }',
      'mutation { ticketCreate { ticket { id } } }',
      'subscription { x }',
      'query A { plans { id } } { supportHours { open } }',
      '{ tickets(first: 5, filter: { statuses: [NOPE] }) { totalCount } }',
    ];
    for (const query of documents) {
      for (const operationName of [undefined, 'A', 'Missing']) {
        const response = await fetch(`${app.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${staffToken}` },
          body: JSON.stringify({ query, operationName, variables: { x: 'str' } }),
        });
        const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
        const codes = (body.errors ?? []).map((e) => e.extensions?.code);
        expect({ query, operationName, codes }).not.toEqual({ query, operationName, codes: expect.arrayContaining(['INTERNAL_SERVER_ERROR']) });
        expect({ query, operationName, status: response.status < 500 }).toEqual({ query, operationName, status: true });
      }
    }
  });

  it('still answers a small query, and still validates it', async () => {
    const ok = await app.raw('{ plans { id name } supportHours { open } }');
    expect(ok.body.errors).toBeUndefined();
    const invalid = await app.raw('{ plans { nope } }');
    expect(invalid.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('metrics', () => {
  it('counts refused operations by code in GET /metrics', async () => {
    const count = async (code: string) => {
      const text = await (await fetch(`${app.url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.includes('graphql_rejected_by_cost_total') && l.includes(`code="${code}"`));
      return line ? Number(line.split(' ').at(-1)) : 0;
    };
    const before = { rootFields: await count('TOO_MANY_ROOT_FIELDS'), tokens: await count('TOO_MANY_TOKENS'), cost: await count('QUERY_TOO_COMPLEX') };
    await app.raw(`{ ${'plans { id } '.repeat(900)} }`);
    await app.raw(`{ ${'plans { id } '.repeat(900)} }`);
    await app.raw(`{ ${'__typename '.repeat(90_000)} }`);
    await app.raw(customerTicketsNesting(2), {}, merchant.token);
    expect(await count('TOO_MANY_ROOT_FIELDS')).toBe(before.rootFields + 2);
    expect(await count('TOO_MANY_TOKENS')).toBe(before.tokens + 1);
    expect(await count('QUERY_TOO_COMPLEX')).toBe(before.cost + 1);
  });
});

describe('while under attack', () => {
  it('answers /healthz during a burst of hostile requests, and keeps its memory', async () => {
    const hostile = [
      `{ ${'plans { id } '.repeat(8_000)} }`,
      `{ ${'__typename '.repeat(90_000)} }`,
      `{ ${'plans { id } '.repeat(900)} }`,
      `{ viewer { ${'__typename '.repeat(3_000)} } }`,
    ];
    const rssBefore = process.memoryUsage().rss;
    const codes = new Set<string>();
    const health: number[] = [];
    for (let round = 0; round < 5; round += 1) {
      const attacks = Array.from({ length: 20 }, (_, i) => app.raw(hostile[i % hostile.length]!, {}, i % 2 ? merchant.token : null));
      const checks = Array.from({ length: 5 }, () => fetch(`${app.url}/healthz`).then((r) => r.status));
      for (const { body } of await Promise.all(attacks)) codes.add(String(body.errors?.[0]?.extensions?.code));
      health.push(...(await Promise.all(checks)));
    }
    expect([...codes].sort()).toEqual(['TOO_MANY_REPEATED_FIELDS', 'TOO_MANY_ROOT_FIELDS', 'TOO_MANY_TOKENS']);
    expect(health.every((status) => status === 200)).toBe(true);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    // The attack grew the server by gigabytes; refused requests must not (generous bound: GC timing varies).
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(300 * 1024 * 1024);
  });
});
