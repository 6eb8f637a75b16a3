import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { generateMasterKeyText } from '../../server/modules/vault/keyring';
import { TicketCategory } from '../sdk/generated';
import { spawnServer, type ServerProcess } from '../support/server-process';
import { createMerchant, createTestApp, type Merchant, type TestApp } from '../support/test-app';

/**
 * The live WebSocket endpoint's bounds, each set small on a real server process and each refused
 * with its close code and reason (or, for one operation too many, that operation's error). Each
 * test comes from its own client address (X-Forwarded-For behind one trusted proxy), so the
 * per-address count of one test does not reach the next.
 */
let app: TestApp;
let server: ServerProcess;
let dataDir: string;
const sockets: WebSocket[] = [];

const LIMITS = {
  LIVE_MAX_CONNECTIONS_PER_CREDENTIAL: '2',
  LIVE_MAX_CONNECTIONS_PER_ADDRESS: '4',
  LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION: '2',
  LIVE_CONNECTION_INIT_TIMEOUT_SECONDS: '1',
  LIVE_MAX_MESSAGE_BYTES: '2048',
  LIVE_SUBSCRIBES_PER_MINUTE: '5',
};

interface Message {
  id?: string;
  type: string;
  payload?: unknown;
}

/** A graphql-transport-ws connection spoken by hand: what it received, and how it closed. */
function connect(address: string, token: string | null = null) {
  const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', { headers: { 'x-forwarded-for': address } });
  sockets.push(socket);
  const messages: Message[] = [];
  let closed: { code: number; reason: string } | null = null;
  const waiters = new Set<() => void>();
  const changed = () => {
    for (const waiter of waiters) waiter();
  };
  socket.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as Message);
    changed();
  });
  socket.on('close', (code, reason) => {
    closed = { code, reason: String(reason) };
    changed();
  });
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const self = {
    messages,
    closed: () => closed,
    async send(message: Message): Promise<void> {
      await opened;
      socket.send(JSON.stringify(message));
    },
    /** Resolves when `done()` holds, checked at every message and at the close (bounded by `timeoutMs`). */
    until(done: () => boolean, timeoutMs = 10_000): Promise<boolean> {
      if (done()) return Promise.resolve(true);
      return new Promise((resolve) => {
        const waiter = () => {
          if (!done()) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(true);
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          resolve(done());
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    /** Signs in; true once acknowledged. */
    async init(): Promise<boolean> {
      await self.send({ type: 'connection_init', payload: token ? { Authorization: `Bearer ${token}` } : {} });
      return self
        .until(() => messages.some((m) => m.type === 'connection_ack') || closed !== null)
        .then(() => messages.some((m) => m.type === 'connection_ack'));
    },
    close: () => socket.close(1000),
  };
  return self;
}

const TICKET_EVENTS = 'subscription($ticketId: ID!) { ticketEvents(ticketId: $ticketId) { id type } }';

async function fileTicket(merchant: Merchant): Promise<string> {
  const created = await merchant.sdk.TicketCreate({
    input: { subject: 'Blank checkout', description: 'The checkout page stays blank after the update.', category: TicketCategory.BugFix },
  });
  return created.ticketCreate.ticket!.id;
}

beforeAll(async () => {
  app = await createTestApp();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'support-desk-live-limits-'));
  server = await spawnServer(
    {
      DATABASE_URL: app.databaseUrl,
      DATA_DIR: dataDir,
      VAULT_MASTER_KEY: generateMasterKeyText(),
      RATE_LIMIT_ENABLED: 'false',
      TRUST_PROXY_HOPS: '1',
      ...LIMITS,
    },
    150_000,
  );
}, 200_000);

afterAll(async () => {
  for (const socket of sockets) socket.terminate();
  await server?.stop();
  await app?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('live WebSocket bounds', () => {
  it('closes a connection that does not sign in within the connection-init timeout (4408)', async () => {
    const idle = connect('198.51.100.1');
    expect(await idle.until(() => idle.closed() !== null)).toBe(true);
    expect(idle.closed()).toEqual({ code: 4408, reason: 'Connection initialisation timeout' });
  });

  it('refuses a third connection with one credential (4429), and takes one again once a connection closed', async () => {
    const merchant = await createMerchant(app);
    const [one, two, three] = [connect('198.51.100.2', merchant.token), connect('198.51.100.2', merchant.token), connect('198.51.100.2', merchant.token)];
    expect(await one.init()).toBe(true);
    expect(await two.init()).toBe(true);
    expect(await three.init()).toBe(false);
    expect(three.closed()).toEqual({ code: 4429, reason: 'Too many open connections with this credential: at most 2.' });
    // Another credential from the same address is not affected.
    const other = await createMerchant(app);
    expect(await connect('198.51.100.2', other.token).init()).toBe(true);
    one.close();
    expect(await one.until(() => one.closed() !== null)).toBe(true);
    const again = connect('198.51.100.2', merchant.token);
    // The server may see the new connection before the old one's close: the count is released when it has.
    let acknowledged = await again.init();
    for (let attempt = 0; attempt < 5 && !acknowledged; attempt += 1) acknowledged = await connect('198.51.100.2', merchant.token).init();
    expect(acknowledged).toBe(true);
  });

  it('refuses a fifth connection from one address (4429), signed in or not', async () => {
    const merchants = await Promise.all([createMerchant(app), createMerchant(app)]);
    const open = [0, 1, 2, 3].map((i) => connect('198.51.100.3', merchants[i % 2]!.token));
    for (const connection of open) expect(await connection.init()).toBe(true);
    const fifth = connect('198.51.100.3');
    expect(await fifth.until(() => fifth.closed() !== null)).toBe(true);
    expect(fifth.closed()).toEqual({ code: 4429, reason: 'Too many open connections from this address: at most 4.' });
    // Another address is not affected.
    expect(await connect('198.51.100.4', (await createMerchant(app)).token).init()).toBe(true);
  });

  it('refuses a third live operation on one connection with BAD_REQUEST and keeps the connection', async () => {
    const merchant = await createMerchant(app);
    const ticketId = await fileTicket(merchant);
    const connection = connect('198.51.100.5', merchant.token);
    expect(await connection.init()).toBe(true);
    for (const id of ['a', 'b', 'c']) await connection.send({ id, type: 'subscribe', payload: { query: TICKET_EVENTS, variables: { ticketId } } });
    // The three are checked side by side: whichever comes last is the one refused.
    expect(await connection.until(() => connection.messages.some((m) => m.type === 'error'))).toBe(true);
    const answered = connection.messages.filter((m) => m.id !== undefined);
    expect(answered).toHaveLength(1);
    expect(answered[0]).toMatchObject({
      type: 'error',
      payload: [{ message: 'At most 2 live operations per connection.', extensions: { code: 'BAD_REQUEST' } }],
    });
    // The two live ones still receive: a change on the ticket arrives on both.
    const live = ['a', 'b', 'c'].filter((id) => id !== answered[0]!.id);
    const bothReceived = () => live.every((id) => connection.messages.some((m) => m.id === id && m.type === 'next'));
    // They start asynchronously: reply until both have received one.
    for (let i = 0; i < 10 && !bothReceived(); i += 1) {
      await merchant.sdk.TicketReply({ input: { ticketId, body: `Still blank after clearing the cache (${i}).` } });
      await connection.until(bothReceived, 1_000);
    }
    expect(bothReceived()).toBe(true);
    expect(connection.closed()).toBeNull();
  });

  it('closes a connection that sends more subscribe messages than its credential may a minute (4429)', async () => {
    const merchant = await createMerchant(app);
    const connection = connect('198.51.100.6', merchant.token);
    expect(await connection.init()).toBe(true);
    // Each is answered (a validation error) and counted; the sixth is one too many.
    for (let i = 1; i <= 5; i += 1) await connection.send({ id: `s${i}`, type: 'subscribe', payload: { query: 'subscription { nothingHere }' } });
    expect(await connection.until(() => connection.messages.filter((m) => m.type === 'error').length === 5)).toBe(true);
    expect(connection.closed()).toBeNull();
    await connection.send({ id: 's6', type: 'subscribe', payload: { query: 'subscription { nothingHere }' } });
    expect(await connection.until(() => connection.closed() !== null)).toBe(true);
    expect(connection.closed()!.code).toBe(4429);
    expect(connection.closed()!.reason).toMatch(/^Too many subscribe messages: at most 5 a minute\. Retry in \d+ s\.$/);
  });

  it('closes a connection whose message is larger than the limit (1009)', async () => {
    const merchant = await createMerchant(app);
    const connection = connect('198.51.100.7', merchant.token);
    expect(await connection.init()).toBe(true);
    await connection.send({ id: 'big', type: 'subscribe', payload: { query: `subscription { ${'x'.repeat(4_000)} }` } });
    expect(await connection.until(() => connection.closed() !== null)).toBe(true);
    expect(connection.closed()!.code).toBe(1009);
    expect(connection.messages.filter((m) => m.id === 'big')).toEqual([]);
  });
});
