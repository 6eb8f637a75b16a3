import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpApp } from '../../server/app/http';
import { recordRejectedByCost } from '../../server/app/metrics';
import { createMerchant, createStaff, createTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let locked: HttpApp;
const METRICS_TOKEN = 'scraper-secret-0123456789abcdef';

beforeAll(async () => {
  app = await createTestApp();
  // As configured for a server reached through a proxy on the same machine: token only.
  locked = await app.serveAlso({ metrics: { token: METRICS_TOKEN, allowLocalhost: false } });
});
afterAll(async () => {
  await app?.close();
});

async function scrape(base = app.url, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(`${base}/metrics`, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

/** The value of one sample, e.g. value(text, 'x_total', { code: 'FORBIDDEN' }); 0 when absent. */
function value(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelPart = /\{(.*)\}/.exec(line)?.[1] ?? '';
    const have = labelPart ? labelPart.split(/,(?=\w+=")/) : [];
    if (wanted.every((w) => have.includes(w)) && (wanted.length > 0 || have.length === 0)) return Number(line.split(' ').at(-1));
  }
  return 0;
}

describe('GET /metrics', () => {
  it('answers a scraper on this machine in Prometheus format, but not through a proxy, and never a merchant', async () => {
    const text = await scrape();
    expect(text).toContain('# TYPE support_desk_graphql_request_duration_seconds histogram');
    expect(text).toContain('# TYPE support_desk_process_resident_memory_bytes gauge');

    const proxied = await fetch(`${app.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(proxied.status).toBe(401);
    const merchant = await createMerchant(app);
    expect((await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${merchant.token}` } })).status).toBe(401);
  });

  it('with localhost not allowed: METRICS_TOKEN or a staff token, nothing else', async () => {
    expect((await fetch(`${locked.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${locked.url}/metrics`, { headers: { authorization: 'Bearer not-the-scraper-secret' } })).status).toBe(401);
    await scrape(locked.url, { authorization: `Bearer ${METRICS_TOKEN}` });
    const agent = await createStaff(app, 'AGENT');
    await scrape(locked.url, { authorization: `Bearer ${agent.token}` });
  });

  it('times requests by operation name and counts GraphQL errors by code', async () => {
    const before = await scrape();
    const merchant = await createMerchant(app);
    for (let i = 0; i < 3; i += 1) await app.raw('query MetricsProbe { plans { id } }');
    const forbidden = await app.raw('query StaffOnly { staffMembers(first: 1) { totalCount } }', {}, merchant.token);
    expect(forbidden.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ocs_wrong' },
      body: '{"query":"{ viewer { kind } }"}',
    });
    const after = await scrape();

    const count = (text: string) => value(text, 'support_desk_graphql_request_duration_seconds_count', { operation: 'MetricsProbe', type: 'query' });
    expect(count(after) - count(before)).toBe(3);
    const errors = (text: string, code: string) => value(text, 'support_desk_graphql_errors_total', { code });
    expect(errors(after, 'FORBIDDEN') - errors(before, 'FORBIDDEN')).toBe(1);
    expect(errors(after, 'UNAUTHENTICATED') - errors(before, 'UNAUTHENTICATED')).toBe(1);
  });

  it('counts refusals by the cost limits and by the rate limits', async () => {
    const before = await scrape();
    recordRejectedByCost('QUERY_TOO_COMPLEX');
    recordRejectedByCost('QUERY_TOO_COMPLEX');
    const limitedApp = await app.serveAlso({
      trustProxyHops: 1,
      rateLimits: { enabled: true, windowSeconds: 60, requestsPerToken: 100, anonymousRequests: 1, authFailures: 20, authFailureWindowSeconds: 60 },
    });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i += 1) {
        const r = await fetch(`${limitedApp.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.77' },
          body: '{"query":"{ plans { id } }"}',
        });
        statuses.push(r.status);
      }
      expect(statuses).toEqual([200, 429, 429]);
    } finally {
      await limitedApp.stop();
    }
    const after = await scrape();
    const cost = (text: string) => value(text, 'support_desk_graphql_rejected_by_cost_total', { code: 'QUERY_TOO_COMPLEX' });
    expect(cost(after) - cost(before)).toBe(2);
    const limited = (text: string) => value(text, 'support_desk_rate_limited_total', { limit: 'anonymous' });
    expect(limited(after) - limited(before)).toBe(2);
  });

  it('shows the database pool and the tickets past their SLA target, as the overdue filter lists them', async () => {
    const merchant = await createMerchant(app);
    const filed = await merchant.sdk.TicketCreate({
      input: { subject: 'Checkout is blank', description: 'Guests paying with PayPal see a blank page.', category: 'BUG_FIX' as never },
    });
    const ticketId = filed.ticketCreate.ticket!.id;
    await app.admin.TicketAccessWaive({ input: { ticketId, reason: 'Access checked on the phone.' } });
    const overdue = async () => (await app.admin.Tickets({ first: 1, filter: { overdue: true } })).tickets.totalCount;

    const onTime = await scrape();
    expect(value(onTime, 'support_desk_tickets_past_sla_target')).toBe(await overdue());
    app.setNow(app.now().plus({ days: 5 }));
    try {
      const late = await scrape();
      const lateCount = await overdue();
      expect(lateCount).toBeGreaterThanOrEqual(1);
      expect(value(late, 'support_desk_tickets_past_sla_target')).toBe(lateCount);
      expect(value(late, 'support_desk_tickets_past_sla_target')).toBe(value(onTime, 'support_desk_tickets_past_sla_target') + 1);
      expect(value(late, 'support_desk_db_pool_max_connections')).toBe(10);
      expect(late).toMatch(/^support_desk_db_pool_connections\{state="used"\} \d+$/m);
      expect(late).toMatch(/^support_desk_db_pool_connections\{state="pending"\} 0$/m);
    } finally {
      app.setNow(app.now().minus({ days: 5 }));
    }
  });
});
