import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TicketCategory } from '../sdk/generated';
import { createMerchant, createTestApp, type Merchant, type TestApp } from '../support/test-app';

/**
 * The allowance window of supportStats is computed in SQL: it must cut the months exactly where
 * the API's own billing periods do, a contract started on the 31st included (Jan 31 → Feb 28 →
 * Mar 31, each boundary from the start, in New York time).
 */
const NY = 'America/New_York';
const at = (iso: string) => DateTime.fromISO(iso, { zone: NY });
let app: TestApp;
let merchant: Merchant;

beforeAll(async () => {
  app = await createTestApp({ now: at('2026-01-31T09:00') });
  merchant = await createMerchant(app, { contractStart: at('2026-01-31T10:00'), months: 3 });
  // The whole second month's allowance, filed on its first day.
  for (let i = 0; i < 10; i += 1) {
    app.setNow(at(`2026-02-28T11:${String(i).padStart(2, '0')}`));
    const r = await merchant.sdk.TicketCreate({
      input: { subject: `Problem ${i}`, description: 'The checkout page is blank for guests.', category: TicketCategory.BugFix },
    });
    expect(r.ticketCreate.userErrors).toEqual([]);
  }
}, 60_000);
afterAll(() => app?.close());

async function atLimit(): Promise<string[]> {
  const r = await app.raw(
    `{ supportStats(period: { from: "2026-01-01T00:00:00Z", to: "2026-06-01T00:00:00Z" }, bucket: MONTH) { allowance { atLimitCount atLimit { subscriptionId used limit } } } }`,
    {},
    app.adminToken,
  );
  expect(r.body.errors).toBeUndefined();
  const allowance = r.body.data!.supportStats.allowance;
  expect(allowance.atLimitCount).toBe(allowance.atLimit.length);
  return allowance.atLimit.map((a: { subscriptionId: string }) => a.subscriptionId);
}

async function apiSaysFull(): Promise<boolean> {
  const detail = await app.admin.SubscriptionDetail({ id: merchant.subscriptionId });
  return (detail.node as any).allowance?.remaining === 0;
}

describe('supportStats: allowance windows', () => {
  it.each([
    ['2026-02-28T10:30', true],
    ['2026-03-30T23:00', true],
    ['2026-03-31T09:59', true],
    ['2026-03-31T10:00', false],
    ['2026-02-28T09:59', false],
  ])('at %s New York the subscription is at its limit: %s, as its own allowance says', async (when, full) => {
    app.setNow(at(when));
    expect(await apiSaysFull()).toBe(full);
    expect(await atLimit()).toEqual(full ? [merchant.subscriptionId] : []);
  });
});
