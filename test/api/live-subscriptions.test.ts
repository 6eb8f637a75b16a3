import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphQLClient } from 'graphql-request';
import WebSocket from 'ws';
import { fromGlobalId } from '../../server/common/global-id';
import { DomainEventType } from '../../server/modules/events/domain-event';
import { DomainEvents } from '../../server/modules/events/domain-events';
import { BANNED_MESSAGE } from '../../server/modules/viewer/authenticate';
import { generateMasterKeyText } from '../../server/modules/vault/keyring';
import { BanReason, getSdk, TicketCategory } from '../sdk/generated';
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
  // Credentials checked again before every event: a revocation notice that never arrives still delivers nothing after it.
  const env = {
    DATABASE_URL: app.databaseUrl,
    DATA_DIR: dataDir,
    VAULT_MASTER_KEY: generateMasterKeyText(),
    RATE_LIMIT_ENABLED: 'false',
    LIVE_CREDENTIAL_RECHECK_SECONDS: '0',
  };
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

/** A change on the ticket, committed straight to the outbox (as any process's service would). */
function publisher(ticketId: string, customerId: string) {
  const events = new DomainEvents(() => app.now());
  const rawTicketId = fromGlobalId(ticketId)!.id;
  const rawCustomerId = fromGlobalId(customerId)!.id;
  let sent = 0;
  return async (): Promise<string> => {
    sent += 1;
    const messageId = `r${sent}`;
    await app.orm.em.fork().transactional((tx) =>
      events.publish(tx, {
        type: DomainEventType.STAFF_REPLIED,
        ticketId: rawTicketId,
        customerId: rawCustomerId,
        team: 'DEVELOPMENT',
        actor: { kind: 'STAFF', id: null },
        staffOnly: false,
        data: { messageId },
      }),
    );
    return messageId;
  };
}

/** Publishes until the subscription has received an event: it is then live on its server. */
async function untilLive(live: ReturnType<typeof subscribe>, publish: () => Promise<string>): Promise<void> {
  for (let i = 0; i < 10 && live.received.length === 0; i += 1) {
    await publish();
    await live.until(() => live.received.length > 0, 1_000);
  }
  expect(live.received.length).toBeGreaterThan(0);
}

const viaFirst = (token: string) => new GraphQLClient(`${first.url}/graphql`, { headers: { authorization: `Bearer ${token}` } });

describe('an open live connection whose credential is revoked', () => {
  it('closes at once (4403) when the merchant key is revoked through the other process, and receives nothing after', async () => {
    const owner = await createMerchant(app);
    const ticketId = await fileTicket(owner, 'Blank checkout');
    const publish = publisher(ticketId, owner.customerId);
    const agent = await createStaff(app, 'AGENT', 'DEVELOPMENT');
    const live = subscribe(second.url, owner.token, TICKET_EVENTS, { ticketId });
    const queue = subscribe(second.url, agent.token, QUEUE_EVENTS, { team: 'DEVELOPMENT' });
    await untilLive(live, publish);
    await untilLive(queue, publish);
    const keys = await app.raw('query ($id: ID!) { node(id: $id) { ... on Customer { apiKeys { id } } } }', { id: owner.customerId }, app.adminToken);
    const [key] = (keys.body.data!.node as { apiKeys: { id: string }[] }).apiKeys;
    // The merchant revokes its own key through the first process; the socket is on the second.
    const revoked = await viaFirst(owner.token).request<{ merchantApiKeyRevoke: { userErrors: unknown[] } }>(
      'mutation ($id: ID!) { merchantApiKeyRevoke(input: { apiKeyId: $id }) { userErrors { code } } }',
      { id: key!.id },
    );
    expect(revoked.merchantApiKeyRevoke.userErrors).toEqual([]);
    // No event is needed: the database's notice closes it.
    expect(await live.until(() => live.closed() !== null)).toBe(true);
    expect(live.closed()).toEqual({ code: 4403, reason: 'Credential revoked: This API key is not valid or was revoked.' });
    // The next event is committed and fanned out (the staff queue on the same process has it), not to the revoked key.
    const after = await publish();
    expect(await queue.until(() => queue.received.some((e) => e.data.messageId === after))).toBe(true);
    expect(live.received.map((e) => e.data.messageId)).not.toContain(after);
  });

  it('closes with the ban message when the customer is banned', async () => {
    const owner = await createMerchant(app);
    const ticketId = await fileTicket(owner, 'Blank checkout');
    const publish = publisher(ticketId, owner.customerId);
    const live = subscribe(first.url, owner.token, TICKET_EVENTS, { ticketId });
    await untilLive(live, publish);
    const banned = await getSdk(viaFirst(app.adminToken)).CustomerBan({
      input: { customerId: owner.customerId, reason: BanReason.Abuse, note: 'Chargebacks.' },
    });
    expect(banned.customerBan.userErrors).toEqual([]);
    expect(await live.until(() => live.closed() !== null)).toBe(true);
    expect(live.closed()).toEqual({ code: 4403, reason: `Credential revoked: ${BANNED_MESSAGE}` });
  });

  it("closes a staff member's connections when the account is disabled, or when its token is rotated", async () => {
    const owner = await createMerchant(app);
    const ticketId = await fileTicket(owner, 'Blank checkout');
    const publish = publisher(ticketId, owner.customerId);
    const disabledAgent = await createStaff(app, 'AGENT', 'DEVELOPMENT');
    const rotatedAgent = await createStaff(app, 'AGENT', 'DEVELOPMENT');
    const disabled = subscribe(second.url, disabledAgent.token, QUEUE_EVENTS, { team: 'DEVELOPMENT' });
    const rotated = subscribe(first.url, rotatedAgent.token, QUEUE_EVENTS, { team: 'DEVELOPMENT' });
    await untilLive(disabled, publish);
    await untilLive(rotated, publish);
    const admin = viaFirst(app.adminToken);
    const update = await admin.request<{ staffMemberUpdate: { userErrors: unknown[] } }>(
      'mutation ($id: ID!) { staffMemberUpdate(input: { staffMemberId: $id, active: false }) { userErrors { code } } }',
      { id: disabledAgent.id },
    );
    expect(update.staffMemberUpdate.userErrors).toEqual([]);
    // The agent rotates its own token through the second process; its socket is on the first.
    const rotation = await new GraphQLClient(`${second.url}/graphql`, { headers: { authorization: `Bearer ${rotatedAgent.token}` } }).request<{
      staffTokenRotate: { userErrors: unknown[] };
    }>('mutation { staffTokenRotate(input: {}) { userErrors { code } } }');
    expect(rotation.staffTokenRotate.userErrors).toEqual([]);
    for (const live of [disabled, rotated]) {
      expect(await live.until(() => live.closed() !== null)).toBe(true);
      expect(live.closed()).toEqual({ code: 4403, reason: 'Credential revoked: This staff token is not valid or the account is disabled.' });
    }
  });

  it('delivers no event after a revocation whose notice never came (changed with triggers off): the event closes the socket instead', async () => {
    const owner = await createMerchant(app);
    const ticketId = await fileTicket(owner, 'Blank checkout');
    const publish = publisher(ticketId, owner.customerId);
    const live = subscribe(second.url, owner.token, TICKET_EVENTS, { ticketId });
    await untilLive(live, publish);
    const client = new pg.Client({ connectionString: app.databaseUrl });
    await client.connect();
    try {
      await client.query('begin');
      // Replica mode skips triggers: no notice reaches the servers, as if it had been lost.
      await client.query('set local session_replication_role = replica');
      await client.query('update merchant_api_key set revoked_at = now() where customer_id = $1', [fromGlobalId(owner.customerId)!.id]);
      await client.query('commit');
    } finally {
      await client.end();
    }
    const before = live.received.length;
    expect(live.closed()).toBeNull();
    await publish();
    expect(await live.until(() => live.closed() !== null)).toBe(true);
    expect(live.closed()!.code).toBe(4403);
    expect(live.received.length).toBe(before);
  });
});
