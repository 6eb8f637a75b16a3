import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { requireId } from '../../common/access';
import { DomainError, UserErrorCode, userError } from '../../common/user-error';
import { audit } from '../audit/audit';
import { BanIdentityKind, storeDomain } from '../customer/ban-rules';
import { BannedIdentity, Customer, CustomerStatus } from '../customer/customer.entity';
import { assessPlatform, PlatformFlag, PortDecision, validatePortDecision } from '../platform/platform-rules';
import { StaffMember, StaffTeam } from '../staff/staff-member.entity';
import { Subscription } from '../subscription/subscription.entity';
import { entitlementFor, selectSubscriptionForTicket } from '../subscription/subscription.service';
import type { SupportCalendar } from '../support-hours/support-calendar';
import { vaultService } from '../vault/vault.service';
import { isCustomer, isStaff, type Viewer } from '../viewer/viewer';
import { canStartWork, consumesAllowance, Coverage, coverageOf, QuoteStatus } from './coverage';
import type { ReportedEnvironment } from './environment';
import { assessEnglish, ENGLISH_ONLY_NOTICE } from './language';
import { evaluateMetTarget, slaTargets } from '../sla/sla-clock';
import { supportMinutesUsed, syncClock, tierOf } from './ticket-clock';
import { TicketMessage } from './ticket-message.entity';
import { Ticket } from './ticket.entity';
import { AccessState, AuthorKind, TicketStatus } from './ticket.enums';
import type {
  Notice,
  OpenCartEnvironmentInput,
  TicketAccessWaiveInput,
  TicketAssignInput,
  TicketCreateInput,
  TicketPortDecideInput,
  TicketQuoteSetInput,
  TicketReplyInput,
  TicketRespondInput,
  TicketStatusChangeInput,
  TicketUpdateInput,
} from './ticket.types';

export interface TicketServiceDeps {
  viewer: Viewer;
  now: DateTime;
  calendar: SupportCalendar;
}

const notice = (code: string, message: string): Notice => ({ code, message });

/** Statuses staff may move a ticket to from each status. */
const TRANSITIONS: Record<TicketStatus, TicketStatus[]> = {
  [TicketStatus.AWAITING_ACCESS]: [TicketStatus.OPEN, TicketStatus.WAITING_ON_CUSTOMER, TicketStatus.CLOSED],
  [TicketStatus.OPEN]: [TicketStatus.IN_PROGRESS, TicketStatus.WAITING_ON_CUSTOMER, TicketStatus.RESOLVED, TicketStatus.CLOSED],
  [TicketStatus.IN_PROGRESS]: [TicketStatus.OPEN, TicketStatus.WAITING_ON_CUSTOMER, TicketStatus.RESOLVED, TicketStatus.CLOSED],
  [TicketStatus.WAITING_ON_CUSTOMER]: [TicketStatus.OPEN, TicketStatus.IN_PROGRESS, TicketStatus.RESOLVED, TicketStatus.CLOSED],
  [TicketStatus.RESOLVED]: [TicketStatus.OPEN, TicketStatus.CLOSED],
  [TicketStatus.CLOSED]: [],
};

export const DISABLE_ACCESS_NOTICE =
  'Your ticket is resolved. Please disable the temporary store-admin and FTP access you gave us now, then confirm it here.';

/**
 * Ticket life cycle and the policy rules that apply to it. Every method runs inside the
 * caller's transaction (`runMutation`) and throws DomainError for a refusal.
 */
export class TicketService {
  constructor(
    private readonly em: EntityManager,
    private readonly deps: TicketServiceDeps,
  ) {}

  /** A ticket the viewer may see, or NOT_FOUND (someone else's ticket looks like no ticket). */
  async findVisible(globalId: string, field: string[] = ['input', 'ticketId'], lock = false): Promise<Ticket> {
    const id = requireId(globalId, 'Ticket', field);
    const { viewer } = this.deps;
    const where = isCustomer(viewer) ? { id, customer: viewer.customerId } : { id };
    const ticket = isStaff(viewer) || isCustomer(viewer)
      ? await this.em.findOne(Ticket, where, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {})
      : null;
    if (!ticket) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No ticket with this ID.', field);
    return ticket;
  }

  async create(input: TicketCreateInput): Promise<{ ticket: Ticket; notices: Notice[] }> {
    const { viewer, now } = this.deps;
    let customerId: string;
    if (isCustomer(viewer)) {
      if (input.customerId) {
        throw DomainError.of(UserErrorCode.FORBIDDEN, 'Merchants file tickets for themselves; leave customerId out.', ['input', 'customerId']);
      }
      customerId = viewer.customerId;
    } else {
      if (!input.customerId) throw DomainError.of(UserErrorCode.INVALID, 'Staff must say which customer the ticket is for.', ['input', 'customerId']);
      customerId = requireId(input.customerId, 'Customer', ['input', 'customerId']);
    }

    const coverage = coverageOf(input.category);
    if (coverage === Coverage.OUTSIDE_AGREEMENT) {
      throw DomainError.of(
        UserErrorCode.OUTSIDE_AGREEMENT,
        'Server configuration and other configuration outside OpenCart are not part of the support agreement.',
        ['input', 'category'],
      );
    }

    // Serialises ticket creation per customer across every server process: the allowance
    // check and the insert below cannot interleave with another request's.
    const customer = await this.em.findOne(Customer, { id: customerId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!customer) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No customer with this ID.', ['input', 'customerId']);
    if (customer.status === CustomerStatus.BANNED) {
      throw DomainError.of(UserErrorCode.BANNED, 'This account is banned permanently.', ['input', 'customerId']);
    }

    if (input.idempotencyKey) {
      const previous = await this.em.findOne(Ticket, { customer: customerId, idempotencyKey: input.idempotencyKey });
      if (previous) return { ticket: previous, notices: [notice('IDEMPOTENT_REPLAY', `This submission was already received as ${previous.number}.`)] };
    }

    const subscription = await selectSubscriptionForTicket(this.em, customerId, now, consumesAllowance(input.category));
    if (!subscription) {
      throw DomainError.of(
        UserErrorCode.NO_ACTIVE_PLAN,
        'You have no active support plan. Buy a one-time fix or Premium Support to open a ticket.',
      );
    }
    const plan = subscription.plan;
    const consumes = consumesAllowance(input.category);
    let periodIndex: number | null = null;
    if (consumes) {
      const decision = await entitlementFor(this.em, subscription, now);
      if (!decision.ok) {
        const code = UserErrorCode[decision.code];
        const renews = decision.renewsAt ? ` (renews ${decision.renewsAt.toISO()})` : '';
        throw new DomainError([userError(code, decision.message + (decision.message.includes('renews') ? '' : renews))]);
      }
      periodIndex = decision.period.index;
    }

    const notices: Notice[] = [];
    const environment = input.environment ? toReportedEnvironment(input.environment) : null;
    const platform = environment
      ? assessPlatform({
          opencartVersion: environment.opencartVersion ?? null,
          platform: environment.platform,
          platformVersion: environment.platformVersion ?? null,
          extensions: (environment.extensions ?? []).map((e) => ({ code: e.code, name: e.name, version: e.version, targetLine: e.targetLine })),
        })
      : null;
    await this.refuseBannedStore(environment?.storeUrl ?? null);
    const language = assessEnglish(`${input.subject}\n\n${input.description}`);

    const [{ n }] = await this.em.execute<[{ n: string }]>("select nextval('ticket_serial_seq') as n");
    const ticket = new Ticket();
    Object.assign(ticket, {
      serial: Number(n),
      customer,
      subscription,
      subject: input.subject.trim(),
      description: input.description,
      category: input.category,
      coverage,
      priority: input.priority,
      environment,
      platformFlags: platform?.flags.filter((f) => f !== PlatformFlag.UNKNOWN_VERSION) ?? [],
      fixGuaranteed: platform?.fixGuaranteed ?? true,
      slaGuaranteed: plan.guaranteedReply && (platform?.slaGuaranteed ?? true),
      notEnglish: !language.english,
      consumesAllowance: consumes,
      periodIndex,
      team: plan.developmentTeamAccess ? StaffTeam.DEVELOPMENT : StaffTeam.SUPPORT,
      idempotencyKey: input.idempotencyKey ?? null,
      status: TicketStatus.AWAITING_ACCESS,
      accessState: AccessState.MISSING,
      quoteStatus: null,
      createdAt: now.toJSDate(),
      updatedAt: now.toJSDate(),
      lastActivityAt: now.toJSDate(),
    });
    syncClock(ticket, now, this.deps.calendar);
    this.em.persist(ticket);

    audit(this.em, viewer, {
      customerId,
      ticket,
      action: 'TICKET_CREATED',
      rule: consumes ? 'ALLOWANCE_CONSUMED' : 'CUSTOM_DEVELOPMENT_NO_ALLOWANCE',
      details: { number: ticket.number, category: ticket.category, coverage, periodIndex, subscriptionId: subscription.id },
    });

    if (input.access) {
      await vaultService(this.em, this.deps).store(ticket, input.access, ['input', 'access']);
      this.markAccessProvided(ticket);
    } else {
      notices.push(notice('ACCESS_REQUIRED', 'Work starts once you provide working store-admin and FTP access; until then the reply clock is paused.'));
    }
    if (coverage === Coverage.CUSTOM_DEVELOPMENT) {
      notices.push(notice('QUOTE_REQUIRED', 'This is custom development: it is quoted and billed separately and uses none of your ticket allowance. Work starts after you accept our quote.'));
    }
    if (platform) {
      if (platform.flags.length > 0) {
        audit(this.em, 'system', { customerId, ticket, action: 'PLATFORM_FLAGGED', rule: platform.flags.join(','), details: { reasons: platform.reasons } });
      }
      if (!platform.fixGuaranteed) notices.push(notice('FIX_NOT_GUARANTEED', platform.reasons.join(' ')));
      if (platform.needsStaffDecision) {
        notices.push(notice('PORT_REVIEW', 'Your store runs a non-native OpenCart port: we will confirm whether we can support it, possibly at a surcharge, before work starts.'));
      }
    }
    if (!language.english) {
      audit(this.em, 'system', { customerId, ticket, action: 'LANGUAGE_FLAGGED', rule: 'ENGLISH_ONLY', details: { detected: language.detected } });
      notices.push(notice('NOT_ENGLISH', language.notice ?? ENGLISH_ONLY_NOTICE));
    }
    if (!plan.guaranteedReply) {
      notices.push(notice('BEST_EFFORT', 'A one-time fix has no guaranteed reply time: the targets shown are best effort.'));
    }
    return { ticket, notices };
  }

  /** A permanent ban covers the store too: its domain cannot come back under another account. */
  private async refuseBannedStore(storeUrl: string | null): Promise<void> {
    const domain = storeDomain(storeUrl);
    if (!domain) return;
    if (await this.em.count(BannedIdentity, { kind: BanIdentityKind.STORE_DOMAIN, value: domain })) {
      throw DomainError.of(UserErrorCode.BANNED, 'Support for this store was ended permanently.', ['input', 'environment', 'storeUrl']);
    }
  }

  async reply(input: TicketReplyInput): Promise<{ message: TicketMessage; ticket: Ticket; notices: Notice[] }> {
    const { viewer, now, calendar } = this.deps;
    const ticket = await this.findVisible(input.ticketId, ['input', 'ticketId'], true);
    const notices: Notice[] = [];
    if (ticket.status === TicketStatus.CLOSED) {
      throw DomainError.of(UserErrorCode.CLOSED, `${ticket.number} is closed; open a new ticket instead.`, ['input', 'ticketId']);
    }
    const message = new TicketMessage();
    message.ticket = ticket;
    message.body = input.body;
    message.createdAt = now.toJSDate();
    message.updatedAt = now.toJSDate();

    if (isCustomer(viewer)) {
      if (input.internal) throw DomainError.of(UserErrorCode.FORBIDDEN, 'Only staff can write internal notes.', ['input', 'internal']);
      if (input.status) throw DomainError.of(UserErrorCode.FORBIDDEN, 'Only staff can change the status.', ['input', 'status']);
      message.authorKind = AuthorKind.CUSTOMER;
      message.authorCustomer = this.em.getReference(Customer, viewer.customerId);
      const language = assessEnglish(input.body);
      message.notEnglish = !language.english;
      if (!language.english) notices.push(notice('NOT_ENGLISH', language.notice ?? ENGLISH_ONLY_NOTICE));
      // The merchant answered: the ball is back with us.
      // Without access the ticket goes back to waiting for it, not to work.
      if (ticket.status === TicketStatus.WAITING_ON_CUSTOMER) {
        this.setStatus(ticket, ticket.accessState === AccessState.MISSING ? TicketStatus.AWAITING_ACCESS : TicketStatus.OPEN, 'CUSTOMER_REPLIED');
      }
      else if (ticket.status === TicketStatus.RESOLVED) await this.reopen(ticket, 'CUSTOMER_REPLIED');
      ticket.customerLastReadAt = now.toJSDate();
    } else if (isStaff(viewer)) {
      message.authorKind = AuthorKind.STAFF;
      message.authorStaff = this.em.getReference(StaffMember, viewer.staffId);
      message.internal = input.internal;
      if (!input.internal && !ticket.firstReplyAt) {
        ticket.firstReplyAt = now.toJSDate();
        ticket.firstReplyMinutes = supportMinutesUsed(ticket, now, calendar);
        const target = slaTargets(tierOf(ticket)).firstReplyMinutes;
        const late = evaluateMetTarget(ticket.firstReplyMinutes, target).breached;
        audit(this.em, viewer, {
          customerId: ticket.customer.id,
          ticket,
          action: 'FIRST_REPLY',
          // A late guaranteed reply is a broken promise: recorded here, it is what refunds weigh.
          rule: ticket.slaGuaranteed
            ? late ? 'GUARANTEED_REPLY_BREACHED' : 'GUARANTEED_REPLY_TIME'
            : late ? 'BEST_EFFORT_REPLY_LATE' : 'BEST_EFFORT_REPLY_TIME',
          details: { supportMinutes: ticket.firstReplyMinutes, targetMinutes: target, breached: late },
        });
      }
      if (input.status && input.status !== ticket.status) await this.changeStatus(ticket, input.status, null);
    } else {
      throw DomainError.of(UserErrorCode.FORBIDDEN, 'Sign in to reply.');
    }
    if (!message.internal) ticket.lastActivityAt = now.toJSDate();
    this.em.persist(message);
    syncClock(ticket, now, calendar);
    audit(this.em, viewer, {
      customerId: ticket.customer.id,
      ticket,
      action: message.internal ? 'INTERNAL_NOTE_ADDED' : 'MESSAGE_POSTED',
      details: { messageId: message.id },
    });
    return { message, ticket, notices };
  }

  async assign(input: TicketAssignInput): Promise<Ticket> {
    const ticket = await this.findVisible(input.ticketId, ['input', 'ticketId'], true);
    let assignee: StaffMember | null = null;
    if (input.assigneeId) {
      const staffId = requireId(input.assigneeId, 'StaffMember', ['input', 'assigneeId']);
      assignee = await this.em.findOne(StaffMember, { id: staffId, active: true });
      if (!assignee) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No active staff member with this ID.', ['input', 'assigneeId']);
      // Premium Support promises direct contact with the development team.
      if (ticket.team === StaffTeam.DEVELOPMENT && assignee.team !== StaffTeam.DEVELOPMENT) {
        throw DomainError.of(
          UserErrorCode.INVALID,
          `${ticket.number} is a Premium Support ticket: assign it to a member of the development team.`,
          ['input', 'assigneeId'],
        );
      }
    }
    const before = ticket.assignee?.id ?? null;
    ticket.assignee = assignee;
    ticket.updatedAt = this.deps.now.toJSDate();
    audit(this.em, this.deps.viewer, {
      customerId: ticket.customer.id,
      ticket,
      action: 'ASSIGNED',
      details: { from: before, to: assignee?.id ?? null },
    });
    return ticket;
  }

  async statusChange(input: TicketStatusChangeInput): Promise<{ ticket: Ticket; notices: Notice[] }> {
    const ticket = await this.findVisible(input.ticketId, ['input', 'ticketId'], true);
    const notices = await this.changeStatus(ticket, input.status, input.reason ?? null);
    syncClock(ticket, this.deps.now, this.deps.calendar);
    return { ticket, notices };
  }

  /** Staff move a ticket along; the gates are the policy's. */
  private async changeStatus(ticket: Ticket, to: TicketStatus, reason: string | null): Promise<Notice[]> {
    const from = ticket.status;
    if (from === to) return [];
    if (!TRANSITIONS[from].includes(to)) {
      throw DomainError.of(UserErrorCode.INVALID_TRANSITION, `A ${from} ticket cannot move to ${to}.`, ['input', 'status']);
    }
    if ((to === TicketStatus.OPEN || to === TicketStatus.IN_PROGRESS) && ticket.accessState === AccessState.MISSING) {
      throw DomainError.of(
        UserErrorCode.ACCESS_REQUIRED,
        'Work cannot start without working store-admin and FTP access; the merchant must provide it, or staff waive it with a reason.',
        ['input', 'status'],
      );
    }
    if (to === TicketStatus.IN_PROGRESS || to === TicketStatus.RESOLVED) {
      const gate = canStartWork({
        coverage: ticket.coverage,
        quoteStatus: ticket.quoteStatus,
        needsPortDecision: ticket.platformFlags.includes(PlatformFlag.NON_NATIVE_PORT),
        portDecision: ticket.portDecision,
        surchargeStatus: ticket.surchargeStatus,
        accessProvided: ticket.accessState !== AccessState.MISSING,
      });
      if (!gate.allowed) {
        const code = gate.code.startsWith('QUOTE')
          ? UserErrorCode.QUOTE_REQUIRED
          : gate.code === 'ACCESS_REQUIRED'
            ? UserErrorCode.ACCESS_REQUIRED
            : UserErrorCode.DECISION_REQUIRED;
        throw DomainError.of(code, gate.message, ['input', 'status']);
      }
    }
    const notices: Notice[] = [];
    if (from === TicketStatus.RESOLVED && to === TicketStatus.OPEN) {
      await this.reopen(ticket, 'STAFF_REOPENED', reason);
      return notices;
    }
    this.setStatus(ticket, to, null, reason);
    if (to === TicketStatus.RESOLVED) notices.push(notice('DISABLE_ACCESS', DISABLE_ACCESS_NOTICE));
    if (to === TicketStatus.RESOLVED || to === TicketStatus.CLOSED) await vaultService(this.em, this.deps).onResolved(ticket);
    return notices;
  }

  /** `rule` names the policy rule or event that moved the ticket; `note` is staff's own words. */
  private setStatus(ticket: Ticket, to: TicketStatus, rule: string | null, note: string | null = null): void {
    const { now, calendar, viewer } = this.deps;
    const from = ticket.status;
    // Bank the clock under the old status before the new one decides whether it runs.
    syncClock(ticket, now, calendar);
    if (to === TicketStatus.RESOLVED) {
      ticket.resolvedAt = now.toJSDate();
      ticket.resolutionMinutes = supportMinutesUsed(ticket, now, calendar);
    }
    if (to === TicketStatus.CLOSED) ticket.closedAt = now.toJSDate();
    ticket.status = to;
    ticket.updatedAt = now.toJSDate();
    syncClock(ticket, now, calendar);
    audit(this.em, viewer, {
      customerId: ticket.customer.id,
      ticket,
      action: 'STATUS_CHANGED',
      rule,
      details: { from, to, reason: note },
    });
    if (to === TicketStatus.RESOLVED) {
      audit(this.em, 'system', { customerId: ticket.customer.id, ticket, action: 'ACCESS_DISABLE_REQUESTED', rule: 'DISABLE_TEMPORARY_ACCESS' });
    }
  }

  /** A resolved ticket comes back: the resolution clock restarts, and access is asked for again if it was disabled. */
  private async reopen(ticket: Ticket, rule: string, note: string | null = null): Promise<void> {
    ticket.resolvedAt = null;
    ticket.resolutionMinutes = null;
    const accessShredded = await vaultService(this.em, this.deps).onReopened(ticket);
    if ((ticket.accessDisabledAt || accessShredded) && ticket.accessState === AccessState.PROVIDED) {
      ticket.accessState = AccessState.MISSING;
      ticket.accessDisabledAt = null;
      this.setStatus(ticket, TicketStatus.AWAITING_ACCESS, rule, note);
    } else {
      this.setStatus(ticket, ticket.accessState === AccessState.MISSING ? TicketStatus.AWAITING_ACCESS : TicketStatus.OPEN, rule, note);
    }
  }

  async update(input: TicketUpdateInput): Promise<Ticket> {
    const { now, calendar, viewer } = this.deps;
    const ticket = await this.findVisible(input.ticketId, ['input', 'ticketId'], true);
    const changes: Record<string, unknown> = {};
    for (const key of ['priority', 'complex', 'accessWithheld', 'thirdPartyBlocked'] as const) {
      const value = input[key];
      if (value !== undefined && value !== null && ticket[key] !== value) {
        changes[key] = { from: ticket[key], to: value };
        (ticket as unknown as Record<string, unknown>)[key] = value;
      }
    }
    if (Object.keys(changes).length === 0) return ticket;
    ticket.updatedAt = now.toJSDate();
    syncClock(ticket, now, calendar);
    audit(this.em, viewer, {
      customerId: ticket.customer.id,
      ticket,
      action: 'TICKET_UPDATED',
      rule: changes.accessWithheld ? 'ACCESS_WITHHELD' : changes.thirdPartyBlocked ? 'THIRD_PARTY_NOT_COOPERATING' : null,
      details: { changes, reason: input.reason ?? null },
    });
    return ticket;
  }

  async quoteSet(input: TicketQuoteSetInput): Promise<Ticket> {
    const { now, calendar, viewer } = this.deps;
    const ticket = await this.findVisible(input.ticketId, ['input', 'ticketId'], true);
    if (ticket.coverage !== Coverage.CUSTOM_DEVELOPMENT) {
      throw DomainError.of(UserErrorCode.INVALID, 'Only custom development is quoted; this ticket is covered by the plan.', ['input', 'ticketId']);
    }
    if (ticket.status === TicketStatus.CLOSED || ticket.quoteStatus === QuoteStatus.ACCEPTED) {
      throw DomainError.of(UserErrorCode.INVALID_TRANSITION, 'The quote can no longer change.', ['input', 'ticketId']);
    }
    const subscription = await this.em.findOneOrFail(Subscription, { id: ticket.subscription.id });
    ticket.quoteAmount = input.amount;
    ticket.quoteCurrency = subscription.currency;
    ticket.quoteNote = input.note ?? null;
    ticket.quoteStatus = QuoteStatus.PENDING;
    ticket.updatedAt = now.toJSDate();
    syncClock(ticket, now, calendar);
    audit(this.em, viewer, {
      customerId: ticket.customer.id,
      ticket,
      action: 'QUOTE_SENT',
      rule: 'CUSTOM_DEVELOPMENT_BILLED_SEPARATELY',
      details: { amount: input.amount, currency: subscription.currency },
    });
    return ticket;
  }

  async quoteRespond(input: TicketRespondInput): Promise<{ ticket: Ticket; notices: Notice[] }> {
    const ticket = await this.findVisible(input.ticketId, ['input', 'ticketId'], true);
    if (ticket.quoteStatus !== QuoteStatus.PENDING) {
      throw DomainError.of(UserErrorCode.NOT_PENDING, 'There is no quote waiting for your answer on this ticket.', ['input', 'ticketId']);
    }
    return this.respond(ticket, input.accept, 'quoteStatus', 'QUOTE');
  }

  async surchargeRespond(input: TicketRespondInput): Promise<{ ticket: Ticket; notices: Notice[] }> {
    const ticket = await this.findVisible(input.ticketId, ['input', 'ticketId'], true);
    if (ticket.surchargeStatus !== QuoteStatus.PENDING) {
      throw DomainError.of(UserErrorCode.NOT_PENDING, 'There is no surcharge waiting for your answer on this ticket.', ['input', 'ticketId']);
    }
    return this.respond(ticket, input.accept, 'surchargeStatus', 'SURCHARGE');
  }

  /** The merchant's answer to a quote or surcharge: accepting lets work start, declining closes the ticket. */
  private respond(ticket: Ticket, accept: boolean, field: 'quoteStatus' | 'surchargeStatus', what: string) {
    const { now, calendar, viewer } = this.deps;
    ticket[field] = accept ? QuoteStatus.ACCEPTED : QuoteStatus.DECLINED;
    ticket.updatedAt = now.toJSDate();
    audit(this.em, viewer, {
      customerId: ticket.customer.id,
      ticket,
      action: accept ? `${what}_ACCEPTED` : `${what}_DECLINED`,
    });
    const notices: Notice[] = [];
    if (!accept) {
      // Nothing was done, so the ticket gives its allowance back.
      ticket.consumesAllowance = false;
      this.setStatus(ticket, TicketStatus.CLOSED, `${what}_DECLINED`);
      notices.push(notice('CLOSED', `You declined the ${what.toLowerCase()}; the ticket is closed and uses none of your allowance.`));
    }
    syncClock(ticket, now, calendar);
    return { ticket, notices };
  }

  async portDecide(input: TicketPortDecideInput): Promise<Ticket> {
    const { now, calendar, viewer } = this.deps;
    const ticket = await this.findVisible(input.ticketId, ['input', 'ticketId'], true);
    if (!ticket.platformFlags.includes(PlatformFlag.NON_NATIVE_PORT)) {
      throw DomainError.of(UserErrorCode.INVALID, 'This store runs native OpenCart: there is nothing to decide.', ['input', 'ticketId']);
    }
    if (ticket.portDecision) {
      throw DomainError.of(UserErrorCode.INVALID_TRANSITION, 'The decision on this port was already made.', ['input', 'ticketId']);
    }
    const valid = validatePortDecision({ decision: input.decision, surchargeAmount: input.surchargeAmount });
    if (!valid.ok) throw DomainError.of(UserErrorCode.INVALID, valid.message, ['input', 'surchargeAmount']);
    ticket.portDecision = valid.decision;
    ticket.portDecisionNote = input.note ?? null;
    ticket.updatedAt = now.toJSDate();
    audit(this.em, viewer, {
      customerId: ticket.customer.id,
      ticket,
      action: 'PORT_DECIDED',
      rule: `NON_NATIVE_PORT_${valid.decision}`,
      details: { decision: valid.decision, surchargeAmount: valid.surchargeAmountMinor, note: input.note ?? null },
    });
    if (valid.decision === PortDecision.ACCEPT_WITH_SURCHARGE) {
      ticket.surchargeAmount = valid.surchargeAmountMinor;
      ticket.surchargeStatus = QuoteStatus.PENDING;
    }
    if (valid.decision === PortDecision.DENY) {
      ticket.consumesAllowance = false;
      this.setStatus(ticket, TicketStatus.CLOSED, 'NON_NATIVE_PORT_DENY');
    }
    syncClock(ticket, now, calendar);
    return ticket;
  }

  async accessWaive(input: TicketAccessWaiveInput): Promise<Ticket> {
    const { now, calendar, viewer } = this.deps;
    const ticket = await this.findVisible(input.ticketId, ['input', 'ticketId'], true);
    if (ticket.accessState !== AccessState.MISSING) {
      throw DomainError.of(UserErrorCode.INVALID_TRANSITION, 'Access is not missing on this ticket.', ['input', 'ticketId']);
    }
    ticket.accessState = AccessState.WAIVED;
    ticket.accessWaiverReason = input.reason;
    audit(this.em, viewer, {
      customerId: ticket.customer.id,
      ticket,
      action: 'ACCESS_WAIVED',
      rule: 'ACCESS_REQUIRED_WAIVED_BY_STAFF',
      details: { reason: input.reason },
    });
    if (ticket.status === TicketStatus.AWAITING_ACCESS) this.setStatus(ticket, TicketStatus.OPEN, 'ACCESS_WAIVED');
    syncClock(ticket, now, calendar);
    return ticket;
  }

  /** Access arrived (from the vault): a ticket waiting for it opens and its clock runs. */
  markAccessProvided(ticket: Ticket): void {
    const { now, calendar } = this.deps;
    ticket.accessState = AccessState.PROVIDED;
    ticket.accessDisabledAt = null;
    if (ticket.status === TicketStatus.AWAITING_ACCESS) this.setStatus(ticket, TicketStatus.OPEN, 'ACCESS_PROVIDED');
    syncClock(ticket, now, calendar);
  }

  /** Access was withdrawn (from the vault): an open ticket waits for new access and its clock pauses. */
  markAccessWithdrawn(ticket: Ticket): void {
    const { now, calendar } = this.deps;
    if (ticket.accessState !== AccessState.PROVIDED) return;
    ticket.accessState = AccessState.MISSING;
    if (ticket.status === TicketStatus.OPEN || ticket.status === TicketStatus.IN_PROGRESS) this.setStatus(ticket, TicketStatus.AWAITING_ACCESS, 'ACCESS_WITHDRAWN');
    syncClock(ticket, now, calendar);
  }

  async accessDisabledConfirm(ticketId: string): Promise<Ticket> {
    const { now, viewer } = this.deps;
    const ticket = await this.findVisible(ticketId, ['input', 'ticketId'], true);
    if (ticket.status !== TicketStatus.RESOLVED && ticket.status !== TicketStatus.CLOSED) {
      throw DomainError.of(UserErrorCode.INVALID_TRANSITION, 'Keep the access until the ticket is resolved: we still need it.', ['input', 'ticketId']);
    }
    if (!ticket.accessDisabledAt) {
      ticket.accessDisabledAt = now.toJSDate();
      audit(this.em, viewer, { customerId: ticket.customer.id, ticket, action: 'ACCESS_DISABLED_CONFIRMED', rule: 'DISABLE_TEMPORARY_ACCESS' });
      await vaultService(this.em, this.deps).onAccessDisabled(ticket);
    }
    return ticket;
  }

  async markRead(ticketId: string): Promise<Ticket> {
    const ticket = await this.findVisible(ticketId, ['input', 'ticketId']);
    if (isCustomer(this.deps.viewer)) ticket.customerLastReadAt = this.deps.now.toJSDate();
    return ticket;
  }
}

function toReportedEnvironment(input: OpenCartEnvironmentInput): ReportedEnvironment {
  return {
    opencartVersion: input.opencartVersion?.trim() || null,
    platform: input.platform,
    platformVersion: input.platformVersion?.trim() || null,
    phpVersion: input.phpVersion ?? null,
    phpExtensions: input.phpExtensions ?? [],
    webServer: input.webServer ?? null,
    databaseServer: input.databaseServer ?? null,
    storeUrl: input.storeUrl ?? null,
    adminLanguage: input.adminLanguage ?? null,
    extensions: (input.extensions ?? []).map((e) => ({
      kind: e.kind,
      code: e.code,
      name: e.name,
      version: e.version ?? null,
      author: e.author ?? null,
      targetLine: e.targetLine ?? null,
      evidence: e.evidence ?? null,
    })),
    errorLogExcerpt: input.errorLogExcerpt ?? null,
  };
}
