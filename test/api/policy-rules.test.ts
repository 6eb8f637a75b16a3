import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccessState,
  BanReason,
  Platform,
  PlatformFlag,
  PlanKind,
  PortDecision,
  QuoteStatus,
  RefundReason,
  RefundRule,
  RefundStatus,
  StaffTeam,
  SubscriptionStatus,
  TicketCategory,
  TicketStatus,
  UserErrorCode,
} from '../sdk/generated';
import { createMerchant, createStaff, createTestApp, DEFAULT_NOW, type Merchant, type TestApp } from '../support/test-app';

/** The support policy, clause by clause, through the API a merchant and staff use. */
let app: TestApp;

beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.close());

const base = { subject: 'Store problem', description: 'The store does something it should not do.', category: TicketCategory.BugFix };

async function fileAndWaive(m: Merchant, extra: Partial<typeof base> & Record<string, unknown> = {}) {
  const created = await m.sdk.TicketCreate({ input: { ...base, ...extra } });
  if (!created.ticketCreate.ticket) throw new Error(JSON.stringify(created.ticketCreate.userErrors));
  const id = created.ticketCreate.ticket.id;
  await app.admin.TicketAccessWaive({ input: { ticketId: id, reason: 'Credentials checked by phone.' } });
  return { id, created };
}

describe('"We are processing support requests from 3 AM to 12 PM every business day, at Eastern Time"', () => {
  it.each([
    ['a weekday opening: the whole support day, due at its close', '2026-03-03T03:00:00-05:00', '2026-03-03T12:00:00.000-05:00'],
    ['a weekday mid-window: due at the same time the next day (24 h)', '2026-03-03T05:00:00-05:00', '2026-03-04T05:00:00.000-05:00'],
    ['Friday 11:59: due the next business day, Monday 11:59 (72 h)', '2026-03-06T11:59:00-05:00', '2026-03-09T11:59:00.000-04:00'],
    [
      'Friday 12:00, after hours: starts Monday 03:00 (after the DST switch) and is due at its close',
      '2026-03-06T12:00:00-05:00',
      '2026-03-09T12:00:00.000-04:00',
    ],
    ['the day before Thanksgiving: the holiday is skipped (48 h)', '2026-11-25T05:00:00-05:00', '2026-11-27T05:00:00.000-05:00'],
    ['the Friday before Labor Day: a holiday weekend (96 h)', '2026-09-04T05:00:00-04:00', '2026-09-08T05:00:00.000-04:00'],
    ['filed on July 4th observed (Friday 3rd, 2026): starts Monday 03:00', '2026-07-03T05:00:00-04:00', '2026-07-06T12:00:00.000-04:00'],
  ])('%s', async (_name, filedAt, dueAt) => {
    app.setNow(DateTime.fromISO(filedAt, { setZone: true }));
    const m = await createMerchant(app);
    const { id } = await fileAndWaive(m);
    const detail = await m.sdk.TicketDetail({ id });
    expect((detail.node as { firstReplyDueAt: string }).firstReplyDueAt).toBe(dueAt);
    app.setNow(DEFAULT_NOW);
  });

  it("the public support-hours query answers in the caller's zone", async () => {
    app.setNow(DateTime.fromISO('2026-03-06T12:30:00-05:00'));
    const r = await app.sdk().SupportHours({ zone: 'Europe/Berlin' });
    expect(r.supportHours).toMatchObject({ open: false, zone: 'Europe/Berlin', nextOpensAt: '2026-03-09T08:00:00.000+01:00' });
    const bad = await app.raw(`{ supportHours(zone: "Mars/Olympus") { open } }`);
    expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    app.setNow(DEFAULT_NOW);
  });
});

describe('the SLA clock pauses while the ticket waits on the merchant', () => {
  it('time already used stays used; waiting on the customer adds none', async () => {
    const m = await createMerchant(app);
    const { id } = await fileAndWaive(m); // Tuesday 05:00
    app.setNow(DEFAULT_NOW.plus({ hours: 1 }));
    await app.admin.TicketReply({ input: { ticketId: id, body: 'Which payment module do you use?', status: TicketStatus.WaitingOnCustomer } });
    app.setNow(DEFAULT_NOW.plus({ days: 2 }));
    type Detail = { sla: { running: boolean; usedMinutes: number }; status: string; resolutionDueAt: string };
    let detail = (await m.sdk.TicketDetail({ id })).node as Detail;
    expect(detail.sla).toMatchObject({ running: false, usedMinutes: 60 });
    await m.sdk.TicketReply({ input: { ticketId: id, body: 'We use the PayPal Commerce Platform module.' } });
    detail = (await m.sdk.TicketDetail({ id })).node as Detail;
    expect(detail.status).toBe(TicketStatus.Open);
    expect(detail.sla.running).toBe(true);
    // Thursday 05:00 + the 480 minutes left = Thursday 13:00 → past closing, so Friday 04:00.
    expect(detail.resolutionDueAt).toBe('2026-03-06T04:00:00.000-05:00');
    app.setNow(DEFAULT_NOW);
  });
});

describe('a resolved ticket the merchant writes to again', () => {
  it('reopens with a full resolution budget, so a "thanks" does not make it overdue', async () => {
    const m = await createMerchant(app);
    const { id } = await fileAndWaive(m); // Tuesday 05:00
    app.setNow(DEFAULT_NOW.plus({ minutes: 30 }));
    await app.admin.TicketReply({ input: { ticketId: id, body: 'Found it: a cached template. Cleared.' } });
    app.setNow(DEFAULT_NOW.plus({ hours: 6, minutes: 50 })); // 11:50: 410 of 540 minutes used
    await app.admin.TicketStatusChange({ input: { ticketId: id, status: TicketStatus.Resolved } });
    app.setNow(DEFAULT_NOW.plus({ days: 1, hours: 4 })); // Wednesday 09:00
    const reply = await m.sdk.TicketReply({ input: { ticketId: id, body: 'Thanks, it works again!' } });
    expect(reply.ticketReply.ticket!.status).toBe(TicketStatus.Open);
    app.setNow(DEFAULT_NOW.plus({ days: 1, hours: 6 })); // Wednesday 11:00
    type Detail = { sla: { resolution: { remainingMinutes: number; breached: boolean }; firstReply: { met: boolean; minutesTaken: number } } };
    const detail = (await m.sdk.TicketDetail({ id })).node as Detail;
    expect(detail.sla.resolution).toMatchObject({ remainingMinutes: 540 - 120, breached: false });
    expect(detail.sla.firstReply).toMatchObject({ met: true, minutesTaken: 30 });
    const overdue = (await app.admin.Tickets({ first: 100, filter: { overdue: true } })).tickets.edges.map((e) => e.node.id);
    expect(overdue).not.toContain(id);
    const events = ((await app.admin.TicketDetail({ id })).node as { events: { edges: Array<{ node: { action: string } }> } }).events.edges.map(
      (e) => e.node.action,
    );
    expect(events).toContain('RESOLUTION_CLOCK_RESTARTED');
    app.setNow(DEFAULT_NOW);
  });

  it('a resolution that came too late stays late when the ticket is reopened, so the month stays refundable', async () => {
    const m = await createMerchant(app);
    const { id } = await fileAndWaive(m); // Tuesday 05:00
    app.setNow(DEFAULT_NOW.plus({ minutes: 30 }));
    await app.admin.TicketReply({ input: { ticketId: id, body: 'Looking into it.' } });
    app.setNow(DEFAULT_NOW.plus({ days: 1, hours: 2 })); // Wednesday 07:00: 600 of 540 minutes used
    const eligibility = async () =>
      ((await m.sdk.SubscriptionDetail({ id: m.subscriptionId })).node as { refundEligibility: { eligible: boolean; rule: string } }).refundEligibility;
    const overdue = await eligibility();
    app.setNow(DEFAULT_NOW);
    expect(overdue.eligible).toBe(true);
    app.setNow(DEFAULT_NOW.plus({ days: 1, hours: 2 }));
    await app.admin.TicketStatusChange({ input: { ticketId: id, status: TicketStatus.Resolved } });
    await app.admin.TicketStatusChange({ input: { ticketId: id, status: TicketStatus.Open } });
    const detail = (await m.sdk.TicketDetail({ id })).node as { sla: { resolution: { breached: boolean } } };
    const reopened = await eligibility();
    app.setNow(DEFAULT_NOW);
    expect(detail.sla.resolution.breached).toBe(true);
    expect(reopened).toEqual(overdue);
  });
});

describe('"guaranteed reply time" (Premium) versus best effort (one-time fix)', () => {
  it('premium tickets are guaranteed and go to the development team; a one-time fix is best effort', async () => {
    const premium = await createMerchant(app);
    const fix = await createMerchant(app, { plan: PlanKind.OneTimeFix });
    const p = (await premium.sdk.TicketCreate({ input: base })).ticketCreate;
    const f = (await fix.sdk.TicketCreate({ input: base })).ticketCreate;
    expect(p.ticket).toMatchObject({ slaGuaranteed: true, team: StaffTeam.Development });
    expect(f.ticket).toMatchObject({ slaGuaranteed: false, team: StaffTeam.Support });
    expect(f.notices.map((n) => n.code)).toContain('BEST_EFFORT');
  });

  it('"direct communication with a development team": premium tickets are assigned only to developers, and the merchant sees who answers', async () => {
    const m = await createMerchant(app);
    const { id } = await fileAndWaive(m);
    const supportAgent = await createStaff(app, 'AGENT', 'SUPPORT');
    const developer = await createStaff(app, 'AGENT', 'DEVELOPMENT');
    const refused = await app.admin.TicketAssign({ input: { ticketId: id, assigneeId: supportAgent.id } });
    expect(refused.ticketAssign.userErrors[0]!.code).toBe(UserErrorCode.Invalid);
    await app.admin.TicketAssign({ input: { ticketId: id, assigneeId: developer.id } });
    await developer.sdk.TicketReply({ input: { ticketId: id, body: 'Hi, I am on the development team and will fix this.' } });
    const detail = (await m.sdk.TicketDetail({ id })).node as {
      assignee: { team: string };
      messages: { edges: Array<{ node: { author: { team: string } } }> };
    };
    expect(detail.assignee.team).toBe(StaffTeam.Development);
    expect(detail.messages.edges[0]!.node.author.team).toBe(StaffTeam.Development);
  });
});

describe('"guaranteed reply time": breaches are reported', () => {
  it('a late ticket is listed as overdue for staff, and a late first reply is recorded as a breach', async () => {
    const m = await createMerchant(app);
    const { id } = await fileAndWaive(m);
    const overdueIds = async () => (await app.admin.Tickets({ first: 100, filter: { overdue: true } })).tickets.edges.map((e) => e.node.id);
    expect(await overdueIds()).not.toContain(id);
    app.setNow(DEFAULT_NOW.plus({ days: 1, hours: 1 })); // Wednesday 06:00: the 540 minutes ran out at 05:00
    expect(await overdueIds()).toContain(id);
    const late = await app.admin.TicketReply({ input: { ticketId: id, body: 'Sorry for the wait, looking now.' } });
    expect(late.ticketReply.ticket!.sla.firstReply).toMatchObject({ met: true, breached: true, minutesTaken: 600 });
    const events = ((await app.admin.TicketDetail({ id })).node as { events: { edges: Array<{ node: { action: string; rule: string | null } }> } }).events
      .edges;
    expect(events.find((e) => e.node.action === 'FIRST_REPLY')!.node.rule).toBe('GUARANTEED_REPLY_BREACHED');
    const forMerchant = await app.raw(`{ tickets(first: 5, filter: { overdue: true }) { totalCount } }`, {}, m.token);
    expect(forMerchant.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    app.setNow(DEFAULT_NOW);
  });
});

describe('"What is not covered … custom development … subject to charge separately"', () => {
  it('staff quote it; work starts only after the merchant accepts', async () => {
    const m = await createMerchant(app);
    const { id } = await fileAndWaive(m, { category: TicketCategory.CustomExtensionDevelopment });
    const early = await app.admin.TicketStatusChange({ input: { ticketId: id, status: TicketStatus.InProgress } });
    expect(early.ticketStatusChange.userErrors[0]!.code).toBe(UserErrorCode.QuoteRequired);
    const quoted = await app.admin.TicketQuoteSet({ input: { ticketId: id, amount: 35000, note: 'A custom shipping module.' } });
    expect(quoted.ticketQuoteSet.ticket!).toMatchObject({
      awaitingMerchantDecision: true,
      quote: { status: QuoteStatus.Pending, price: { formatted: '$350.00' } },
    });
    expect(quoted.ticketQuoteSet.ticket!.sla.running).toBe(false);
    await m.sdk.TicketQuoteRespond({ input: { ticketId: id, accept: true } });
    const started = await app.admin.TicketStatusChange({ input: { ticketId: id, status: TicketStatus.InProgress } });
    expect(started.ticketStatusChange.userErrors).toEqual([]);
    expect(started.ticketStatusChange.ticket!.sla.running).toBe(true);
  });

  it('a declined quote closes the ticket', async () => {
    const m = await createMerchant(app);
    const { id } = await fileAndWaive(m, { category: TicketCategory.FrontEndChange });
    await app.admin.TicketQuoteSet({ input: { ticketId: id, amount: 9000 } });
    const declined = await m.sdk.TicketQuoteRespond({ input: { ticketId: id, accept: false } });
    expect(declined.ticketQuoteRespond.ticket!.status).toBe(TicketStatus.Closed);
  });
});

describe('"MijoShop, AceShop, JooCart, Arastta and other non-native OpenCart ports"', () => {
  const port = (platform: Platform, opencartVersion = '2.3.0.2') => ({ ...base, environment: { platform, opencartVersion } });

  it('a port is flagged for a staff decision; a surcharge must be accepted before work starts', async () => {
    const m = await createMerchant(app);
    const { id, created } = await fileAndWaive(m, port(Platform.Mijoshop));
    expect(created.ticketCreate.ticket!.platformFlags).toContain(PlatformFlag.NonNativePort);
    expect(created.ticketCreate.notices.map((n) => n.code)).toContain('PORT_REVIEW');
    const early = await app.admin.TicketStatusChange({ input: { ticketId: id, status: TicketStatus.InProgress } });
    expect(early.ticketStatusChange.userErrors[0]!.code).toBe(UserErrorCode.DecisionRequired);
    const noAmount = await app.admin.TicketPortDecide({ input: { ticketId: id, decision: PortDecision.AcceptWithSurcharge } });
    expect(noAmount.ticketPortDecide.userErrors[0]!.code).toBe(UserErrorCode.Invalid);
    await app.admin.TicketPortDecide({ input: { ticketId: id, decision: PortDecision.AcceptWithSurcharge, surchargeAmount: 4000 } });
    const pending = await app.admin.TicketStatusChange({ input: { ticketId: id, status: TicketStatus.InProgress } });
    expect(pending.ticketStatusChange.userErrors[0]!.code).toBe(UserErrorCode.DecisionRequired);
    const accepted = await m.sdk.TicketSurchargeRespond({ input: { ticketId: id, accept: true } });
    expect(accepted.ticketSurchargeRespond.ticket!.portReview).toMatchObject({
      pending: false,
      decision: PortDecision.AcceptWithSurcharge,
      surcharge: { amount: 4000 },
    });
    const started = await app.admin.TicketStatusChange({ input: { ticketId: id, status: TicketStatus.InProgress } });
    expect(started.ticketStatusChange.userErrors).toEqual([]);
  });

  it('a denied port closes the ticket and gives the allowance back', async () => {
    const m = await createMerchant(app);
    const { id } = await fileAndWaive(m, port(Platform.Joocart));
    const before = (await m.sdk.Viewer()).viewer.customer!.allowance!.used;
    const denied = await app.admin.TicketPortDecide({ input: { ticketId: id, decision: PortDecision.Deny, note: 'JooCart 2 is not supported.' } });
    expect(denied.ticketPortDecide.ticket).toMatchObject({ status: TicketStatus.Closed, consumesAllowance: false });
    expect((await m.sdk.Viewer()).viewer.customer!.allowance!.used).toBe(before - 1);
  });

  it('a closed ticket has nothing left to decide', async () => {
    const m = await createMerchant(app);
    const { id } = await fileAndWaive(m, port(Platform.Aceshop));
    await app.admin.TicketStatusChange({ input: { ticketId: id, status: TicketStatus.Closed } });
    const late = await app.admin.TicketPortDecide({ input: { ticketId: id, decision: PortDecision.AcceptWithSurcharge, surchargeAmount: 4000 } });
    expect(late.ticketPortDecide.userErrors[0]).toMatchObject({ code: UserErrorCode.Closed, field: ['input', 'ticketId'] });
    const detail = (await m.sdk.TicketDetail({ id })).node as { status: string; portReview: { pending: boolean; decision: string | null } };
    expect(detail.status).toBe(TicketStatus.Closed);
    expect(detail.portReview.decision).toBeNull();
  });

  it('native OpenCart skips the decision', async () => {
    const m = await createMerchant(app);
    const { id } = await fileAndWaive(m, port(Platform.Native, '3.0.3.8'));
    const r = await app.admin.TicketPortDecide({ input: { ticketId: id, decision: PortDecision.Accept } });
    expect(r.ticketPortDecide.userErrors[0]!.code).toBe(UserErrorCode.Invalid);
    expect((await app.admin.TicketStatusChange({ input: { ticketId: id, status: TicketStatus.InProgress } })).ticketStatusChange.userErrors).toEqual([]);
  });
});

describe('"OpenCart versions <1.5.4.x" and "a wrong version of the module"', () => {
  it.each([
    ['1.5.3.1', [PlatformFlag.LegacyVersion], false, true],
    ['1.5.4', [], true, true],
    ['1.5.4.1', [], true, true],
    ['4.1.0.4', [], true, true],
  ])('OpenCart %s → flags %j, fix guaranteed %s, reply time guaranteed %s', async (version, flags, fixGuaranteed, slaGuaranteed) => {
    const m = await createMerchant(app);
    const r = await m.sdk.TicketCreate({ input: { ...base, environment: { platform: Platform.Native, opencartVersion: version } } });
    expect(r.ticketCreate.ticket).toMatchObject({ platformFlags: flags, fixGuaranteed, slaGuaranteed });
  });

  it('a module built for another OpenCart line is flagged and the fix is not guaranteed', async () => {
    const m = await createMerchant(app);
    const r = await m.sdk.TicketCreate({
      input: {
        ...base,
        environment: {
          platform: Platform.Native,
          opencartVersion: '3.0.3.8',
          extensions: [
            {
              kind: 'EXTENSION' as never,
              code: 'oldslider',
              name: 'Old Slider',
              version: '1.2',
              targetLine: '2.x',
              evidence: 'admin/controller/module/oldslider.php',
            },
          ],
        },
      },
    });
    expect(r.ticketCreate.ticket).toMatchObject({ platformFlags: [PlatformFlag.WrongModuleVersion], fixGuaranteed: false });
    expect(r.ticketCreate.notices.find((n) => n.code === 'FIX_NOT_GUARANTEED')!.message).toContain('Old Slider');
  });
});

describe('"All support communication will be handled only in English"', () => {
  it('a ticket that is not English is flagged and the merchant told, but not rejected', async () => {
    const m = await createMerchant(app);
    const r = await m.sdk.TicketCreate({
      input: {
        ...base,
        subject: 'Kasse funktioniert nicht',
        description: 'Seit dem letzten Update zeigt die Kasse eine leere Seite, wenn ein Gast mit PayPal bezahlen möchte. Können Sie uns bitte helfen?',
      },
    });
    expect(r.ticketCreate.ticket!.notEnglish).toBe(true);
    expect(r.ticketCreate.notices.find((n) => n.code === 'NOT_ENGLISH')!.message).toMatch(/English/);
    const english = await m.sdk.TicketCreate({ input: base });
    expect(english.ticketCreate.ticket!.notEnglish).toBe(false);
    expect(english.ticketCreate.notices.map((n) => n.code)).not.toContain('NOT_ENGLISH');
  });
});

describe('"After the matter of the ticket is resolved … disable the temporary FTP and web store access"', () => {
  it('resolution asks the merchant to disable access, and the ticket shows whether it was done', async () => {
    const m = await createMerchant(app);
    const { id } = await fileAndWaive(m);
    const early = await m.sdk.TicketAccessDisabledConfirm({ input: { ticketId: id } });
    expect(early.ticketAccessDisabledConfirm.userErrors[0]!.code).toBe(UserErrorCode.InvalidTransition);
    const resolved = await app.admin.TicketStatusChange({ input: { ticketId: id, status: TicketStatus.Resolved } });
    expect(resolved.ticketStatusChange.notices.find((n) => n.code === 'DISABLE_ACCESS')).toBeDefined();
    const confirmed = await m.sdk.TicketAccessDisabledConfirm({ input: { ticketId: id } });
    expect(confirmed.ticketAccessDisabledConfirm.ticket!.accessDisabledAt).not.toBeNull();
    expect(confirmed.ticketAccessDisabledConfirm.ticket!.accessState).toBe(AccessState.Waived);
  });

  it('resolving with the final reply asks for it too', async () => {
    const m = await createMerchant(app);
    const { id } = await fileAndWaive(m);
    const reply = await app.admin.TicketReply({
      input: { ticketId: id, body: 'Fixed: the cache is cleared and checkout works.', status: TicketStatus.Resolved },
    });
    expect(reply.ticketReply.ticket!.status).toBe(TicketStatus.Resolved);
    expect(reply.ticketReply.notices.map((n) => n.code)).toContain('DISABLE_ACCESS');
  });
});

describe('"Refunds … only for the current month and not for the whole contract period"', () => {
  it('a breached guaranteed reply makes the current month eligible; an admin decides; one refund per month', async () => {
    const m = await createMerchant(app);
    await fileAndWaive(m);
    const before = await m.sdk.SubscriptionDetail({ id: m.subscriptionId });
    expect((before.node as { refundEligibility: { eligible: boolean; rule: string } }).refundEligibility).toMatchObject({
      eligible: false,
      rule: RefundRule.NoPromiseBroken,
    });

    app.setNow(DEFAULT_NOW.plus({ days: 2 })); // the guaranteed first reply is now late
    const eligible = (await m.sdk.SubscriptionDetail({ id: m.subscriptionId })).node as {
      refundEligibility: { eligible: boolean; amount: { amount: number } };
    };
    expect(eligible.refundEligibility).toMatchObject({ eligible: true, amount: { amount: 19900 } });
    const requested = await m.sdk.RefundRequest({
      input: { subscriptionId: m.subscriptionId, reason: RefundReason.ServiceNotDelivered, details: 'Nobody replied within the guaranteed time.' },
    });
    expect(requested.refundRequest.refund).toMatchObject({
      status: RefundStatus.Pending,
      rule: RefundRule.PromiseBroken,
      periodIndex: 0,
      money: { amount: 19900 },
    });
    const again = await m.sdk.RefundRequest({
      input: { subscriptionId: m.subscriptionId, reason: RefundReason.ServiceNotDelivered, details: 'Asking twice.' },
    });
    expect(again.refundRequest.userErrors[0]!.code).toBe(UserErrorCode.AlreadyRefunded);
    const decided = await app.admin.RefundDecide({ input: { refundId: requested.refundRequest.refund!.id, decision: RefundStatus.Approved } });
    expect(decided.refundDecide.refund).toMatchObject({ status: RefundStatus.Approved, rule: RefundRule.AdminDecision });
    app.setNow(DEFAULT_NOW);
  });

  it('"not granted in case the customer is not providing access": refused with its rule', async () => {
    const m = await createMerchant(app);
    const { id } = await fileAndWaive(m);
    await app.admin.TicketUpdate({ input: { ticketId: id, accessWithheld: true, reason: 'FTP login never worked.' } });
    app.setNow(DEFAULT_NOW.plus({ days: 2 }));
    const r = await m.sdk.RefundRequest({ input: { subscriptionId: m.subscriptionId, reason: RefundReason.ServiceNotDelivered, details: 'Late reply.' } });
    expect(r.refundRequest.userErrors[0]!.code).toBe(UserErrorCode.NotEligible);
    expect(r.refundRequest.userErrors[0]!.message).toMatch(/access/i);
    app.setNow(DEFAULT_NOW);
  });

  it('"hosting or other third party … not cooperating": refused', async () => {
    const m = await createMerchant(app);
    const { id } = await fileAndWaive(m);
    await app.admin.TicketUpdate({ input: { ticketId: id, thirdPartyBlocked: true, reason: 'Host refused to raise PHP memory.' } });
    app.setNow(DEFAULT_NOW.plus({ days: 2 }));
    const r = await m.sdk.RefundRequest({ input: { subscriptionId: m.subscriptionId, reason: RefundReason.ServiceNotDelivered, details: 'Late reply.' } });
    expect(r.refundRequest.userErrors[0]!.code).toBe(UserErrorCode.NotEligible);
    app.setNow(DEFAULT_NOW);
  });

  it('"refunds, no questions asked, in the case of a stolen credit card": approved at once and the plan ends', async () => {
    const m = await createMerchant(app);
    const r = await m.sdk.RefundRequest({ input: { subscriptionId: m.subscriptionId, reason: RefundReason.StolenCard, details: 'This card was stolen.' } });
    expect(r.refundRequest.refund).toMatchObject({ status: RefundStatus.Approved, rule: RefundRule.StolenCardNoQuestions, money: { amount: 19900 } });
    const sub = await m.sdk.SubscriptionDetail({ id: m.subscriptionId });
    expect((sub.node as { status: string }).status).toBe(SubscriptionStatus.Refunded);
    const ticket = await m.sdk.TicketCreate({ input: base });
    expect(ticket.ticketCreate.userErrors[0]!.code).toBe(UserErrorCode.NoActivePlan);
  });
});

describe('refunds under pressure', () => {
  it('a refunded purchase cannot be refunded again in a later month', async () => {
    const m = await createMerchant(app);
    await m.sdk.RefundRequest({ input: { subscriptionId: m.subscriptionId, reason: RefundReason.StolenCard, details: 'Card stolen.' } });
    app.setNow(DEFAULT_NOW.plus({ months: 1 }));
    const again = await m.sdk.RefundRequest({ input: { subscriptionId: m.subscriptionId, reason: RefundReason.StolenCard, details: 'Card stolen, again.' } });
    expect(again.refundRequest.userErrors[0]!.code).toBe(UserErrorCode.AlreadyRefunded);
    app.setNow(DEFAULT_NOW);
  });

  it('after a rejected request, a stolen-card claim for the same month is still refunded', async () => {
    const m = await createMerchant(app);
    await fileAndWaive(m);
    app.setNow(DEFAULT_NOW.plus({ days: 2 }));
    const first = await m.sdk.RefundRequest({ input: { subscriptionId: m.subscriptionId, reason: RefundReason.ServiceNotDelivered, details: 'Late reply.' } });
    await app.admin.RefundDecide({ input: { refundId: first.refundRequest.refund!.id, decision: RefundStatus.Rejected, note: 'Replied by phone in time.' } });
    const stolen = await m.sdk.RefundRequest({ input: { subscriptionId: m.subscriptionId, reason: RefundReason.StolenCard, details: 'Card stolen.' } });
    expect(stolen.refundRequest.refund).toMatchObject({ status: RefundStatus.Approved, rule: RefundRule.StolenCardNoQuestions });
    app.setNow(DEFAULT_NOW);
  });

  it('a stolen card ends the plan even when its month was already refunded', async () => {
    const m = await createMerchant(app);
    await fileAndWaive(m);
    app.setNow(DEFAULT_NOW.plus({ days: 2 }));
    const first = await m.sdk.RefundRequest({ input: { subscriptionId: m.subscriptionId, reason: RefundReason.ServiceNotDelivered, details: 'Late reply.' } });
    await app.admin.RefundDecide({ input: { refundId: first.refundRequest.refund!.id, decision: RefundStatus.Approved } });
    const stolen = await m.sdk.RefundRequest({ input: { subscriptionId: m.subscriptionId, reason: RefundReason.StolenCard, details: 'Card stolen.' } });
    // No second refund: the month's refund is returned, and the plan ends.
    expect(stolen.refundRequest.userErrors).toEqual([]);
    expect(stolen.refundRequest.refund).toMatchObject({ id: first.refundRequest.refund!.id, status: RefundStatus.Approved });
    const sub = await m.sdk.SubscriptionDetail({ id: m.subscriptionId });
    expect((sub.node as { status: string }).status).toBe(SubscriptionStatus.Refunded);
    const refunds = await app.admin.Refunds({ first: 10, filter: { customerId: m.customerId } });
    expect(refunds.refunds.totalCount).toBe(1);
    app.setNow(DEFAULT_NOW);
  });

  it('a stolen-card claim while a request for the month is pending takes it over: approved at once, one refund', async () => {
    const m = await createMerchant(app);
    await fileAndWaive(m);
    app.setNow(DEFAULT_NOW.plus({ days: 2 }));
    const first = await m.sdk.RefundRequest({ input: { subscriptionId: m.subscriptionId, reason: RefundReason.ServiceNotDelivered, details: 'Late reply.' } });
    expect(first.refundRequest.refund!.status).toBe(RefundStatus.Pending);
    const stolen = await m.sdk.RefundRequest({ input: { subscriptionId: m.subscriptionId, reason: RefundReason.StolenCard, details: 'Card stolen.' } });
    expect(stolen.refundRequest.userErrors).toEqual([]);
    expect(stolen.refundRequest.refund).toMatchObject({
      id: first.refundRequest.refund!.id,
      status: RefundStatus.Approved,
      rule: RefundRule.StolenCardNoQuestions,
      reason: RefundReason.StolenCard,
      money: { amount: 19900 },
    });
    const sub = await m.sdk.SubscriptionDetail({ id: m.subscriptionId });
    expect((sub.node as { status: string }).status).toBe(SubscriptionStatus.Refunded);
    // Nothing is left for an admin to decide.
    const decided = await app.admin.RefundDecide({ input: { refundId: first.refundRequest.refund!.id, decision: RefundStatus.Rejected } });
    expect(decided.refundDecide.userErrors[0]!.code).toBe(UserErrorCode.NotPending);
    app.setNow(DEFAULT_NOW);
  });

  it('a stolen-card claim takes over the pending request of its own month, not an older one', async () => {
    const m = await createMerchant(app);
    await fileAndWaive(m);
    app.setNow(DEFAULT_NOW.plus({ days: 2 }));
    const march = await m.sdk.RefundRequest({
      input: { subscriptionId: m.subscriptionId, reason: RefundReason.ServiceNotDelivered, details: 'Late reply in March.' },
    });
    expect(march.refundRequest.refund).toMatchObject({ status: RefundStatus.Pending, periodIndex: 0 });
    app.setNow(DEFAULT_NOW.plus({ days: 31 }));
    await fileAndWaive(m);
    app.setNow(DEFAULT_NOW.plus({ days: 36 })); // the April ticket's first reply is late by now
    const april = await m.sdk.RefundRequest({
      input: { subscriptionId: m.subscriptionId, reason: RefundReason.ServiceNotDelivered, details: 'Late reply in April.' },
    });
    expect(april.refundRequest.userErrors).toEqual([]);
    expect(april.refundRequest.refund).toMatchObject({ status: RefundStatus.Pending, periodIndex: 1 });
    const stolen = await m.sdk.RefundRequest({ input: { subscriptionId: m.subscriptionId, reason: RefundReason.StolenCard, details: 'Card stolen.' } });
    expect(stolen.refundRequest.userErrors).toEqual([]);
    expect(stolen.refundRequest.refund).toMatchObject({
      id: april.refundRequest.refund!.id,
      status: RefundStatus.Approved,
      rule: RefundRule.StolenCardNoQuestions,
    });
    const pending = await app.admin.Refunds({ first: 10, filter: { customerId: m.customerId, status: RefundStatus.Pending } });
    expect(pending.refunds.edges.map((e) => e.node.id)).toEqual([march.refundRequest.refund!.id]);
    app.setNow(DEFAULT_NOW);
  });

  it('two admins deciding one refund at once: one decision, the other NOT_PENDING', async () => {
    const m = await createMerchant(app);
    await fileAndWaive(m);
    app.setNow(DEFAULT_NOW.plus({ days: 2 }));
    const r = await m.sdk.RefundRequest({ input: { subscriptionId: m.subscriptionId, reason: RefundReason.ServiceNotDelivered, details: 'Late reply.' } });
    const other = await createStaff(app, 'ADMIN');
    const [a, b] = await Promise.all([
      app.admin.RefundDecide({ input: { refundId: r.refundRequest.refund!.id, decision: RefundStatus.Approved } }),
      other.sdk.RefundDecide({ input: { refundId: r.refundRequest.refund!.id, decision: RefundStatus.Rejected } }),
    ]);
    const codes = [a.refundDecide.userErrors[0]?.code, b.refundDecide.userErrors[0]?.code].filter(Boolean);
    expect(codes).toEqual([UserErrorCode.NotPending]);
    app.setNow(DEFAULT_NOW);
  });
});

describe('"In order for us to provide support, you need to submit working web store admin and FTP credentials"', () => {
  it('a merchant answering a question on a ticket without access sends it back to waiting for access, not to work', async () => {
    const m = await createMerchant(app);
    const created = await m.sdk.TicketCreate({ input: base });
    const id = created.ticketCreate.ticket!.id;
    await app.admin.TicketStatusChange({ input: { ticketId: id, status: TicketStatus.WaitingOnCustomer, reason: 'Which theme?' } });
    const reply = await m.sdk.TicketReply({ input: { ticketId: id, body: 'We use the default theme.' } });
    expect(reply.ticketReply.ticket).toMatchObject({ status: TicketStatus.AwaitingAccess, sla: { running: false } });
  });
});

describe('access disabled before the ticket is resolved', () => {
  it('the stored access is destroyed and the ticket waits for new access, its clock paused', async () => {
    const m = await createMerchant(app);
    const created = await m.sdk.TicketCreate({
      input: {
        ...base,
        access: {
          storeAdmin: { url: 'https://shop.example.com/admin/', username: 'ocsupport_1', password: 'Temp-Adm1n-pass' },
          fileAccess: { protocol: 'FTP' as never, host: 'ftp.shop.example.com', username: 'support', password: 'Ftp-pass-123' },
        },
      },
    });
    const id = created.ticketCreate.ticket!.id;
    expect(created.ticketCreate.ticket).toMatchObject({ status: TicketStatus.Open, accessState: AccessState.Provided });
    const disabled = await m.sdk.TicketAccessDisabledConfirm({ input: { ticketId: id } });
    expect(disabled.ticketAccessDisabledConfirm.userErrors).toEqual([]);
    expect(disabled.ticketAccessDisabledConfirm.ticket).toMatchObject({
      status: TicketStatus.AwaitingAccess,
      accessState: AccessState.Missing,
      sla: { running: false },
    });
    const detail = await app.raw(`query($id: ID!) { node(id: $id) { ... on Ticket { access { state } } } }`, { id }, app.adminToken);
    expect(detail.body.data!.node.access.state).toBe('SHREDDED');
  });
});

describe('"Your access will be banned permanently"', () => {
  it('keys stop working, open tickets close, and the email or store cannot come back', async () => {
    const m = await createMerchant(app, { email: 'Forger+shop@Example.com', storeUrl: 'https://www.forged-store.example/' });
    const { id } = await fileAndWaive(m);
    const banned = await app.admin.CustomerBan({ input: { customerId: m.customerId, reason: BanReason.AccountForgery, note: 'Documents were forged.' } });
    expect(banned.customerBan.customer).toMatchObject({ status: 'BANNED', banReason: BanReason.AccountForgery });

    const refused = await app.raw(`{ viewer { kind } }`, {}, m.token);
    expect(refused.status).toBe(401);
    const ticket = (await app.admin.TicketDetail({ id })).node as { status: string; events: { edges: Array<{ node: { rule: string | null } }> } };
    expect(ticket.status).toBe(TicketStatus.Closed);
    expect(ticket.events.edges.map((e) => e.node.rule)).toContain('CUSTOMER_BANNED');

    const sameEmail = await app.admin.CustomerCreate({ input: { email: 'forger@example.com', name: 'Totally New' } });
    expect(sameEmail.customerCreate.userErrors[0]).toMatchObject({ code: UserErrorCode.Banned, field: ['input', 'email'] });
    const sameStore = await app.admin.CustomerCreate({ input: { email: 'someone-else@example.org', name: 'Other', storeUrl: 'forged-store.example' } });
    expect(sameStore.customerCreate.userErrors[0]).toMatchObject({ code: UserErrorCode.Banned, field: ['input', 'storeUrl'] });

    // Its tickets are closed for good: their clocks stopped, so they never show as overdue.
    app.setNow(DEFAULT_NOW.plus({ days: 3 }));
    const overdue = (await app.admin.Tickets({ first: 100, filter: { overdue: true } })).tickets.edges.map((e) => e.node.id);
    expect(overdue).not.toContain(id);
    app.setNow(DEFAULT_NOW);

    // The store cannot come back through another account's ticket either.
    const newcomer = await createMerchant(app);
    const viaTicket = await newcomer.sdk.TicketCreate({
      input: { ...base, environment: { platform: Platform.Native, opencartVersion: '3.0.3.8', storeUrl: 'https://forged-store.example/shop' } },
    });
    expect(viaTicket.ticketCreate.userErrors[0]).toMatchObject({ code: UserErrorCode.Banned, field: ['input', 'environment', 'storeUrl'] });

    const events = await app.admin.CustomerEvents({ id: m.customerId });
    const ban = (events.node as { events: { edges: Array<{ node: { action: string; rule: string | null; actorKind: string } }> } }).events.edges.find(
      (e) => e.node.action === 'CUSTOMER_BANNED',
    );
    expect(ban!.node).toMatchObject({ rule: 'BAN_ACCOUNT_FORGERY', actorKind: 'STAFF' });
  });
});

describe('the record', () => {
  it('the audit trail is append-only in the database itself', async () => {
    const m = await createMerchant(app);
    await fileAndWaive(m);
    const connection = app.orm.em.getConnection();
    await expect(connection.execute(`update audit_event set action = 'FORGED'`)).rejects.toThrow(/append-only/);
    await expect(connection.execute(`delete from audit_event`)).rejects.toThrow(/append-only/);
  });
});
