import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketListConditions } from '../../server/modules/ticket/ticket-list';
import type { TicketFilter } from '../../server/modules/ticket/ticket-query.types';
import { createMerchant, createTestApp, type Merchant, type TestApp } from '../support/test-app';

/**
 * The SLA, platform, flag and resolution filters of `tickets(filter:)`, on tickets whose facts
 * the test knows, each compared with what the tickets themselves show through the API; and the
 * SQL of every filter can be answered from an index.
 */
let app: TestApp;
let merchant: Merchant;
const ids: Record<string, string> = {};

const LIST = `query($filter: TicketFilter) {
  tickets(filter: $filter, first: 100) {
    totalCount
    nodes { id subject platformFlags notEnglish resolvedAt closedAt
      sla { firstReply { breached } resolution { breached } } }
  }
}`;

interface Row {
  id: string;
  subject: string;
  platformFlags: string[];
  notEnglish: boolean;
  resolvedAt: string | null;
  closedAt: string | null;
  sla: { firstReply: { breached: boolean }; resolution: { breached: boolean } };
}

async function list(filter: Record<string, unknown>, token = app.adminToken): Promise<Row[]> {
  const { body } = await app.raw(LIST, { filter }, token);
  expect(body.errors).toBeUndefined();
  expect(body.data!.tickets.totalCount).toBe(body.data!.tickets.nodes.length);
  return body.data!.tickets.nodes;
}

const names = (rows: Row[]) => rows.map((row) => row.subject).sort();

async function file(key: string, environment: Record<string, unknown> | null, description = 'The store shows an error after the last update.') {
  const created = await merchant.sdk.TicketCreate({
    input: { subject: `Ticket ${key}`, description, category: 'BUG_FIX' as never, ...(environment ? { environment: environment as never } : {}) },
  });
  const ticket = created.ticketCreate.ticket;
  if (!ticket) throw new Error(JSON.stringify(created.ticketCreate.userErrors));
  ids[key] = ticket.id;
  return ticket.id;
}

async function startWork(key: string) {
  const waived = await app.admin.TicketAccessWaive({ input: { ticketId: ids[key]!, reason: 'We have access from a previous ticket.' } });
  expect(waived.ticketAccessWaive.userErrors).toEqual([]);
}

async function setStatus(key: string, status: string) {
  const changed = await app.admin.TicketStatusChange({ input: { ticketId: ids[key]!, status: status as never } });
  expect(changed.ticketStatusChange.userErrors).toEqual([]);
}

beforeAll(async () => {
  app = await createTestApp();
  merchant = await createMerchant(app);
  // Tuesday 05:00 New York: the support day runs until 12:00.
  await file('native-4', { platform: 'NATIVE', opencartVersion: '4.0.2.3' });
  await file('native-3', { platform: 'NATIVE', opencartVersion: ' 3.0.3.8' });
  await file('legacy', { platform: 'NATIVE', opencartVersion: '1.5.1.3' });
  await file('mijoshop', { platform: 'MIJOSHOP', opencartVersion: '3.0.3.8' });
  await file('arastta', { platform: 'ARASTTA', opencartVersion: '1.6.2' });
  await file('no-env', null);
  await file(
    'french',
    { platform: 'NATIVE', opencartVersion: '4.0.2.3' },
    'Bonjour, depuis la mise à jour de notre boutique, le paiement ne fonctionne plus et nos clients ne peuvent plus commander. Pouvez-vous nous aider rapidement, s’il vous plaît ?',
  );

  // late-reply: work starts now, the first reply comes two business days later (past one support day).
  // on-time: replied at once, resolved two hours later; native-3: answered Wednesday, closed Thursday.
  // running-late: work starts now and nobody answers.
  for (const key of ['native-4', 'native-3', 'on-time', 'running-late']) {
    if (!ids[key]) await file(key, { platform: 'NATIVE', opencartVersion: '4.1.0.4' });
    await startWork(key);
  }
  await app.admin.TicketReply({ input: { ticketId: ids['on-time']!, body: 'On it.' } });
  app.setNow(app.now().plus({ hours: 2 }));
  await setStatus('on-time', 'RESOLVED');
  app.setNow(app.now().plus({ days: 1 }));
  await app.admin.TicketReply({ input: { ticketId: ids['native-3']!, body: 'Looking at it.' } });
  app.setNow(app.now().plus({ days: 1 }));
  await app.admin.TicketReply({ input: { ticketId: ids['native-4']!, body: 'Sorry for the wait.' } });
  await setStatus('native-3', 'CLOSED');
});
afterAll(() => app?.close());

describe('tickets(filter:) — SLA, platform, flags, resolution dates', () => {
  it('breached lists exactly the tickets whose SLA shows a missed target, and false the others', async () => {
    const all = await list({});
    const missed = all.filter((row) => row.sla.firstReply.breached || row.sla.resolution.breached);
    // native-4 was answered late; running-late is past due now; native-3 was answered after a day.
    expect(names(missed)).toEqual(expect.arrayContaining(['Ticket native-4', 'Ticket running-late']));
    expect(names(missed)).not.toContain('Ticket on-time');
    expect(names(await list({ breached: true }))).toEqual(names(missed));
    expect(names(await list({ breached: false }))).toEqual(names(all.filter((row) => !missed.includes(row))));
  });

  it('platforms, OpenCart lines and exact versions follow what the store reported', async () => {
    expect(names(await list({ platforms: ['MIJOSHOP', 'ARASTTA'] }))).toEqual(['Ticket arastta', 'Ticket mijoshop']);
    expect(names(await list({ opencartLines: ['3.0'] }))).toEqual(['Ticket mijoshop', 'Ticket native-3']);
    // Arastta's own 1.6.2 is no OpenCart version; 1.5.1.3 is on the 1.5 line.
    expect(names(await list({ opencartLines: ['1.5'] }))).toEqual(['Ticket legacy']);
    expect(names(await list({ opencartLines: ['4.x'] }))).toEqual(['Ticket french', 'Ticket native-4', 'Ticket on-time', 'Ticket running-late']);
    expect(names(await list({ opencartVersions: ['4.0.2.3'] }))).toEqual(['Ticket french', 'Ticket native-4']);
    expect(names(await list({ opencartVersions: ['3.0.3.8'], platforms: ['NATIVE'] }))).toEqual(['Ticket native-3']);
    const refused = await app.raw(LIST, { filter: { opencartLines: ['5.0'] } }, app.adminToken);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('flags and notEnglish list the tickets carrying them', async () => {
    const all = await list({});
    for (const flag of ['LEGACY_VERSION', 'NON_NATIVE_PORT', 'UNKNOWN_VERSION']) {
      const carrying = all.filter((row) => row.platformFlags.includes(flag));
      expect(carrying.length).toBeGreaterThan(0);
      expect(names(await list({ flags: [flag] }))).toEqual(names(carrying));
    }
    expect(names(await list({ flags: ['LEGACY_VERSION', 'NON_NATIVE_PORT'] }))).toEqual(
      names(all.filter((row) => row.platformFlags.includes('LEGACY_VERSION') || row.platformFlags.includes('NON_NATIVE_PORT'))),
    );
    expect(names(await list({ notEnglish: true }))).toEqual(['Ticket french']);
    expect(await list({ notEnglish: false })).toHaveLength(all.length - 1);
  });

  it('resolved and closed date ranges', async () => {
    const all = await list({});
    const resolved = all.find((row) => row.subject === 'Ticket on-time')!;
    const closed = all.find((row) => row.subject === 'Ticket native-3')!;
    expect(resolved.resolvedAt).not.toBeNull();
    expect(closed.closedAt).not.toBeNull();
    const at = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();
    expect(names(await list({ resolvedAfter: at(resolved.resolvedAt!, -1), resolvedBefore: at(resolved.resolvedAt!, 1) }))).toEqual(['Ticket on-time']);
    expect(await list({ resolvedAfter: at(resolved.resolvedAt!, 1) })).toEqual([]);
    expect(names(await list({ closedAfter: at(closed.closedAt!, -1) }))).toEqual(['Ticket native-3']);
    expect(await list({ closedBefore: at(closed.closedAt!, 0) })).toEqual([]);
  });

  it('a merchant filters their own tickets the same way', async () => {
    const other = await createMerchant(app);
    expect(await list({ platforms: ['MIJOSHOP'] }, other.token)).toEqual([]);
    expect(names(await list({ platforms: ['MIJOSHOP'] }, merchant.token))).toEqual(['Ticket mijoshop']);
  });

  it('every filter can be answered from an index (no sequential scan of ticket)', async () => {
    const client = new pg.Client({ connectionString: app.databaseUrl });
    await client.connect();
    try {
      await client.query('set enable_seqscan = off');
      const now = new Date();
      const filters: Array<[string, Partial<TicketFilter>, string]> = [
        ['search', { search: 'payment' }, 'ticket_search_internal_document_index'],
        ['breached', { breached: true }, 'ticket_sla_breached_index'],
        ['platforms', { platforms: ['MIJOSHOP' as never] }, 'ticket_platform_index'],
        ['opencartLines', { opencartLines: ['3.0'] }, 'ticket_opencart_line_index'],
        ['opencartVersions', { opencartVersions: ['3.0.3.8'] }, 'ticket_opencart_version_index'],
        ['flags', { flags: ['LEGACY_VERSION' as never] }, 'ticket_platform_flags_index'],
        ['notEnglish', { notEnglish: true }, 'ticket_not_english_index'],
        ['resolvedAfter', { resolvedAfter: now }, 'ticket_resolved_at_index'],
        ['closedBefore', { closedBefore: now }, 'ticket_closed_at_index'],
      ];
      for (const [name, filter, index] of filters) {
        const conditions = ticketListConditions(filter as TicketFilter, { kind: 'staff' } as never, now);
        let n = 0;
        const text = `explain select t.id from ticket t where ${conditions.map((c) => `(${c.sql})`).join(' and ')}`.replace(/\?/g, () => `$${++n}`);
        const plan = (
          await client.query(
            text,
            conditions.flatMap((c) => c.params),
          )
        ).rows
          .map((row) => row['QUERY PLAN'])
          .join('\n');
        expect(plan, name).not.toMatch(/Seq Scan on ticket\b/);
        expect(plan, name).toContain(index);
      }
    } finally {
      await client.end();
    }
  });
});
