import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMerchant, createStaff, createTestApp, type TestApp } from '../support/test-app';

/**
 * One EntityManager fork and one set of DataLoaders per request: a page of tickets with its
 * customer, subscription, plan, assignee and last message costs the same number of SQL
 * statements whether it holds 5 tickets or 50.
 */
let app: TestApp;
const statements: string[] = [];
let counting = false;

beforeAll(async () => {
  app = await createTestApp({ onQuery: (sql) => counting && statements.push(sql) });
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
    expect(small).toBeGreaterThanOrEqual(6);
    expect(large).toBe(small);
    // Auth, page, count, customers, subscriptions, plans, staff (assignees and authors), last messages, unread counts, access.
    expect(large).toBeLessThanOrEqual(12);
  });
});
