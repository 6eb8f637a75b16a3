import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessState, TicketCategory, TicketStatus, UserErrorCode } from '../sdk/generated';
import { createMerchant, createStaff, createTestApp, type Merchant, type TestApp } from '../support/test-app';

let app: TestApp;
let merchant: Merchant;

beforeAll(async () => {
  app = await createTestApp();
  merchant = await createMerchant(app);
});
afterAll(() => app?.close());

const description = 'After updating to 3.0.3.8 the checkout page shows a blank screen when a guest pays with PayPal.';

describe('a ticket from filing to resolution', () => {
  it('a merchant files a ticket: numbered, waiting for access, clock paused', async () => {
    const { ticketCreate } = await merchant.sdk.TicketCreate({
      input: { subject: 'Checkout is blank', description, category: TicketCategory.BugFix },
    });
    expect(ticketCreate.userErrors).toEqual([]);
    const ticket = ticketCreate.ticket!;
    expect(ticket.number).toMatch(/^OC-\d{6}$/);
    expect(ticket.status).toBe(TicketStatus.AwaitingAccess);
    expect(ticket.accessState).toBe(AccessState.Missing);
    expect(ticket.sla.running).toBe(false);
    expect(ticket.firstReplyDueAt).toBeNull();
    expect(ticketCreate.notices.map((n) => n.code)).toContain('ACCESS_REQUIRED');
  });

  it('work cannot start without access; a waiver with a reason starts the clock', async () => {
    const staff = await createStaff(app, 'AGENT');
    const { ticketCreate } = await merchant.sdk.TicketCreate({
      input: {
        subject: 'Shipping rates wrong',
        description: 'The flat rate shipping shows 0.00 for every order since Monday.',
        category: TicketCategory.ShippingConfiguration,
      },
    });
    const id = ticketCreate.ticket!.id;
    const refused = await staff.sdk.TicketStatusChange({ input: { ticketId: id, status: TicketStatus.InProgress } });
    expect(refused.ticketStatusChange.userErrors[0]?.code).toBe(UserErrorCode.AccessRequired);
    const toOpen = await staff.sdk.TicketStatusChange({ input: { ticketId: id, status: TicketStatus.Open } });
    expect(toOpen.ticketStatusChange.userErrors[0]?.code).toBe(UserErrorCode.AccessRequired);

    const waived = await staff.sdk.TicketAccessWaive({ input: { ticketId: id, reason: 'Configuration question answered from screenshots.' } });
    expect(waived.ticketAccessWaive.userErrors).toEqual([]);
    expect(waived.ticketAccessWaive.ticket!.status).toBe(TicketStatus.Open);
    expect(waived.ticketAccessWaive.ticket!.sla.running).toBe(true);
    // Tuesday 05:00 New York: one support day (540 minutes) from now is Wednesday 05:00.
    expect(waived.ticketAccessWaive.ticket!.firstReplyDueAt).toBe('2026-03-04T05:00:00.000-05:00');

    app.setNow(app.now().plus({ hours: 2 }));
    const reply = await staff.sdk.TicketReply({ input: { ticketId: id, body: 'Please check System > Settings > Option > Shipping.' } });
    expect(reply.ticketReply.userErrors).toEqual([]);
    expect(reply.ticketReply.ticket!.sla.firstReply.met).toBe(true);
    expect(reply.ticketReply.ticket!.sla.firstReply.minutesTaken).toBe(120);
    expect(reply.ticketReply.message!.author.displayName).toMatch(/^Staff /);

    const resolved = await staff.sdk.TicketStatusChange({ input: { ticketId: id, status: TicketStatus.Resolved } });
    expect(resolved.ticketStatusChange.userErrors).toEqual([]);
    expect(resolved.ticketStatusChange.ticket!.status).toBe(TicketStatus.Resolved);
    expect(resolved.ticketStatusChange.notices.map((n) => n.code)).toContain('DISABLE_ACCESS');
  });
});
