/**
 * npm run bench: timings that do not belong in tests. The SLA calendar's hot paths, then the
 * API end to end (a page of 50 tickets with every edge) on a throw-away embedded PostgreSQL.
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { GraphQLClient } from 'graphql-request';
import { DateTime } from 'luxon';
import { systemClock } from '../server/app/clock';
import { startEmbeddedPostgres } from '../server/app/database';
import { startHttpApp } from '../server/app/http';
import { createLogger } from '../server/app/logger';
import { ensureFirstAdmin, openOrm, prepareDatabase } from '../server/app/runtime';
import { findFreePort } from '../server/common/ports';
import { SupportCalendar } from '../server/modules/support-hours/support-calendar';
import { getSdk } from '../test/sdk/generated';
import { benchQueryLimits } from './query-limits';

function measure(name: string, iterations: number, fn: (i: number) => unknown): void {
  for (let i = 0; i < Math.min(100, iterations); i += 1) fn(i); // warm-up
  const start = performance.now();
  for (let i = 0; i < iterations; i += 1) fn(i);
  const ms = performance.now() - start;
  console.log(`${name.padEnd(58)} ${(ms / iterations).toFixed(4).padStart(10)} ms/op  (${iterations} ops)`);
}

async function measureAsync(name: string, iterations: number, fn: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 5; i += 1) await fn();
  const times: number[] = [];
  for (let i = 0; i < iterations; i += 1) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const p = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(1);
  console.log(`${name.padEnd(58)} p50 ${p(0.5)} ms  p95 ${p(0.95)} ms  (${iterations} requests)`);
}

const calendar = new SupportCalendar();
const start = DateTime.fromISO('2026-11-20T10:30:00', { zone: 'America/New_York' });
measure('addSupportMinutes: 3 support days from a Friday', 20_000, (i) => calendar.addSupportMinutes(start.plus({ minutes: i % 600 }), 1620));
measure('supportMinutesBetween: across a holiday week', 20_000, (i) => calendar.supportMinutesBetween(start, start.plus({ days: 7, minutes: i % 600 })));
measure('status(now, Europe/Berlin)', 20_000, (i) => calendar.status(start.plus({ minutes: i }), 'Europe/Berlin'));
await benchQueryLimits(measure);

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'support-desk-bench-'));
const logger = createLogger('silent');
const db = await startEmbeddedPostgres({ dataDir, port: await findFreePort(), logger });
const orm = await openOrm(db.url);
try {
  await prepareDatabase(orm);
  const token = (await ensureFirstAdmin(orm, 'bench@support.local'))!;
  const app = await startHttpApp({ orm, logger, clock: systemClock, calendar, host: '127.0.0.1', port: 0 });
  const admin = getSdk(new GraphQLClient(`${app.url}/graphql`, { headers: { authorization: `Bearer ${token}` } }));
  const premium = (await admin.Plans()).plans.find((p) => p.kind === 'PREMIUM_MONTHLY')!.id;
  for (let c = 0; c < 20; c += 1) {
    const customer = (await admin.CustomerCreate({ input: { email: `bench${c}@shop.example`, name: `Bench ${c}` } })).customerCreate.customer!;
    await admin.SubscriptionCreate({ input: { customerId: customer.id, planId: premium, months: 1 } });
    for (let t = 0; t < 10; t += 1) {
      const ticket = (await admin.TicketCreate({ input: { customerId: customer.id, subject: `Bench ${c}-${t}`, description: 'A benchmark ticket body.', category: 'BUG_FIX' as never } })).ticketCreate.ticket!;
      await admin.TicketReply({ input: { ticketId: ticket.id, body: 'A reply.' } });
    }
  }
  // 50 tickets whose clocks run (access waived, no reply yet): their due times are computed live.
  const waiting = (await admin.CustomerCreate({ input: { email: 'waiting@shop.example', name: 'Waiting' } })).customerCreate.customer!;
  for (let s = 0; s < 5; s += 1) await admin.SubscriptionCreate({ input: { customerId: waiting.id, planId: premium, months: 1 } });
  for (let t = 0; t < 50; t += 1) {
    const ticket = (await admin.TicketCreate({ input: { customerId: waiting.id, subject: `Waiting ${t}`, description: 'A ticket nobody answered yet.', category: 'BUG_FIX' as never } })).ticketCreate.ticket!;
    await admin.TicketAccessWaive({ input: { ticketId: ticket.id, reason: 'Benchmark set-up.' } });
  }
  const client = new GraphQLClient(`${app.url}/graphql`, { headers: { authorization: `Bearer ${token}` } });
  const running = `query($c: ID!) { tickets(first: 50, filter: { customerId: $c }) { edges { node { number firstReplyDueAt resolutionDueAt sla { usedMinutes firstReply { dueAt remainingMinutes breached } resolution { dueAt } } } } } }`;
  await measureAsync('GraphQL: 50 running tickets with every due time', 100, () => client.request(running, { c: waiting.id }));
  const page = `{ tickets(first: 50, orderBy: MOST_URGENT) { totalCount edges { node { number subject firstReplyDueAt sla { usedMinutes } customer { name } subscription { plan { name } } assignee { name } lastMessage { body } } } } }`;
  await measureAsync('GraphQL: a page of 50 tickets with every edge (200 rows)', 100, () => client.request(page));
  await measureAsync('GraphQL: customer + subscription + ticketCreate', 50, async () => {
    const customer = (await admin.CustomerCreate({ input: { email: `b${Math.random()}@shop.example`, name: 'B' } })).customerCreate.customer!;
    await admin.SubscriptionCreate({ input: { customerId: customer.id, planId: premium, months: 1 } });
    await admin.TicketCreate({ input: { customerId: customer.id, subject: 'Timed', description: 'A timed ticket body.', category: 'BUG_FIX' as never } });
  });
  await app.stop();
} finally {
  await orm.close();
  await db.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
