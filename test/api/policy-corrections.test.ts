import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Platform, PlatformFlag, PlanKind, RefundReason, RefundRule, RefundStatus, TicketCategory, TicketStatus, UserErrorCode } from '../sdk/generated';
import { createMerchant, createTestApp, DEFAULT_NOW, type Merchant, type TestApp } from '../support/test-app';

/** Readings of the support policy corrected after trying the API as merchants and staff would. */
let app: TestApp;

beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.close());

const base = { subject: 'Store problem', description: 'The store does something it should not do.', category: TicketCategory.BugFix };

type Eligibility = { eligible: boolean; rule: string; message: string };
async function refundEligibility(m: Merchant): Promise<Eligibility> {
  return ((await m.sdk.SubscriptionDetail({ id: m.subscriptionId })).node as { refundEligibility: Eligibility }).refundEligibility;
}

async function fileWaived(m: Merchant, input: Record<string, unknown> = {}) {
  const created = await m.sdk.TicketCreate({ input: { ...base, ...input } });
  if (!created.ticketCreate.ticket) throw new Error(JSON.stringify(created.ticketCreate.userErrors));
  const id = created.ticketCreate.ticket.id;
  await app.admin.TicketAccessWaive({ input: { ticketId: id, reason: 'Credentials checked by phone.' } });
  return { id, created: created.ticketCreate };
}

describe('"We also will not be able to guarantee support fixes for … OpenCart versions <1.5.4.x"', () => {
  it('a Premium ticket on OpenCart 1.5.1 loses the fix guarantee only: its reply time stays guaranteed', async () => {
    const m = await createMerchant(app);
    const { created } = await fileWaived(m, { environment: { platform: Platform.Native, opencartVersion: '1.5.1' } });
    expect(created.ticket).toMatchObject({ platformFlags: [PlatformFlag.LegacyVersion], fixGuaranteed: false, slaGuaranteed: true });
    expect(created.ticket!.sla.guaranteed).toBe(true);
    const fixNotice = created.notices.find((n) => n.code === 'FIX_NOT_GUARANTEED');
    expect(fixNotice?.message).toMatch(/older than 1\.5\.4: a fix cannot be guaranteed/);
    expect(fixNotice?.message).not.toMatch(/reply times? cannot/);
  });

  it('a late first reply on that ticket makes the month refundable; an unfixed one alone does not', async () => {
    const late = await createMerchant(app);
    await fileWaived(late, { environment: { platform: Platform.Native, opencartVersion: '1.5.1' } }); // Tuesday 05:00
    app.setNow(DEFAULT_NOW.plus({ days: 1, hours: 1 })); // Wednesday 06:00: the first reply was due at 05:00
    const lateReply = await refundEligibility(late);
    app.setNow(DEFAULT_NOW);
    expect(lateReply).toMatchObject({ eligible: true, rule: 'PROMISE_BROKEN' });

    const answered = await createMerchant(app);
    const { id } = await fileWaived(answered, { environment: { platform: Platform.Native, opencartVersion: '1.5.1' } });
    app.setNow(DEFAULT_NOW.plus({ minutes: 30 }));
    await app.admin.TicketReply({ input: { ticketId: id, body: 'Looking into it.', status: TicketStatus.InProgress } });
    app.setNow(DEFAULT_NOW.plus({ days: 2 })); // the fix is overdue, but it was never guaranteed
    const unfixed = await refundEligibility(answered);
    app.setNow(DEFAULT_NOW);
    expect(unfixed).toMatchObject({ eligible: false, rule: 'NO_PROMISE_BROKEN' });
  });
});

describe('"you are entitled either to a one time fix … or to 1 month of Premium Support … guaranteed reply time"', () => {
  it('a one-time fix past its best-effort target is not refundable; closed without the fix, it is', async () => {
    const m = await createMerchant(app, { plan: PlanKind.OneTimeFix });
    const { id, created } = await fileWaived(m);
    expect(created.notices.map((n) => n.code)).toContain('BEST_EFFORT');
    app.setNow(DEFAULT_NOW.plus({ days: 5 })); // far past both targets, no reply at all
    const late = await refundEligibility(m);
    expect(late).toMatchObject({ eligible: false, rule: 'NO_PROMISE_BROKEN' });
    expect(late.message).toMatch(/promises the fix, not a time/);
    const closed = await app.admin.TicketStatusChange({ input: { ticketId: id, status: TicketStatus.Closed, reason: 'Cannot be fixed on this host.' } });
    expect(closed.ticketStatusChange.userErrors).toEqual([]);
    const undelivered = await refundEligibility(m);
    app.setNow(DEFAULT_NOW);
    expect(undelivered).toMatchObject({ eligible: true, rule: 'PROMISE_BROKEN' });
    expect(undelivered.message).toMatch(/one-time fix was not delivered/);
  });

  it('a one-time fix that was resolved, then closed, is not refundable', async () => {
    const m = await createMerchant(app, { plan: PlanKind.OneTimeFix });
    const { id } = await fileWaived(m);
    app.setNow(DEFAULT_NOW.plus({ days: 3 }));
    await app.admin.TicketStatusChange({ input: { ticketId: id, status: TicketStatus.Resolved } });
    await app.admin.TicketStatusChange({ input: { ticketId: id, status: TicketStatus.Closed } });
    const eligibility = await refundEligibility(m);
    app.setNow(DEFAULT_NOW);
    expect(eligibility).toMatchObject({ eligible: false, rule: 'NO_PROMISE_BROKEN' });
  });
});

describe('"We also provide refunds, no questions asked, in the case of a stolen credit card"', () => {
  it('a stolen-card claim needs no details; asking again says the purchase was already refunded', async () => {
    const m = await createMerchant(app);
    const stolen = await m.sdk.RefundRequest({ input: { subscriptionId: m.subscriptionId, reason: RefundReason.StolenCard } });
    expect(stolen.refundRequest.userErrors).toEqual([]);
    expect(stolen.refundRequest.refund).toMatchObject({ status: RefundStatus.Approved, rule: RefundRule.StolenCardNoQuestions });
    const blank = await createMerchant(app);
    const blankDetails = await blank.sdk.RefundRequest({ input: { subscriptionId: blank.subscriptionId, reason: RefundReason.StolenCard, details: '' } });
    expect(blankDetails.refundRequest.refund).toMatchObject({ status: RefundStatus.Approved });

    for (const reason of [RefundReason.StolenCard, RefundReason.ServiceNotDelivered]) {
      const again = await m.sdk.RefundRequest({ input: { subscriptionId: m.subscriptionId, reason, details: 'Asking once more.' } });
      expect(again.refundRequest.userErrors[0]).toMatchObject({ code: UserErrorCode.AlreadyRefunded });
      expect(again.refundRequest.userErrors[0]!.message).toMatch(/already refunded/);
      expect(again.refundRequest.userErrors[0]!.message).not.toMatch(/no current month/);
    }
    const eligibility = await refundEligibility(m);
    expect(eligibility.message).toMatch(/already refunded/);
  });

  it('any other request still says what went wrong', async () => {
    const m = await createMerchant(app);
    const r = await m.sdk.RefundRequest({ input: { subscriptionId: m.subscriptionId, reason: RefundReason.ServiceNotDelivered, details: '  ' } });
    expect(r.refundRequest.refund).toBeNull();
    expect(r.refundRequest.userErrors[0]).toMatchObject({ code: UserErrorCode.Invalid, field: ['input', 'details'] });
    expect((await m.sdk.Refunds({ first: 10 })).refunds.totalCount).toBe(0);
  });
});

describe('"In order for us to provide support, you need to submit working web store admin and FTP credentials"', () => {
  it.each([TicketStatus.InProgress, TicketStatus.Resolved, TicketStatus.Open])(
    'a ticket waiting for access cannot move to %s, and the answer says access is missing',
    async (status) => {
      const m = await createMerchant(app);
      const created = await m.sdk.TicketCreate({ input: base });
      const id = created.ticketCreate.ticket!.id;
      const r = await app.admin.TicketStatusChange({ input: { ticketId: id, status } });
      expect(r.ticketStatusChange.userErrors).toHaveLength(1);
      expect(r.ticketStatusChange.userErrors[0]).toMatchObject({ code: UserErrorCode.AccessRequired, field: ['input', 'status'] });
      expect(r.ticketStatusChange.userErrors[0]!.message).toMatch(/store-admin and FTP access/);
      expect(r.ticketStatusChange.userErrors[0]!.message).not.toMatch(/cannot move to/);
    },
  );

  it('a closed ticket still answers that it is closed, not that access is missing', async () => {
    const m = await createMerchant(app);
    const id = (await m.sdk.TicketCreate({ input: base })).ticketCreate.ticket!.id;
    await app.admin.TicketStatusChange({ input: { ticketId: id, status: TicketStatus.Closed } });
    const r = await app.admin.TicketStatusChange({ input: { ticketId: id, status: TicketStatus.InProgress } });
    expect(r.ticketStatusChange.userErrors[0]!.code).not.toBe(UserErrorCode.AccessRequired);
  });
});
