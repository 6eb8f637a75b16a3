import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMerchant, createStaff, createTestApp, type TestApp } from '../support/test-app';

/**
 * One EntityManager fork and one set of DataLoaders per request: a page of tickets with its
 * customer, subscription, plan, assignee and last message costs the same number of SQL
 * statements whether it holds 5 tickets or 50.
 */
let app: TestApp;
const statements: string[] = [];
/** Every statement sent to PostgreSQL, the rate limiter's included (it bypasses the ORM's log). */
const sent: string[] = [];
let counting = false;

beforeAll(async () => {
  app = await createTestApp({ onQuery: (sql) => counting && statements.push(sql) });
  app.orm.em.getKnex().on('query', (query: { sql: string }) => counting && sent.push(query.sql));
  const staff = [await createStaff(app, 'AGENT'), await createStaff(app, 'AGENT')];
  const plans = await app.admin.Plans();
  const premium = plans.plans.find((p) => p.kind === 'PREMIUM_MONTHLY')!.id;
  for (let m = 0; m < 6; m += 1) {
    const merchant = await createMerchant(app);
    await app.admin.SubscriptionCreate({ input: { customerId: merchant.customerId, planId: premium, months: 1 } });
    for (let t = 0; t < 10; t += 1) {
      const created = await merchant.sdk.TicketCreate({
        input: { subject: `Issue ${m}-${t}`, description: 'A realistic problem description for the list.', category: 'BUG_FIX' as never },
      });
      const id = created.ticketCreate.ticket!.id;
      await app.admin.TicketAssign({ input: { ticketId: id, assigneeId: staff[t % 2]!.id } });
      await app.admin.TicketReply({ input: { ticketId: id, body: `Reply to ${m}-${t}` } });
    }
  }
});
afterAll(() => app?.close());

const PAGE = `query($first: Int!) {
  tickets(first: $first, orderBy: MOST_URGENT) {
    totalCount
    edges { node {
      number subject status firstReplyDueAt unreadMessageCount
      customer { email name }
      subscription { status plan { name kind } }
      assignee { name team }
      lastMessage { body author { displayName } }
      access { state reveals { revealedAt } }
    } }
  }
}`;

async function statementsFor(first: number): Promise<number> {
  statements.length = 0;
  counting = true;
  const { body } = await app.raw(PAGE, { first }, app.adminToken);
  counting = false;
  expect(body.errors).toBeUndefined();
  expect(body.data!.tickets.edges).toHaveLength(first);
  for (const edge of body.data!.tickets.edges) {
    expect(edge.node.customer.email).toMatch(/@shop\.test$/);
    expect(edge.node.subscription.plan.kind).toBe('PREMIUM_MONTHLY');
    expect(edge.node.assignee.name).toMatch(/^Staff/);
    expect(edge.node.lastMessage.body).toMatch(/^Reply to /);
  }
  return statements.length;
}

describe('SQL statements per request', () => {
  it('a page of 50 tickets with every edge costs no more statements than a page of 5', async () => {
    const small = await statementsFor(5);
    const large = await statementsFor(50);
    expect(large).toBe(small);
    // Auth, the page (with customers, subscriptions, plans, assignees, last messages and the count), message authors, unread counts, access.
    expect(large).toBeLessThanOrEqual(8);
  });

  it('the staff queue (customer, subscription and plan, assignee, SLA, last message, count) takes 2 statements with the rate limiter and the sign-in (at most 5 allowed), whatever the page size', async () => {
    const QUEUE = `query($first: Int!) {
      tickets(first: $first, orderBy: MOST_URGENT, filter: { statuses: [AWAITING_ACCESS, OPEN, IN_PROGRESS, WAITING_ON_CUSTOMER] }) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node {
          id number subject status priority category firstReplyDueAt resolutionDueAt
          customer { id name email }
          subscription { id status plan { id name kind } }
          assignee { id name team }
          sla { running usedMinutes firstReply { dueAt remainingMinutes breached } resolution { dueAt remainingMinutes breached } }
          lastMessage { body createdAt }
        } }
      }
    }`;
    const run = async (first: number) => {
      statements.length = 0;
      sent.length = 0;
      counting = true;
      const { body } = await app.raw(QUEUE, { first }, app.adminToken);
      counting = false;
      expect(body.errors).toBeUndefined();
      expect(body.data!.tickets.totalCount).toBe(60);
      expect(body.data!.tickets.edges).toHaveLength(first);
      for (const edge of body.data!.tickets.edges) {
        expect(edge.node.customer.email).toMatch(/@shop\.test$/);
        expect(edge.node.subscription.plan.kind).toBe('PREMIUM_MONTHLY');
        expect(edge.node.assignee.name).toMatch(/^Staff/);
        expect(edge.node.lastMessage.body).toMatch(/^Reply to /);
      }
      return { own: [...statements], all: [...sent] };
    };
    const small = await run(5);
    const large = await run(50);
    expect(large.all.length).toBe(small.all.length);
    // The rate limiter's one statement, which reads the token's owner too (the sign-in), then the
    // page with its customer, subscription, plan, assignee, last message and count: 2 of the 5 allowed.
    expect(large.all.length).toBe(2);
    expect(large.all[0]).toMatch(/rate_limit[\s\S]*staff_member/);
    expect(large.own.length).toBe(1);
    // Without totalCount, no count is run.
    statements.length = 0;
    counting = true;
    const { body } = await app.raw(`{ tickets(first: 10, orderBy: MOST_URGENT) { edges { node { number } } } }`, {}, app.adminToken);
    counting = false;
    expect(body.data!.tickets.edges).toHaveLength(10);
    expect(statements.filter((sql) => /count\(/i.test(sql))).toEqual([]);
  });

  it('a page of customers with their keys, allowance, audit trail, tickets, conversations and subscriptions: flat too', async () => {
    const CUSTOMERS = `query($first: Int!) {
      customers(first: $first) { edges { node {
        email apiKeys { prefix } allowance { used remaining }
        events(first: 3) { totalCount edges { node { action } } }
        tickets(first: 3) { totalCount edges { node {
          number messages(first: 3) { totalCount edges { node { body author { displayName team } } } }
          events(first: 3) { totalCount edges { node { action actorStaff { name } } } }
        } } }
        subscriptions(first: 3) { edges { node {
          plan { kind } refunds { status } currentPeriod { index } allowance { used }
          refundEligibility { eligible rule }
        } } }
      } } }
    }`;
    const count = async (first: number) => {
      statements.length = 0;
      counting = true;
      const { body } = await app.raw(CUSTOMERS, { first }, app.adminToken);
      counting = false;
      expect(body.errors).toBeUndefined();
      expect(body.data!.customers.edges).toHaveLength(first);
      for (const edge of body.data!.customers.edges) {
        expect(edge.node.tickets.totalCount).toBe(10);
        expect(edge.node.tickets.edges[0].node.messages.edges[0].node.body).toMatch(/^Reply to /);
        // The first purchase's 10 tickets are used up: the next ticket draws on the second one.
        expect(edge.node.allowance).toEqual({ used: 0, remaining: 10 });
      }
      return statements.length;
    };
    const two = await count(2);
    const six = await count(6);
    expect(two).toBeGreaterThanOrEqual(10);
    expect(six).toBe(two);
  });
});
