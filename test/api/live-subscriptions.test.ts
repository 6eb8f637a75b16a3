import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphQLClient } from 'graphql-request';
import WebSocket from 'ws';
import { fromGlobalId } from '../../server/common/global-id';
import { DomainEventType } from '../../server/modules/events/domain-event';
import { DomainEvents } from '../../server/modules/events/domain-events';
import { generateMasterKeyText } from '../../server/modules/vault/keyring';
import { getSdk, TicketCategory } from '../sdk/generated';
import { spawnServer, type ServerProcess } from '../support/server-process';
import { createMerchant, createStaff, createTestApp, type Merchant, type TestApp } from '../support/test-app';

/**
 * Two real server processes on one database: a change made through one reaches the live
 * subscribers of the other (the outbox's NOTIFY, read by every process).
 */
let app: TestApp;
let first: ServerProcess;
let second: ServerProcess;
let dataDir: string;
const clients: Client[] = [];

interface Live {
  id: string;
  type: string;
  ticketId: string | null;
  staffOnly: boolean;
  data: Record<string, unknown>;
}

/** A graphql-ws subscription whose events (or error) the test reads one by one. */
function subscribe(url: string, token: string | null, query: string, variables: Record<string, unknown>) {
  const client = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { Authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
  clients.push(client);
  const received: Live[] = [];
  const errors: unknown[] = [];
  let closed: { code: number; reason: string } | null = null;
  let notify = () => {};
  client.on('closed', (event) => {
    closed = { code: (event as { code: number }).code, reason: String((event as { reason?: string }).reason) };
    notify();
  });
  client.subscribe<{ [field: string]: Live }>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors) errors.push(...result.errors);
        if (result.data) received.push(Object.values(result.data)[0]!);
        notify();
      },
      error: (error) => {
        errors.push(error);
        notify();
      },
      complete: () => notify(),
    },
  );
  return {
    received,
    errors,
    closed: () => closed,
    /** Resolves when `done()` holds, checked at every message (bounded by `timeoutMs`). */
    until(done: () => boolean, timeoutMs = 10_000): Promise<boolean> {
      if (done()) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(done()), timeoutMs);
        notify = () => {
          if (done()) {
            clearTimeout(timer);
            resolve(true);
          }
        };
      });
    },
  };
}

const TICKET_EVENTS = `subscription($ticketId: ID!) { ticketEvents(ticketId: $ticketId) { id type ticketId staffOnly data } }`;
const QUEUE_EVENTS = `subscription($team: StaffTeam!) { queueEvents(team: $team) { id type ticketId staffOnly data } }`;

async function fileTicket(merchant: Merchant, subject: string): Promise<string> {
  const created = await merchant.sdk.TicketCreate({
    input: { subject, description: 'The checkout page stays blank after the update.', category: TicketCategory.BugFix },
  });
  return created.ticketCreate.ticket!.id;
}

beforeAll(async () => {
  app = await createTestApp();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'support-desk-live-'));
  const env = { DATABASE_URL: app.databaseUrl, DATA_DIR: dataDir, VAULT_MASTER_KEY: generateMasterKeyText(), RATE_LIMIT_ENABLED: 'false' };
  [first, second] = await Promise.all([spawnServer(env, 150_000), spawnServer(env, 150_000)]);
}, 320_000);

afterAll(async () => {
  for (const client of clients) await client.dispose();
  await Promise.all([first?.stop(), second?.stop()]);
  await app?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('live subscriptions over graphql-ws, across two server processes', () => {
  it('an event committed by any process reaches the subscribers of every process, each scoped like queries', async () => {
    const owner = await createMerchant(app);
    const agent = await createStaff(app, 'AGENT', 'DEVELOPMENT');
    const ticketId = await fileTicket(owner, 'Blank checkout');
    const rawTicketId = Buffer.from(ticketId, 'base64url').toString().split(':')[1]!;
    const customerId = Buffer.from(owner.customerId, 'base64url').toString().split(':')[1]!;
    const onFirst = subscribe(first.url, owner.token, TICKET_EVENTS, { ticketId });
    const onSecond = subscribe(second.url, owner.token, TICKET_EVENTS, { ticketId });
    const queue = subscribe(second.url, agent.token, QUEUE_EVENTS, { team: 'DEVELOPMENT' });
    const events = new DomainEvents(() => app.now());
    const publish = (type: DomainEventType, staffOnly: boolean, data: Record<string, string>) =>
      app.orm.em
        .fork()
        .transactional((tx) =>
          events.publish(tx, { type, ticketId: rawTicketId, customerId, team: 'DEVELOPMENT', actor: { kind: 'STAFF', id: null }, staffOnly, data }),
        );

    // Subscriptions start asynchronously: publish until both processes' subscribers have one.
    let sent = 0;
    do {
      sent += 1;
      await publish(DomainEventType.STAFF_REPLIED, false, { messageId: `m${sent}` });
    } while (!(await onFirst.until(() => onFirst.received.length > 0 && onSecond.received.length > 0, 1_000)) && sent < 10);
    const [seenFirst, seenSecond] = [onFirst.received.length, onSecond.received.length];

    await publish(DomainEventType.INTERNAL_NOTE_ADDED, true, { messageId: 'note' });
    await publish(DomainEventType.STATUS_CHANGED, false, { status: 'IN_PROGRESS' });
    // A rolled-back change publishes nothing.
    await expect(
      app.orm.em.fork().transactional(async (tx) => {
        await events.publish(tx, {
          type: DomainEventType.STATUS_CHANGED,
          ticketId: rawTicketId,
          customerId,
          team: 'DEVELOPMENT',
          actor: { kind: 'STAFF', id: null },
          staffOnly: false,
          data: { status: 'CLOSED' },
        });
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    await publish(DomainEventType.STAFF_REPLIED, false, { messageId: 'last' });

    for (const [live, seen] of [
      [onFirst, seenFirst],
      [onSecond, seenSecond],
    ] as const) {
      expect(await live.until(() => live.received.some((e) => e.data.messageId === 'last'))).toBe(true);
      // After the first one arrived: everything committed, in order, without the internal note.
      expect(live.received.slice(seen).map((e) => [e.type, e.data])).toEqual([
        ['STATUS_CHANGED', { status: 'IN_PROGRESS' }],
        ['STAFF_REPLIED', { messageId: 'last' }],
      ]);
      expect(live.received.every((e) => e.ticketId === ticketId && !e.staffOnly)).toBe(true);
      expect(live.errors).toEqual([]);
    }
    expect(await queue.until(() => queue.received.some((e) => e.data.messageId === 'last'))).toBe(true);
    expect(queue.received.map((e) => e.type)).toContain('INTERNAL_NOTE_ADDED');
    expect(queue.received.map((e) => e.data.status)).not.toContain('CLOSED');
  });

  it("a reply made through the first process's API reaches a ticketEvents subscriber connected to the second", async () => {
    const owner = await createMerchant(app);
    const agent = await createStaff(app, 'AGENT', 'DEVELOPMENT');
    const ticketId = await fileTicket(owner, 'Blank checkout');
    const onSecond = subscribe(second.url, owner.token, TICKET_EVENTS, { ticketId });
    // The agent works through the first process only: its own HTTP endpoint, the real mutation.
    const viaFirst = getSdk(new GraphQLClient(`${first.url}/graphql`, { headers: { authorization: `Bearer ${agent.token}` } }));
    const reply = async (body: string) => {
      const result = await viaFirst.TicketReply({ input: { ticketId, body } });
      expect(result.ticketReply.userErrors).toEqual([]);
      return fromGlobalId(result.ticketReply.message!.id)!.id;
    };
    // The subscription starts asynchronously: reply until it has received one.
    for (let i = 0; i < 10 && onSecond.received.length === 0; i += 1) {
      await reply(`Looking into it (${i}).`);
      await onSecond.until(() => onSecond.received.length > 0, 1_000);
    }
    expect(onSecond.received.length).toBeGreaterThan(0);
    const messageId = await reply('Fixed: the PayPal module was out of date.');
    expect(await onSecond.until(() => onSecond.received.some((e) => e.data.messageId === messageId))).toBe(true);
    const delivered = onSecond.received.find((e) => e.data.messageId === messageId)!;
    expect(delivered).toMatchObject({ type: 'STAFF_REPLIED', ticketId, staffOnly: false });
    expect(onSecond.errors).toEqual([]);
  });

  it("notificationAdded brings the viewer's new in-app notifications, from whichever process wrote them", async () => {
    const owner = await createMerchant(app);
    const other = await createMerchant(app);
    const ticketId = await fileTicket(owner, 'Blank checkout');
    const rawTicketId = Buffer.from(ticketId, 'base64url').toString().split(':')[1]!;
    const customerId = Buffer.from(owner.customerId, 'base64url').toString().split(':')[1]!;
    const NOTIFICATIONS = 'subscription { notificationAdded { id type ticketNumber title readAt } }';
    const mine = subscribe(second.url, owner.token, NOTIFICATIONS, {});
    const theirs = subscribe(first.url, other.token, NOTIFICATIONS, {});
    const events = new DomainEvents(() => app.now());
    let sent = 0;
    do {
      sent += 1;
      await app.orm.em.fork().transactional((tx) =>
        events.publish(tx, {
          type: DomainEventType.STAFF_REPLIED,
          ticketId: rawTicketId,
          customerId,
          team: 'DEVELOPMENT',
          actor: { kind: 'STAFF', id: null },
          staffOnly: false,
          data: { messageId: `n${sent}` },
        }),
      );
    } while (!(await mine.until(() => mine.received.length > 0, 3_000)) && sent < 10);
    expect(mine.errors).toEqual([]);
    const notification = mine.received[0] as unknown as { id: string; type: string; ticketNumber: string; title: string; readAt: string | null };
    expect(notification).toMatchObject({ type: 'STAFF_REPLIED', readAt: null });
    expect(notification.title).toContain(notification.ticketNumber);
    // The same item as in the viewer's list.
    const listed = await app.raw('{ viewer { notifications(first: 5) { nodes { id } } } }', {}, owner.token);
    expect(JSON.stringify(listed.body.data)).toContain(notification.id);
    expect(theirs.received).toEqual([]);
    expect(theirs.errors).toEqual([]);
  });

  it("refuses another merchant's ticket like one that does not exist, the queue to merchants, and connections without a valid token", async () => {
    const owner = await createMerchant(app);
    const other = await createMerchant(app);
    const ticketId = await fileTicket(owner, 'Blank checkout');

    const foreign = subscribe(first.url, other.token, TICKET_EVENTS, { ticketId });
    expect(await foreign.until(() => foreign.errors.length > 0)).toBe(true);
    expect(JSON.stringify(foreign.errors)).toContain('No Ticket with this ID.');

    const queue = subscribe(first.url, owner.token, QUEUE_EVENTS, { team: 'DEVELOPMENT' });
    expect(await queue.until(() => queue.errors.length > 0)).toBe(true);
    expect(JSON.stringify(queue.errors)).toContain('FORBIDDEN');

    for (const token of [null, 'ocm_not-a-real-key']) {
      const anonymous = subscribe(first.url, token, TICKET_EVENTS, { ticketId });
      expect(await anonymous.until(() => anonymous.closed() !== null)).toBe(true);
      expect(anonymous.closed()!.code).toBe(4403);
      expect(anonymous.received).toEqual([]);
    }

    // Queries and mutations stay on HTTP, with its rate limits.
    const query = subscribe(first.url, owner.token, '{ viewer { kind } }', {});
    expect(await query.until(() => query.errors.length > 0)).toBe(true);
    expect(JSON.stringify(query.errors)).toContain('Only subscriptions');
  });

  it('applies the query limits of the caller to live operations', async () => {
    const owner = await createMerchant(app);
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: ticketEvents(ticketId: $ticketId) { id }`).join(' ');
    const tooMany = subscribe(first.url, owner.token, `subscription($ticketId: ID!) { ${aliases} }`, { ticketId: 'x' });
    expect(await tooMany.until(() => tooMany.errors.length > 0)).toBe(true);
    expect(JSON.stringify(tooMany.errors)).toMatch(/TOO_MANY_ALIASES|TOO_MANY_ROOT_FIELDS/);
  });
});
