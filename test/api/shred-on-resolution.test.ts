// Which ends of a ticket give its stored access a shred date at once: the vault reacts to the
// ticket's STATUS_CHANGED event in the same transaction (server/app/reactions.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BanReason, FileProtocol, StoredAccessState, TicketCategory, type TicketAccessInput } from '../sdk/generated';
import { createMerchant, createTestApp, type Merchant, type TestApp } from '../support/test-app';

const DAY_MS = 86_400_000;
let app: TestApp;

beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.close());

const access: TicketAccessInput = {
  storeAdmin: { url: 'https://shop.example/admin/', username: 'support', password: 'temporary-admin-password' },
  fileAccess: { protocol: FileProtocol.Sftp, host: 'shop.example', username: 'support', password: 'temporary-sftp-password', rootPath: '/public_html' },
};

async function ticketWithAccess(merchant: Merchant): Promise<string> {
  const { ticketCreate } = await merchant.sdk.TicketCreateWithAccess({
    input: { subject: 'Checkout is blank', description: 'The checkout page shows a blank screen for guests.', category: TicketCategory.BugFix, access },
  });
  expect(ticketCreate.userErrors).toEqual([]);
  return ticketCreate.ticket!.id;
}

async function seen(id: string) {
  const { node } = await app.admin.TicketAccessDetail({ id });
  if (node?.__typename !== 'Ticket') throw new Error('not a ticket');
  return { access: node.access!, actions: node.events.edges.map((e) => e.node.action) };
}

describe('a ticket that ends', () => {
  it("withdrawn by the merchant: its access is scheduled for shredding after the delay, once, in the withdrawal's audit trail", async () => {
    const merchant = await createMerchant(app);
    const id = await ticketWithAccess(merchant);
    const { ticketWithdraw } = await merchant.sdk.TicketWithdraw({ input: { ticketId: id, reason: 'Fixed it myself.' } });
    expect(ticketWithdraw.userErrors).toEqual([]);
    const after = await seen(id);
    expect(Date.parse(after.access.shredAfter!)).toBe(app.now().toMillis() + app.vault.shredDelayDays * DAY_MS);
    expect(after.actions.filter((a) => a === 'ACCESS_SHRED_SCHEDULED')).toHaveLength(1);
    expect(after.actions.indexOf('STATUS_CHANGED')).toBeLessThan(after.actions.indexOf('ACCESS_SHRED_SCHEDULED'));
  });

  it('closed by a ban: the access is destroyed at once, with no shred date scheduled first', async () => {
    const merchant = await createMerchant(app);
    const id = await ticketWithAccess(merchant);
    const { customerBan } = await app.admin.CustomerBan({
      input: { customerId: merchant.customerId, reason: BanReason.Abuse, note: 'Threatened the agents.' },
    });
    expect(customerBan.userErrors).toEqual([]);
    const after = await seen(id);
    expect(after.access.state).toBe(StoredAccessState.Shredded);
    expect(after.access.shredAfter).toBeNull();
    expect(after.actions).toContain('ACCESS_SHREDDED');
    expect(after.actions).not.toContain('ACCESS_SHRED_SCHEDULED');
  });
});
