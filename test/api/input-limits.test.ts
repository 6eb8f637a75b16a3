import { getNamedType, isEnumType, isInputObjectType, isLeafType, isListType, isNonNullType, type GraphQLInputType, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSchema } from '../../server/app/schema';
import { inputFieldLimits } from '../../server/app/limits/input-limits';
import { createMerchant, createTestApp, type Merchant, type TestApp } from '../support/test-app';

let schema: GraphQLSchema;
let app: TestApp;
let merchant: Merchant;

beforeAll(async () => {
  schema = await getSchema();
  app = await createTestApp();
  merchant = await createMerchant(app);
});
afterAll(async () => app?.close());

const unwrap = (type: GraphQLInputType) => (isNonNullType(type) ? type.ofType : type);

describe('every string and list a client sends has a documented maximum', () => {
  it('says it in the schema description of every input field, and enforces the same number', () => {
    const limits = inputFieldLimits();
    const missing: string[] = [];
    let checked = 0;
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isInputObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        const list = isListType(unwrap(field.type));
        const named = getNamedType(field.type).name;
        const text = named === 'String' || named === 'JSONObject';
        if (!list && !text) continue;
        checked += 1;
        const enforced = limits.get(type.name)?.get(field.name) ?? {};
        const description = field.description ?? '';
        const name = `${type.name}.${field.name}`;
        if (list && !(enforced.items && description.includes(`At most ${enforced.items} items`))) missing.push(`${name}: no item limit`);
        if (text && !(enforced.characters && description.includes(`${list ? 'each at most' : 'At most'} ${enforced.characters} characters`))) {
          missing.push(`${name}: no character limit`);
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(missing).toEqual([]);
  });
});

/** A value of `type` that coerces, with `leaf(path, scalar)` deciding each scalar's value. */
function sampleInput(type: GraphQLInputType, path: string[], leaf: (path: string[], scalar: string) => unknown): unknown {
  const own = unwrap(type);
  if (isListType(own)) return [sampleInput(own.ofType, [...path, '0'], leaf)];
  if (isInputObjectType(own)) {
    return Object.fromEntries(Object.values(own.getFields()).map((field) => [field.name, sampleInput(field.type, [...path, field.name], leaf)]));
  }
  if (isEnumType(own)) return own.getValues()[0]!.value;
  return leaf(path, own.name);
}

/** The path of every leaf of `scalars` in an argument's type, lists entered once. */
function leafPaths(type: GraphQLInputType, path: string[], scalars: string[], depth = 0): string[][] {
  const own = unwrap(type);
  if (depth > 6) return [];
  if (isListType(own)) return leafPaths(own.ofType, [...path, '0'], scalars, depth + 1);
  if (isInputObjectType(own)) return Object.values(own.getFields()).flatMap((field) => leafPaths(field.type, [...path, field.name], scalars, depth + 1));
  return scalars.includes(getNamedType(own).name) ? [path] : [];
}

const plain = (path: string[], scalar: string): unknown =>
  ({ Int: 1, Float: 1, Boolean: true, DateTime: '2026-03-03T10:00:00Z', JSONObject: {}, ID: 'VGlja2V0OjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA' })[
    scalar
  ] ?? `sample-${path.at(-1)}`;

interface Probe {
  field: string;
  operation: 'query' | 'mutation';
  document: string;
  variables: Record<string, unknown>;
  path: string[];
}

/** One request per argument leaf of the given scalars, with `bad` at that leaf. */
function probes(scalars: string[], bad: string | number): Probe[] {
  const all: Probe[] = [];
  for (const operation of ['query', 'mutation'] as const) {
    const root = operation === 'query' ? schema.getQueryType()! : schema.getMutationType()!;
    for (const field of Object.values(root.getFields())) {
      for (const arg of field.args) {
        for (const path of leafPaths(arg.type, [arg.name], scalars)) {
          const variables = Object.fromEntries(
            field.args.map((a) => [a.name, sampleInput(a.type, [a.name], (p, scalar) => (p.join('.') === path.join('.') ? bad : plain(p, scalar)))]),
          );
          const definitions = field.args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
          const call = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
          const named = getNamedType(field.type);
          const selection = operation === 'mutation' ? '{ userErrors { field code message } }' : isLeafType(named) ? '' : '{ __typename }';
          all.push({ field: field.name, operation, document: `${operation} (${definitions}) { ${field.name}(${call}) ${selection} }`, variables, path });
        }
      }
    }
  }
  return all;
}

describe('client input that PostgreSQL or the server cannot take is a client error, never a masked 500', () => {
  it('refuses a lone UTF-16 surrogate in every text argument of every query and mutation, naming the field', async () => {
    const cases = probes(['String', 'ID', 'JSONObject'], 'broken \ud800 text');
    expect(cases.length).toBeGreaterThan(60);
    const outcomes: string[] = [];
    for (const probe of cases) {
      for (const token of [app.adminToken, merchant.token]) {
        const { body } = await app.raw(probe.document, probe.variables, token);
        const top = body.errors?.[0]?.extensions?.code;
        const payload = body.data?.[probe.field] as { userErrors?: Array<{ field: string[]; code: string }> } | undefined;
        const where = `${probe.field}(${probe.path.join('.')})`;
        if (top === 'INTERNAL_SERVER_ERROR') outcomes.push(`${where}: INTERNAL_SERVER_ERROR`);
        else if (top === 'FORBIDDEN' || top === 'UNAUTHENTICATED') continue;
        else if (probe.operation === 'mutation') {
          expect({ where, errors: payload?.userErrors }).toEqual({ where, errors: [expect.objectContaining({ code: 'INVALID', field: probe.path })] });
        } else expect({ where, top, field: body.errors?.[0]?.extensions?.field }).toEqual({ where, top: 'BAD_USER_INPUT', field: probe.path });
      }
    }
    expect(outcomes).toEqual([]);
  });

  it.each(['+275760-09-13T00:00:00Z', '0000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z', '1969-12-31T23:59:59Z'])(
    'refuses the DateTime %s in every DateTime argument as BAD_USER_INPUT, without repeating it',
    async (value) => {
      const cases = probes(['DateTime'], value);
      expect(cases.length).toBeGreaterThan(2);
      for (const probe of cases) {
        const { body } = await app.raw(probe.document, probe.variables, app.adminToken);
        const error = body.errors?.[0];
        expect({ field: probe.field, code: error?.extensions?.code }).toEqual({ field: probe.field, code: 'BAD_USER_INPUT' });
        expect(error!.message).toContain('DateTime must lie between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z');
        expect(error!.message).toContain(`at "${probe.path.join('.').replace(/\.(\d+)/g, '[$1]')}"`);
        expect(error!.message).not.toContain(value.slice(0, 8));
      }
    },
  );

  it.each([2_147_483_647, -2_147_483_648, 0])('answers the Int %i in every Int argument without a masked 500', async (value) => {
    const cases = probes(['Int'], value as never);
    expect(cases.length).toBeGreaterThan(3);
    const internal: string[] = [];
    for (const probe of cases) {
      for (const token of [app.adminToken, merchant.token]) {
        const { body } = await app.raw(probe.document, probe.variables, token);
        if (body.errors?.some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR')) internal.push(`${probe.field}(${probe.path.join('.')})`);
      }
    }
    expect(internal).toEqual([]);
  });

  it('answers the extremes of the allowed DateTime range with real records, without a masked 500', async () => {
    const { plans } = await app.admin.Plans();
    const customer = (await app.admin.CustomerCreate({ input: { email: `far-future-${Date.now()}@shop.test`, name: 'Far Future' } })).customerCreate.customer!;
    for (const plan of plans) {
      for (const [contractStart, months] of [
        ['9999-12-31T23:59:59.999Z', 2_147_483_647],
        ['1970-01-01T00:00:00Z', 1],
        ['9999-12-31T00:00:00Z', 12],
      ] as const) {
        const { body } = await app.raw(
          'mutation ($input: SubscriptionCreateInput!) { subscriptionCreate(input: $input) { subscription { id } userErrors { field code } } }',
          { input: { customerId: customer.id, planId: plan.id, contractStart, months } },
          app.adminToken,
        );
        expect({ plan: plan.kind, contractStart, errors: body.errors }).toEqual({ plan: plan.kind, contractStart, errors: undefined });
      }
    }
    for (const range of [{ createdAfter: '9999-12-31T23:59:59.999Z' }, { createdBefore: '1970-01-01T00:00:00Z' }]) {
      const { body } = await app.raw('query ($filter: TicketFilter) { tickets(first: 5, filter: $filter) { totalCount } }', { filter: range }, app.adminToken);
      expect(body).toEqual({ data: { tickets: { totalCount: 0 } } });
    }
  });

  it('refuses a forged cursor that decodes to [null, null] as BAD_USER_INPUT', async () => {
    const forged = Buffer.from(JSON.stringify([null, null])).toString('base64url');
    for (const query of [
      '{ tickets(first: 5, after: $after) { totalCount } }',
      '{ customers(first: 5, after: $after) { totalCount } }',
      '{ staffMembers(first: 5, after: $after) { totalCount } }',
      '{ tickets(first: 5, orderBy: MOST_URGENT, after: $after) { totalCount } }',
    ]) {
      const { body } = await app.raw(`query ($after: String) ${query.slice(1, -1).replace(/^/, '{')} }`, { after: forged }, app.adminToken);
      expect({ query, code: body.errors?.[0]?.extensions?.code }).toEqual({ query, code: 'BAD_USER_INPUT' });
    }
    const objects = Buffer.from(JSON.stringify([{ a: 1 }, [2]])).toString('base64url');
    const { body } = await app.raw('query ($after: String) { tickets(first: 5, after: $after) { totalCount } }', { after: objects }, app.adminToken);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers an automatic persisted query whose hash does not match its text with a client error', async () => {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ plans { id } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(body.errors[0]!.extensions.code).toBe('BAD_REQUEST');
    expect(body.errors[0]!.message).toMatch(/sha/i);
  });
});

describe("errors about a request's variables never repeat what was sent", () => {
  const secret = 'Hunter2-Sup3r-S3cret!';

  it('names the path and the problem when a password is put in a field that does not exist', async () => {
    const { body } = await app.raw(
      'mutation ($input: TicketAccessProvideInput!) { ticketAccessProvide(input: $input) { userErrors { field } } }',
      {
        input: {
          ticketId: 'VGlja2V0OjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA',
          storeAdmin: { url: 'https://shop.example.com/admin', username: 'admin', passwd: secret },
          fileAccess: { protocol: 'SFTP', host: 'shop.example.com', username: 'u', password: secret },
        },
      },
      merchant.token,
    );
    expect(body.errors).toHaveLength(2);
    const messages = body.errors!.map((e) => e.message);
    for (const error of body.errors!) expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(body)).not.toContain(secret);
    expect(messages).toContain(
      'Variable "$input" has an invalid value at "input.storeAdmin": Field "passwd" is not defined by type "StoreAdminAccessInput". Did you mean "password"?',
    );
    expect(messages).toContain('Variable "$input" has an invalid value at "input.storeAdmin": Field "password" of required type "String!" was not provided.');
  });

  it('does not repeat a secret given where a number, an enum or an object is expected', async () => {
    const cases: Array<[string, Record<string, unknown>]> = [
      ['query ($first: Int!) { tickets(first: $first) { totalCount } }', { first: secret }],
      ['query ($filter: TicketFilter) { tickets(filter: $filter) { totalCount } }', { filter: { statuses: [secret] } }],
      ['query ($filter: TicketFilter) { tickets(filter: $filter) { totalCount } }', { filter: secret }],
      ['query ($filter: TicketFilter) { tickets(filter: $filter) { totalCount } }', { filter: { createdAfter: secret } }],
      ['query ($filter: TicketFilter) { tickets(filter: $filter) { totalCount } }', { filter: { unassigned: secret } }],
    ];
    for (const [query, variables] of cases) {
      const { body } = await app.raw(query, variables, app.adminToken);
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(body.errors![0]!.message).toMatch(/^Variable "\$\w+" has an invalid value at "[\w.[\]]+": /);
      expect(JSON.stringify(body)).not.toContain('Hunter2');
    }
  });

  it('gives no field suggestions in production', async () => {
    const production = await createTestApp({ production: true });
    try {
      const { body } = await production.raw(
        'query ($filter: TicketFilter) { tickets(filter: $filter) { totalCount } }',
        { filter: { statuse: [] } },
        production.adminToken,
      );
      expect(body.errors![0]!.message).toBe('Variable "$filter" has an invalid value at "filter": Field "statuse" is not defined by type "TicketFilter".');
      const typo = await production.raw('{ plans { nam } }');
      expect(typo.body.errors![0]!.message).toBe('Cannot query field "nam" on type "Plan".');
      const development = await app.raw('{ plans { nam } }');
      expect(development.body.errors![0]!.message).toContain('Did you mean "name"?');
    } finally {
      await production.close();
    }
  });

  it('lets only signed-in callers introspect the schema in production', async () => {
    const production = await createTestApp({ production: true });
    try {
      const query = '{ __schema { queryType { name } } }';
      const anonymous = await production.raw(query);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.errors![0]!.extensions?.code).toBe('UNAUTHENTICATED');
      expect((await production.raw('{ __type(name: "Ticket") { name } }')).body.errors![0]!.extensions?.code).toBe('UNAUTHENTICATED');
      expect((await production.raw(query, {}, production.adminToken)).body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
      // The plan catalogue stays public.
      expect((await production.raw('{ plans { name } }')).body.errors).toBeUndefined();
      // Outside production the playground works without a token.
      expect((await app.raw(query)).body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    } finally {
      await production.close();
    }
  });
});

describe('representative limits', () => {
  it('refuses a 100,000-character PHP extension name, naming the field, and files nothing', async () => {
    const { body } = await app.raw(
      'mutation ($input: TicketCreateInput!) { ticketCreate(input: $input) { ticket { id } userErrors { field code message } } }',
      {
        input: {
          subject: 'Checkout is blank',
          description: 'Guests paying with PayPal see a blank page.',
          category: 'BUG_FIX',
          environment: { platform: 'NATIVE', opencartVersion: '3.0.3.8', phpExtensions: ['curl', 'x'.repeat(100_000)] },
        },
      },
      merchant.token,
    );
    expect(body.data!.ticketCreate.ticket).toBeNull();
    expect(body.data!.ticketCreate.userErrors).toEqual([
      {
        field: ['input', 'environment', 'phpExtensions'],
        code: 'INVALID',
        message: 'each value in phpExtensions must be shorter than or equal to 100 characters',
      },
    ]);
    const { tickets } = await merchant.sdk.Tickets({ first: 5 });
    expect(tickets.totalCount).toBe(0);
  });

  it('refuses 301 PHP extensions and a filter with more statuses than exist', async () => {
    const { body } = await app.raw(
      'mutation ($input: TicketCreateInput!) { ticketCreate(input: $input) { userErrors { field code } } }',
      {
        input: {
          subject: 'Checkout is blank',
          description: 'Guests see a blank page.',
          category: 'BUG_FIX',
          environment: { platform: 'NATIVE', phpExtensions: Array.from({ length: 301 }, (_, i) => `ext${i}`) },
        },
      },
      merchant.token,
    );
    expect(body.data!.ticketCreate.userErrors).toEqual([{ field: ['input', 'environment', 'phpExtensions'], code: 'INVALID' }]);
    const filter = await app.raw(
      'query ($filter: TicketFilter) { tickets(filter: $filter) { totalCount } }',
      { filter: { statuses: Array(21).fill('OPEN') } },
      app.adminToken,
    );
    expect(filter.body.errors![0]!.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
