import { DateTime } from 'luxon';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BanReason,
  Platform,
  PlatformFlag,
  PlanKind,
  RefundReason,
  RefundRule,
  RefundStatus,
  TicketCategory,
  TicketStatus,
  UserErrorCode,
} from '../sdk/generated';
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
    expect(created.notices.find((n) => n.code === 'BEST_EFFORT')?.message).toMatch(/What it promises is the fix/);
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

describe('"support-related issues relating to server configurations … are not part of this agreement" and custom development "subject to charge separately": staff reclassify', () => {
  type Allowance = { used: number; remaining: number };
  const allowance = async (m: Merchant) => ((await m.sdk.SubscriptionDetail({ id: m.subscriptionId })).node as { allowance: Allowance }).allowance;
  const events = async (m: Merchant, id: string) =>
    ((await m.sdk.TicketDetail({ id })).node as { events: { edges: Array<{ node: { action: string; rule: string | null } }> } }).events.edges.map(
      (e) => e.node,
    );

  it('hosting configuration filed as a bug fix: closed, the allowance returned, and the merchant sees why', async () => {
    const m = await createMerchant(app);
    const { id } = await fileWaived(m);
    expect((await allowance(m)).used).toBe(1);
    const r = await app.admin.TicketReclassify({
      input: { ticketId: id, category: TicketCategory.ServerConfiguration, reason: 'PHP memory limit of the host.' },
    });
    expect(r.ticketReclassify.userErrors).toEqual([]);
    expect(r.ticketReclassify.ticket).toMatchObject({
      category: TicketCategory.ServerConfiguration,
      coverage: 'OUTSIDE_AGREEMENT',
      status: TicketStatus.Closed,
      consumesAllowance: false,
    });
    expect((await allowance(m)).used).toBe(0);
    expect(await events(m, id)).toContainEqual(expect.objectContaining({ action: 'TICKET_RECLASSIFIED', rule: 'OUTSIDE_AGREEMENT' }));
  });

  it('a bug fix that is really custom development: the allowance returned, work waits for an accepted quote', async () => {
    const m = await createMerchant(app);
    const { id } = await fileWaived(m);
    await app.admin.TicketStatusChange({ input: { ticketId: id, status: TicketStatus.InProgress } });
    const r = await app.admin.TicketReclassify({
      input: { ticketId: id, category: TicketCategory.NewFunctionality, reason: 'A new checkout step was asked for.' },
    });
    expect(r.ticketReclassify.ticket).toMatchObject({ coverage: 'CUSTOM_DEVELOPMENT', status: TicketStatus.Open, consumesAllowance: false });
    expect(r.ticketReclassify.notices.map((n) => n.code)).toContain('QUOTE_REQUIRED');
    expect((await allowance(m)).used).toBe(0);
    const resolve = await app.admin.TicketStatusChange({ input: { ticketId: id, status: TicketStatus.InProgress } });
    expect(resolve.ticketStatusChange.userErrors[0]!.code).toBe(UserErrorCode.QuoteRequired);
    const quote = await app.admin.TicketQuoteSet({ input: { ticketId: id, amount: 12000 } });
    expect(quote.ticketQuoteSet.userErrors).toEqual([]);
  });

  it('custom development that is really covered takes a place in the allowance, and is refused when none is left', async () => {
    const m = await createMerchant(app);
    const custom = await fileWaived(m, { category: TicketCategory.ThemeCustomisation });
    expect((await allowance(m)).used).toBe(0);
    const back = await app.admin.TicketReclassify({
      input: { ticketId: custom.id, category: TicketCategory.BugFix, reason: 'A core template bug, not a theme change.' },
    });
    expect(back.ticketReclassify.ticket).toMatchObject({ coverage: 'COVERED', consumesAllowance: true });
    expect((await allowance(m)).used).toBe(1);

    const full = await createMerchant(app);
    const other = await fileWaived(full, { category: TicketCategory.ThemeCustomisation });
    for (let i = 0; i < 10; i += 1) await fileWaived(full);
    const refused = await app.admin.TicketReclassify({
      input: { ticketId: other.id, category: TicketCategory.BugFix, reason: 'A core template bug, not a theme change.' },
    });
    expect(refused.ticketReclassify.userErrors[0]!.code).toBe(UserErrorCode.TicketLimitReached);
    expect(refused.ticketReclassify.ticket).toBeNull();
    const unchanged = (await full.sdk.TicketDetail({ id: other.id })).node as { category: string; consumesAllowance: boolean };
    expect(unchanged).toMatchObject({ category: TicketCategory.ThemeCustomisation, consumesAllowance: false });
  });

  it('merchants cannot reclassify; a closed ticket cannot change', async () => {
    const m = await createMerchant(app);
    const { id } = await fileWaived(m);
    const byMerchant = await app.raw(
      'mutation($id: ID!) { ticketReclassify(input: { ticketId: $id, category: SERVER_CONFIGURATION, reason: "Trying it." }) { userErrors { code } } }',
      { id },
      m.token,
    );
    expect(byMerchant.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await app.admin.TicketStatusChange({ input: { ticketId: id, status: TicketStatus.Closed } });
    const closed = await app.admin.TicketReclassify({ input: { ticketId: id, category: TicketCategory.NewFunctionality, reason: 'Too late now.' } });
    expect(closed.ticketReclassify.userErrors[0]!.code).toBe(UserErrorCode.Closed);
  });
});

describe('"Your access will be banned permanently": every store the banned merchant used, and its subdomains', () => {
  const register = (storeUrl: string) =>
    app.admin.CustomerCreate({ input: { email: `new-${Math.random().toString(36).slice(2)}@other.test`, name: 'New Shop', storeUrl } });

  it('a store URL used before the merchant changed it stays banned', async () => {
    const m = await createMerchant(app, { storeUrl: 'https://first-store.example.org' });
    const changed = await app.raw(
      'mutation($i: CustomerUpdateInput!) { customerUpdate(input: $i) { userErrors { code } } }',
      { i: { storeUrl: 'https://second-store.example.org' } },
      m.token,
    );
    expect(changed.body.data?.customerUpdate.userErrors).toEqual([]);
    const ban = await app.admin.CustomerBan({ input: { customerId: m.customerId, reason: BanReason.Abuse, note: 'Abusive messages to staff.' } });
    expect(ban.customerBan.userErrors).toEqual([]);
    for (const url of ['https://first-store.example.org', 'https://second-store.example.org/admin']) {
      const again = await register(url);
      expect(again.customerCreate.userErrors[0]).toMatchObject({ code: UserErrorCode.Banned, field: ['input', 'storeUrl'] });
    }
  });

  it('a store its tickets reported, not its account, stays banned too', async () => {
    const m = await createMerchant(app, { storeUrl: 'https://account-store.example.org' });
    const filed = await m.sdk.TicketCreate({
      input: { ...base, environment: { platform: Platform.Native, opencartVersion: '3.0.3.8', storeUrl: 'https://staging.reported-store.example.org/shop' } },
    });
    expect(filed.ticketCreate.userErrors).toEqual([]);
    await app.admin.CustomerBan({ input: { customerId: m.customerId, reason: BanReason.FalsifiedData, note: 'Invented order numbers.' } });
    for (const url of ['https://staging.reported-store.example.org', 'https://www.staging.reported-store.example.org/admin']) {
      const again = await register(url);
      expect(again.customerCreate.userErrors[0]).toMatchObject({ code: UserErrorCode.Banned, field: ['input', 'storeUrl'] });
    }
    // Its parent domain was never the banned merchant's store.
    expect((await register('https://reported-store.example.org')).customerCreate.userErrors).toEqual([]);
  });

  it('a subdomain of a banned store is the same store; a sibling on a shared parent is not', async () => {
    const m = await createMerchant(app, { storeUrl: 'https://banned-shop.example.net' });
    await app.admin.CustomerBan({ input: { customerId: m.customerId, reason: BanReason.CopyrightInfringement, note: 'Sold copied modules.' } });
    const sub = await register('https://eu.banned-shop.example.net');
    expect(sub.customerCreate.userErrors[0]?.code).toBe(UserErrorCode.Banned);
    const sibling = await register('https://other-shop.example.net');
    expect(sibling.customerCreate.userErrors).toEqual([]);

    const fresh = await createMerchant(app);
    const filed = await fresh.sdk.TicketCreate({
      input: { ...base, environment: { platform: Platform.Native, opencartVersion: '3.0.3.8', storeUrl: 'https://shop.eu.banned-shop.example.net' } },
    });
    expect(filed.ticketCreate.userErrors[0]?.code).toBe(UserErrorCode.Banned);
  });
});

describe('"1 month of Premium Support": a purchase whose time has run out is EXPIRED', () => {
  const list = async (m: Merchant, status: string) => {
    const page = (
      await app.raw(
        `query($s: SubscriptionStatus!) { subscriptions(first: 50, filter: { status: $s }) { totalCount edges { node { id status } } } }`,
        { s: status },
        m.token,
      )
    ).body.data!.subscriptions;
    expect(page.totalCount).toBe(page.edges.length);
    return page.edges.map((e: { node: { id: string; status: string } }) => e.node);
  };

  it('a one-month Premium purchase is ACTIVE during its month and EXPIRED after it, in its detail and in the lists', async () => {
    const m = await createMerchant(app, { months: 1, contractStart: DEFAULT_NOW.minus({ days: 10 }) });
    expect((await m.sdk.SubscriptionDetail({ id: m.subscriptionId })).node).toMatchObject({ status: 'ACTIVE' });
    expect(await list(m, 'ACTIVE')).toEqual([{ id: m.subscriptionId, status: 'ACTIVE' }]);
    expect(await list(m, 'EXPIRED')).toEqual([]);

    app.setNow(DEFAULT_NOW.plus({ days: 21 })); // 31 days after a start on Feb 21: the month ended on Mar 21
    const detail = (await m.sdk.SubscriptionDetail({ id: m.subscriptionId })).node;
    const active = await list(m, 'ACTIVE');
    const expired = await list(m, 'EXPIRED');
    const cancel = await app.raw(
      'mutation($i: SubscriptionCancelInput!) { subscriptionCancel(input: $i) { userErrors { code message } } }',
      { i: { subscriptionId: m.subscriptionId } },
      app.adminToken,
    );
    app.setNow(DEFAULT_NOW);
    expect(detail).toMatchObject({ status: 'EXPIRED' });
    expect(active).toEqual([]);
    expect(expired).toEqual([{ id: m.subscriptionId, status: 'EXPIRED' }]);
    expect(cancel.body.data!.subscriptionCancel.userErrors[0]).toMatchObject({
      code: UserErrorCode.InvalidTransition,
      message: 'The subscription is already expired.',
    });
  });
});

describe('"The monthly support is limited to 10 issues/tickets per month": merchants withdraw their own ticket', () => {
  type Allowance = { used: number };
  const used = async (m: Merchant) => ((await m.sdk.SubscriptionDetail({ id: m.subscriptionId })).node as { allowance: Allowance }).allowance.used;

  it('withdrawn before support replied: closed, and the allowance comes back', async () => {
    const m = await createMerchant(app);
    const { id } = await fileWaived(m);
    expect(await used(m)).toBe(1);
    const r = await m.sdk.TicketWithdraw({ input: { ticketId: id, reason: 'Fixed it myself.' } });
    expect(r.ticketWithdraw.userErrors).toEqual([]);
    expect(r.ticketWithdraw.ticket).toMatchObject({ status: TicketStatus.Closed, consumesAllowance: false });
    expect(r.ticketWithdraw.ticket!.withdrawnAt).not.toBeNull();
    expect(r.ticketWithdraw.notices[0]!.message).toMatch(/uses none of your allowance/);
    expect(await used(m)).toBe(0);
    const again = await m.sdk.TicketWithdraw({ input: { ticketId: id } });
    expect(again.ticketWithdraw.userErrors[0]!.code).toBe(UserErrorCode.Closed);
  });

  it('withdrawn after support worked on it: the allowance stays used, and a one-time fix is not refundable for it', async () => {
    const m = await createMerchant(app, { plan: PlanKind.OneTimeFix });
    const { id } = await fileWaived(m);
    app.setNow(DEFAULT_NOW.plus({ minutes: 20 }));
    await app.admin.TicketReply({ input: { ticketId: id, body: 'Which theme do you use?' } });
    const r = await m.sdk.TicketWithdraw({ input: { ticketId: id } });
    const eligibility = await refundEligibility(m);
    app.setNow(DEFAULT_NOW);
    expect(r.ticketWithdraw.ticket).toMatchObject({ status: TicketStatus.Closed, consumesAllowance: true });
    expect(r.ticketWithdraw.notices[0]!.message).toMatch(/still counts towards your allowance/);
    expect(eligibility).toMatchObject({ eligible: false, rule: 'NO_PROMISE_BROKEN' });
  });

  it('another merchant cannot withdraw it', async () => {
    const owner = await createMerchant(app);
    const other = await createMerchant(app);
    const { id } = await fileWaived(owner);
    const r = await other.sdk.TicketWithdraw({ input: { ticketId: id } });
    expect(r.ticketWithdraw.userErrors[0]!.code).toBe(UserErrorCode.NotFound);
    expect(((await owner.sdk.TicketDetail({ id })).node as { status: string }).status).not.toBe(TicketStatus.Closed);
  });
});

describe('"1 month of Premium Support": the allowance says when it renews, or why it does not', () => {
  type Allowance = { renewsAt: string | null; renewal: string };
  const allowanceOf = async (m: Merchant) => ((await m.sdk.SubscriptionDetail({ id: m.subscriptionId })).node as { allowance: Allowance }).allowance;

  it('a one-month Premium purchase: no renewal, and the answer says the contract ends with this month', async () => {
    const m = await createMerchant(app, { months: 1 });
    const a = await allowanceOf(m);
    expect(a.renewsAt).toBeNull();
    expect(a.renewal).toMatch(/^Your contract ends with this period on .*no fresh allowance follows/);
  });

  it('a three-month purchase renews on the next month; a one-time fix never does, and says so', async () => {
    const premium = await createMerchant(app, { months: 3 });
    const p = await allowanceOf(premium);
    expect(p.renewsAt).not.toBeNull();
    expect(p.renewal).toMatch(/^A fresh allowance of 10 tickets starts on /);
    const fix = await createMerchant(app, { plan: PlanKind.OneTimeFix });
    const f = await allowanceOf(fix);
    expect(f.renewsAt).toBeNull();
    expect(f.renewal).toMatch(/one-time fix covers one ticket .* it does not renew/);
  });
});

describe('"All support communication will be handled only in English"', () => {
  it('the two-line English ticket "Same submission / Blank page after checkout." is not flagged NOT_ENGLISH', async () => {
    const m = await createMerchant(app);
    const r = await m.sdk.TicketCreate({ input: { ...base, subject: 'Same submission', description: 'Blank page after checkout.' } });
    expect(r.ticketCreate.ticket).toMatchObject({ notEnglish: false });
    expect(r.ticketCreate.notices.map((n) => n.code)).not.toContain('NOT_ENGLISH');
    const german = await m.sdk.TicketCreate({ input: { ...base, subject: 'Seite leer', description: 'Die Seite ist nach dem Bezahlen leer.' } });
    expect(german.ticketCreate.ticket).toMatchObject({ notEnglish: true });
    expect(german.ticketCreate.notices.map((n) => n.code)).toContain('NOT_ENGLISH');
  });
});

describe('"OpenCart versions <1.5.4.x": a store whose version is unknown is flagged so staff ask', () => {
  it.each([
    ['no environment at all', undefined],
    ['a native store that reports no version', { platform: Platform.Native }],
    ['a native store with an unreadable version', { platform: Platform.Native, opencartVersion: '3.0.x' }],
  ])('%s → UNKNOWN_VERSION, guarantees kept, the merchant asked for the version', async (_label, environment) => {
    const m = await createMerchant(app);
    const r = await m.sdk.TicketCreate({ input: { ...base, ...(environment ? { environment } : {}) } });
    expect(r.ticketCreate.ticket).toMatchObject({ platformFlags: [PlatformFlag.UnknownVersion], fixGuaranteed: true, slaGuaranteed: true });
    expect(r.ticketCreate.notices.map((n) => n.code)).toContain('VERSION_UNKNOWN');
  });

  it('a native store with a known version is not flagged', async () => {
    const m = await createMerchant(app);
    const r = await m.sdk.TicketCreate({ input: { ...base, environment: { platform: Platform.Native, opencartVersion: '3.0.3.8' } } });
    expect(r.ticketCreate.ticket!.platformFlags).toEqual([]);
    expect(r.ticketCreate.notices.map((n) => n.code)).not.toContain('VERSION_UNKNOWN');
  });
});

describe('"We also will not be able to guarantee support fixes for badly/poorly coded modules"', () => {
  const events = async (m: Merchant, id: string) =>
    ((await m.sdk.TicketDetail({ id })).node as { events: { edges: Array<{ node: { action: string } }> } }).events.edges.map((e) => e.node.action);

  it('staff record a poorly coded module: the fix is not guaranteed, and the merchant sees the flag and the event', async () => {
    const m = await createMerchant(app);
    const { id } = await fileWaived(m, { environment: { platform: Platform.Native, opencartVersion: '3.0.3.8' } });
    const r = await app.admin.TicketPoorlyCodedModuleSet({
      input: { ticketId: id, poorlyCoded: true, reason: 'The "Mega Filter" module runs a query per product.' },
    });
    expect(r.ticketPoorlyCodedModuleSet.userErrors).toEqual([]);
    expect(r.ticketPoorlyCodedModuleSet.ticket).toMatchObject({ platformFlags: [PlatformFlag.PoorlyCodedModule], fixGuaranteed: false, slaGuaranteed: true });
    const seen = (await m.sdk.TicketDetail({ id })).node as { platformFlags: string[]; fixGuaranteed: boolean };
    expect(seen).toMatchObject({ platformFlags: [PlatformFlag.PoorlyCodedModule], fixGuaranteed: false });
    expect(await events(m, id)).toContain('POORLY_CODED_MODULE_FLAGGED');
    const twice = await app.admin.TicketPoorlyCodedModuleSet({ input: { ticketId: id, poorlyCoded: true, reason: 'Again, the same module.' } });
    expect(twice.ticketPoorlyCodedModuleSet.userErrors[0]!.code).toBe(UserErrorCode.Invalid);
  });

  it('withdrawn, the fix guarantee comes back unless another flag still withdraws it', async () => {
    const m = await createMerchant(app);
    const modern = await fileWaived(m, { environment: { platform: Platform.Native, opencartVersion: '3.0.3.8' } });
    await app.admin.TicketPoorlyCodedModuleSet({ input: { ticketId: modern.id, poorlyCoded: true, reason: 'Looked like the filter module.' } });
    const cleared = await app.admin.TicketPoorlyCodedModuleSet({ input: { ticketId: modern.id, poorlyCoded: false, reason: 'It was a core bug after all.' } });
    expect(cleared.ticketPoorlyCodedModuleSet.ticket).toMatchObject({ platformFlags: [], fixGuaranteed: true });

    const legacy = await fileWaived(m, { environment: { platform: Platform.Native, opencartVersion: '1.5.1' } });
    await app.admin.TicketPoorlyCodedModuleSet({ input: { ticketId: legacy.id, poorlyCoded: true, reason: 'Looked like the filter module.' } });
    const stillLegacy = await app.admin.TicketPoorlyCodedModuleSet({
      input: { ticketId: legacy.id, poorlyCoded: false, reason: 'It was a core bug after all.' },
    });
    expect(stillLegacy.ticketPoorlyCodedModuleSet.ticket).toMatchObject({ platformFlags: [PlatformFlag.LegacyVersion], fixGuaranteed: false });
  });

  it('merchants cannot set it', async () => {
    const m = await createMerchant(app);
    const { id } = await fileWaived(m);
    const r = await app.raw(
      'mutation($id: ID!) { ticketPoorlyCodedModuleSet(input: { ticketId: $id, poorlyCoded: false, reason: "Not my module." }) { userErrors { code } } }',
      { id },
      m.token,
    );
    expect(r.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('"We are processing support requests from 3 AM to 12 PM every business day, at Eastern Time (ET)": the schedule in the asked zone', () => {
  it.each([
    [
      'Europe/Berlin',
      '08:00–17:00 Europe/Berlin (as on 2026-03-09; daylight saving time can move it by an hour), that is 03:00–12:00 America/New_York, Monday to Friday, except US federal holidays',
    ],
    [
      'Asia/Tokyo',
      '16:00–01:00 the next day Asia/Tokyo (as on 2026-03-09; daylight saving time can move it by an hour), that is 03:00–12:00 America/New_York, Monday to Friday, except US federal holidays',
    ],
    ['America/New_York', '03:00–12:00 America/New_York, Monday to Friday, except US federal holidays'],
  ])('%s → %s', async (zone, schedule) => {
    // Friday after closing; the next window is Monday 2026-03-09, after New York's switch to summer time but before Europe's.
    app.setNow(DateTime.fromISO('2026-03-06T12:30:00-05:00'));
    const r = await app.sdk().SupportHours({ zone });
    app.setNow(DEFAULT_NOW);
    expect(r.supportHours.schedule).toBe(schedule);
  });
});

describe('README walkthrough: the "From the playground" block runs when pasted whole', () => {
  // A new user pastes the block into a fresh desk: with the tickets of the tests above, the
  // queue's first 20 by urgency need not hold the one just filed (same due time, any order).
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app?.close());

  it('runs every operation of the block, by name, in order, as the admin and then as the merchant', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### From the playground'));
    const block = /```graphql\n([\s\S]*?)```/.exec(section)![1]!;
    const names = [...block.matchAll(/^(?:query|mutation) (\w+)/gm)].map((m) => m[1]);
    expect(names).toEqual(['CreateCustomer', 'Plans', 'BuyPlan', 'CreateMerchantKey', 'FileTicket', 'GiveAccess', 'MyTickets', 'Queue']);

    const variables: Record<string, unknown> = {};
    const run = async (operationName: string, token: string) => {
      const response = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: block, operationName, variables }),
      });
      const body = (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
      expect(body.errors, operationName).toBeUndefined();
      const payload = Object.values(body.data!)[0];
      if (payload && typeof payload === 'object' && 'userErrors' in payload) expect(payload.userErrors, operationName).toEqual([]);
      return body.data!;
    };
    variables.customerId = (await run('CreateCustomer', app.adminToken)).customerCreate.customer.id;
    variables.planId = (await run('Plans', app.adminToken)).plans.find((p: { kind: string }) => p.kind === 'PREMIUM_MONTHLY').id;
    expect((await run('BuyPlan', app.adminToken)).subscriptionCreate.subscription).toMatchObject({ status: 'ACTIVE', allowance: { remaining: 10 } });
    const merchantToken = (await run('CreateMerchantKey', app.adminToken)).merchantApiKeyCreate.token as string;
    expect(merchantToken).toMatch(/^ocm_/);
    const filed = (await run('FileTicket', merchantToken)).ticketCreate.ticket;
    expect(filed.status).toBe('AWAITING_ACCESS');
    variables.ticketId = filed.id;
    expect((await run('GiveAccess', merchantToken)).ticketAccessProvide.ticket.status).toBe('OPEN');
    expect((await run('MyTickets', merchantToken)).tickets).toMatchObject({ totalCount: 1, edges: [{ node: { number: filed.number, status: 'OPEN' } }] });
    const queue = (await run('Queue', app.adminToken)).tickets.edges.map((e: { node: { number: string } }) => e.node.number);
    expect(queue).toEqual([filed.number]);
  });
});
