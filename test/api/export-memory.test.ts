import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMerchant, createStaff, createTestApp, type TestApp } from '../support/test-app';

/**
 * A large export is streamed, not built in memory: 60,000 tickets (a CSV of about 28 MB) go
 * through while the memory the process holds stays within a few pages of rows. Were the rows or
 * the CSV collected before sending, it would grow by more than the file's size.
 */
const TICKETS = 60_000;
let app: TestApp;
let token: string;

beforeAll(async () => {
  app = await createTestApp();
  token = (await createStaff(app, 'AGENT')).token;
  const merchant = await createMerchant(app);
  await merchant.sdk.TicketCreate({
    input: {
      subject: 'Template ticket',
      description: 'Copied many times below.',
      category: 'BUG_FIX' as never,
      environment: { platform: 'NATIVE' as never, opencartVersion: '4.0.2.3' },
    },
  });
  const client = new pg.Client({ connectionString: app.databaseUrl });
  await client.connect();
  try {
    // Copies of the ticket filed above, each with its own id, number and creation time; the
    // merchant's long name and address make each row about 500 bytes.
    await client.query(
      `insert into ticket (id, serial, customer_id, subscription_id, subject, description, category, coverage, platform_flags, environment, created_at)
       select gen_random_uuid(), 1000 + g, customer_id, subscription_id, 'Ticket ' || g, 'Copied.', category, coverage, platform_flags, environment,
              timestamptz '2026-03-01 00:00:00+00' + g * interval '10 seconds'
       from ticket t0, generate_series(1, $2::int) g where t0.id = $1`,
      [(await client.query('select id from ticket limit 1')).rows[0].id, TICKETS],
    );
    await client.query(`update customer set name = repeat('Northwind Traders ', 6), email = repeat('x', 220) || '@northwind-traders.example'`);
  } finally {
    await client.end();
  }
}, 180_000);
afterAll(() => app?.close());

// A full collection on demand, so that what is measured is memory still in use, not garbage.
v8.setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Memory the process holds after a full collection: the JavaScript heap and the buffers outside it. */
function liveMegabytes(): number {
  collectGarbage();
  const usage = process.memoryUsage();
  return (usage.heapUsed + usage.external) / 2 ** 20;
}

/**
 * Reads the export of [from, to) to the end, keeping only counts; meanwhile, every 2 MB, the
 * memory still in use (server and client share this process).
 */
async function download(from: string, to: string) {
  const url = new URL('/export/tickets.csv', app.url);
  url.searchParams.set('from', from);
  url.searchParams.set('to', to);
  const before = liveMegabytes();
  const rssBefore = process.memoryUsage().rss;
  let live = before;
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  let bytes = 0;
  let nextSample = 0;
  let lines = 0;
  let tail: Uint8Array = new Uint8Array();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
    tail = chunk;
    if (bytes >= nextSample) {
      live = Math.max(live, liveMegabytes());
      nextSample = bytes + 2 * 2 ** 20;
    }
  }
  const rssGrowth = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
  return { lines, megabytes: bytes / 2 ** 20, liveGrowth: live - before, rssGrowth, tail: new TextDecoder().decode(tail) };
}

it('streams 60,000 tickets while memory stays flat', async () => {
  // A first export of a few thousand rows warms the process up (code compiled, heap sized).
  const warmUp = await download('2026-03-01T00:00:00Z', '2026-03-01T12:00:00Z');
  expect(warmUp.lines).toBe(4320);
  const full = await download('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z');
  console.log(
    `export: ${full.megabytes.toFixed(1)} MB; memory in use at most +${full.liveGrowth.toFixed(1)} MB; resident memory +${full.rssGrowth.toFixed(1)} MB`,
  );
  // The header, the ticket filed through the API, and the copies.
  expect(full.lines).toBe(TICKETS + 2);
  expect(full.tail).toContain(`OC-${String(1000 + TICKETS).padStart(6, '0')}`);
  expect(full.megabytes).toBeGreaterThan(25);
  // A few pages in flight (about 0.5 MB each), never the export: holding it would add over 25 MB.
  expect(full.liveGrowth, `memory in use grew ${full.liveGrowth.toFixed(1)} MB during a ${full.megabytes.toFixed(1)} MB export`).toBeLessThan(8);
}, 180_000);
