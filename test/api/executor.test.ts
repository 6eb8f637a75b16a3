import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MERCHANT_LIST, NODE, STAFF_QUEUE } from '../../bench/scenarios';
import type { HttpApp } from '../../server/app/http';
import { compiledExecution } from '../../server/app/executor';
import { getSchema } from '../../server/app/schema';
import { createMerchant, createStaff, createTestApp, type Merchant, type TestApp } from '../support/test-app';

/**
 * Queries run compiled (graphql-jit) and everything else on graphql-js: two apps on one
 * database, one compiling and one not, must give the same status and the same JSON, byte for
 * byte, to the same requests, errors included.
 */
let app: TestApp;
let compiled: HttpApp;
let interpreted: HttpApp;
let merchant: Merchant;
let agentToken: string;
let ticketId: string;

beforeAll(async () => {
  app = await createTestApp();
  compiled = await app.serveAlso({});
  interpreted = await app.serveAlso({ compiledQueries: false });
  agentToken = (await createStaff(app, 'AGENT', 'SUPPORT')).token;
  merchant = await createMerchant(app);
  for (let i = 0; i < 3; i += 1) {
    const created = await merchant.sdk.TicketCreate({
      input: { subject: `Checkout fails ${i}`, description: 'The payment step shows a blank page.', category: 'BUG_FIX' as never },
    });
    ticketId = created.ticketCreate.ticket!.id;
    await app.admin.TicketReply({ input: { ticketId, body: `Looking into it (${i})` } });
  }
});
afterAll(() => app?.close());

async function ask(server: HttpApp, token: string | null, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: await response.text() };
}

/** Both apps' answers, checked equal; the compiled app's counts before and after. */
async function bothAnswer(token: string | null, query: string, variables?: Record<string, unknown>) {
  const before = { ...compiled.execution.counts };
  const fromCompiled = await ask(compiled, token, query, variables);
  const after = { ...compiled.execution.counts };
  const fromGraphqlJs = await ask(interpreted, token, query, variables);
  expect(fromCompiled).toEqual(fromGraphqlJs);
  const ran = Object.fromEntries(
    Object.entries(after)
      .filter(([way, n]) => n !== before[way as keyof typeof before])
      .map(([way, n]) => [way, n - before[way as keyof typeof before]]),
  );
  return { ...fromCompiled, json: JSON.parse(fromCompiled.body) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] }, ran };
}

/** A document's first request runs on graphql-js (it is compiled when it comes again): both answers, checked equal. */
async function bothAnswerTwice(token: string | null, query: string, variables?: Record<string, unknown>) {
  const first = await bothAnswer(token, query, variables);
  expect(first.ran).toEqual({ 'first-sight': 1 });
  const second = await bothAnswer(token, query, variables);
  expect(second.body).toBe(first.body);
  return second;
}

describe('compiled queries', () => {
  it('answer the staff queue, a merchant list and a node with fragments exactly as graphql-js does, compiled', async () => {
    const queue = await bothAnswerTwice(agentToken, STAFF_QUEUE);
    expect(queue.status).toBe(200);
    expect(queue.json.data.tickets.totalCount).toBe(3);
    expect(queue.json.data.tickets.edges[0].node.lastMessage.body).toMatch(/^Looking into it/);
    expect(queue.json.data.tickets.edges[0].node.sla).toEqual(expect.objectContaining({ running: expect.any(Boolean) }));
    expect(queue.ran).toEqual({ compiled: 1 });

    const list = await bothAnswerTwice(merchant.token, MERCHANT_LIST);
    expect(list.json.data.tickets.edges).toHaveLength(3);
    expect(list.ran).toEqual({ compiled: 1 });

    const node = await bothAnswerTwice(agentToken, NODE, { id: ticketId });
    expect(node.json.data.node.subject).toBe('Checkout fails 2');
    expect(node.json.data.node.messages.nodes[0].body).toBe('Looking into it (2)');
    expect(node.ran).toEqual({ compiled: 1 });

    // The same document again: compiled once, run from the cache.
    const again = await bothAnswer(agentToken, STAFF_QUEUE);
    expect(again.body).toBe(queue.body);
    expect(again.ran).toEqual({ compiled: 1 });
  });

  it('answer the playground introspection as graphql-js does', async () => {
    const introspection = await bothAnswerTwice(agentToken, getIntrospectionQuery({ descriptions: true }));
    expect(introspection.json.data.__schema.queryType.name).toBe('Query');
    expect(introspection.ran).toEqual({ compiled: 1 });
  });

  it('leave errors to graphql-js: the same texts, codes, paths and partial data', async () => {
    const outOfRange = await bothAnswerTwice(agentToken, '{ tickets(first: 100000) { totalCount } }');
    expect(outOfRange.json.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(outOfRange.ran).toEqual({ errors: 1 });

    // A non-null field refused: the error, and null propagated up to `data`.
    const forbidden = await bothAnswerTwice(merchant.token, '{ viewer { __typename } staffMembers(first: 5) { totalCount } }');
    expect(forbidden.json.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(forbidden.json.errors?.[0]).toEqual(expect.objectContaining({ path: ['staffMembers'] }));
    expect(forbidden.json.data).toBeNull();
    expect(forbidden.ran).toEqual({ errors: 1 });

    // A staff-only field of each row keeps its role check (plain fields around it are read directly).
    const staffOnly = await bothAnswerTwice(merchant.token, '{ tickets(first: 1) { edges { node { id number status accessWithheld } } } }');
    expect(staffOnly.json.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(staffOnly.ran).toEqual({ errors: 1 });

    const anonymous = await bothAnswerTwice(null, '{ tickets(first: 1) { totalCount } }');
    expect(anonymous.json.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(anonymous.ran).toEqual({ errors: 1 });
  });

  it('leave refused variables to graphql-js, which runs nothing and names the variable without echoing it', async () => {
    const refused = await bothAnswer(agentToken, NODE, { id: { secret: 'hunter2' } });
    expect(refused.status).toBe(400);
    expect(refused.body).not.toContain('hunter2');
    expect(refused.json.errors?.[0]?.message).toMatch(/^Variable "\$id" has an invalid value/);
    expect(refused.ran).toEqual({ 'invalid-variables': 1 });
  });

  it('leave mutations to graphql-js', async () => {
    const mutation = `mutation($input: TicketReplyInput!) { ticketReply(input: $input) { userErrors { code field } } }`;
    const missing = { input: { ticketId: 'VGlja2V0OjA=', body: 'Anyone there?' } };
    const reply = await bothAnswer(app.adminToken, mutation, missing);
    expect(reply.json.data.ticketReply.userErrors[0].code).toEqual(expect.any(String));
    expect(reply.ran).toEqual({ 'not-a-query': 1 });
  });
});

describe('the cache of compiled operations', () => {
  it('compiles a document the second time it comes, and keeps at most its limit, the least recently used forgotten first', async () => {
    const execution = compiledExecution(await getSchema(), 2);
    const { executor } = await execution.gateway.load({ apollo: { key: undefined, keyHash: undefined, graphRef: undefined } as never });
    const run = async (source: string) => {
      const { parse, getOperationAST } = await import('graphql');
      const document = parse(source);
      return executor!({ source, document, operation: getOperationAST(document)!, request: {}, context: {} } as never);
    };
    // Each twice: seen, then compiled. A is forgotten when C comes, so it is seen anew.
    for (const name of ['A', 'A', 'B', 'B', 'C', 'C', 'A', 'A']) expect(await run(`query ${name} { __typename }`)).toEqual({ data: { __typename: 'Query' } });
    expect(execution.kept).toBe(2);
    expect(execution.counts).toEqual(expect.objectContaining({ compiled: 4, 'first-sight': 4 }));
  });
});
