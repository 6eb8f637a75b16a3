import type { EntityManager } from '@mikro-orm/postgresql';
import { Money } from '../../common/money';
import { DomainError, UserErrorCode } from '../../common/user-error';
import { DomainEventType } from '../events/domain-event';
import { ticketEvent } from '../events/event-of';
import { audit } from '../audit/audit';
import { fixGuaranteedWith, PlatformFlag, PortDecision, validatePortDecision } from '../platform/platform-rules';
import { Subscription } from '../subscription/subscription.entity';
import { lockCustomer } from '../customer/customer-lock';
import { entitlementFor } from '../subscription/subscription.service';
import { CATEGORY_INFO, Coverage, coverageOf, QuoteStatus } from './coverage';
import { syncClock } from './ticket-clock';
import type { Ticket } from './ticket.entity';
import { TicketStatus } from './ticket.enums';
import type { TicketService, TicketServiceDeps } from './ticket.service';
import { notice, type Notice } from '../../common/notice';
import type {
  TicketPoorlyCodedModuleSetInput,
  TicketPortDecideInput,
  TicketQuoteSetInput,
  TicketReclassifyInput,
  TicketRespondInput,
  TicketWithdrawInput,
} from './ticket-decisions.types';

/**
 * The decisions a ticket may wait on before work starts: a quote for custom development (the
 * merchant accepts or declines), and staff's call on a non-native OpenCart port (accept,
 * surcharge the merchant must accept, or deny). Declining or denying closes the ticket and
 * gives its allowance back.
 */
export class TicketDecisionService {
  constructor(
    private readonly em: EntityManager,
    private readonly deps: TicketServiceDeps,
    private readonly tickets: TicketService,
  ) {}

  async quoteSet(input: TicketQuoteSetInput): Promise<Ticket> {
    const { now, calendar, viewer } = this.deps;
    const ticket = await this.tickets.findVisible(input.ticketId, ['input', 'ticketId'], true);
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
    await this.deps.events.publish(
      this.em,
      ticketEvent(DomainEventType.QUOTE_SET, ticket, viewer, {
        amount: Money.of(input.amount, subscription.currency).formatted,
        amountMinor: input.amount,
        currency: subscription.currency,
      }),
    );
    return ticket;
  }

  async quoteRespond(input: TicketRespondInput): Promise<{ ticket: Ticket; notices: Notice[] }> {
    const ticket = await this.tickets.findVisible(input.ticketId, ['input', 'ticketId'], true);
    if (ticket.quoteStatus !== QuoteStatus.PENDING) {
      throw DomainError.of(UserErrorCode.NOT_PENDING, 'There is no quote waiting for your answer on this ticket.', ['input', 'ticketId']);
    }
    return this.respond(ticket, input.accept, 'quoteStatus', 'QUOTE');
  }

  async surchargeRespond(input: TicketRespondInput): Promise<{ ticket: Ticket; notices: Notice[] }> {
    const ticket = await this.tickets.findVisible(input.ticketId, ['input', 'ticketId'], true);
    if (ticket.surchargeStatus !== QuoteStatus.PENDING) {
      throw DomainError.of(UserErrorCode.NOT_PENDING, 'There is no surcharge waiting for your answer on this ticket.', ['input', 'ticketId']);
    }
    return this.respond(ticket, input.accept, 'surchargeStatus', 'SURCHARGE');
  }

  /** The merchant's answer to a quote or surcharge: accepting lets work start, declining closes the ticket. */
  private async respond(ticket: Ticket, accept: boolean, field: 'quoteStatus' | 'surchargeStatus', what: 'QUOTE' | 'SURCHARGE') {
    const { now, calendar, viewer } = this.deps;
    ticket[field] = accept ? QuoteStatus.ACCEPTED : QuoteStatus.DECLINED;
    ticket.updatedAt = now.toJSDate();
    audit(this.em, viewer, {
      customerId: ticket.customer.id,
      ticket,
      action: accept ? `${what}_ACCEPTED` : `${what}_DECLINED`,
    });
    const answered = what === 'QUOTE' ? DomainEventType.QUOTE_ANSWERED : DomainEventType.SURCHARGE_ANSWERED;
    await this.deps.events.publish(this.em, ticketEvent(answered, ticket, viewer, { accepted: accept }));
    const notices: Notice[] = [];
    if (!accept) {
      // Nothing was done, so the ticket gives its allowance back.
      ticket.consumesAllowance = false;
      await this.tickets.setStatus(ticket, TicketStatus.CLOSED, `${what}_DECLINED`);
      notices.push(notice('CLOSED', `You declined the ${what.toLowerCase()}; the ticket is closed and uses none of your allowance.`));
    }
    syncClock(ticket, now, calendar);
    return { ticket, notices };
  }

  async portDecide(input: TicketPortDecideInput): Promise<Ticket> {
    const { now, calendar, viewer } = this.deps;
    const ticket = await this.tickets.findVisible(input.ticketId, ['input', 'ticketId'], true);
    if (!ticket.platformFlags.includes(PlatformFlag.NON_NATIVE_PORT)) {
      throw DomainError.of(UserErrorCode.INVALID, 'This store runs native OpenCart: there is nothing to decide.', ['input', 'ticketId']);
    }
    if (ticket.portDecision) {
      throw DomainError.of(UserErrorCode.INVALID_TRANSITION, 'The decision on this port was already made.', ['input', 'ticketId']);
    }
    if (ticket.status === TicketStatus.CLOSED) {
      throw DomainError.of(UserErrorCode.CLOSED, `${ticket.number} is closed: there is nothing left to decide.`, ['input', 'ticketId']);
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
    await this.deps.events.publish(this.em, ticketEvent(DomainEventType.PORT_DECIDED, ticket, viewer, { decision: valid.decision }));
    if (valid.decision === PortDecision.ACCEPT_WITH_SURCHARGE) {
      ticket.surchargeAmount = valid.surchargeAmountMinor;
      ticket.surchargeStatus = QuoteStatus.PENDING;
      const { currency } = await this.em.findOneOrFail(Subscription, { id: ticket.subscription.id });
      const amount = valid.surchargeAmountMinor ?? 0;
      await this.deps.events.publish(
        this.em,
        ticketEvent(DomainEventType.SURCHARGE_SET, ticket, viewer, { amount: Money.of(amount, currency).formatted, amountMinor: amount, currency }),
      );
    }
    if (valid.decision === PortDecision.DENY) {
      ticket.consumesAllowance = false;
      await this.tickets.setStatus(ticket, TicketStatus.CLOSED, 'NON_NATIVE_PORT_DENY');
    }
    syncClock(ticket, now, calendar);
    return ticket;
  }

  /**
   * Staff correct a ticket's category; coverage and allowance follow the new one. Outside the
   * agreement: closed, allowance returned. Custom development: allowance returned, a quote is
   * needed before work goes on. Covered again: it takes a place in the allowance, if one is left.
   */
  async reclassify(input: TicketReclassifyInput): Promise<{ ticket: Ticket; notices: Notice[] }> {
    const { now, calendar, viewer } = this.deps;
    const ticket = await this.tickets.findVisible(input.ticketId, ['input', 'ticketId'], true);
    if (ticket.status === TicketStatus.CLOSED) {
      throw DomainError.of(UserErrorCode.CLOSED, `${ticket.number} is closed: its category can no longer change.`, ['input', 'ticketId']);
    }
    if (ticket.category === input.category) {
      throw DomainError.of(UserErrorCode.INVALID, `${ticket.number} is already filed as ${CATEGORY_INFO[input.category].label}.`, ['input', 'category']);
    }
    const from = { category: ticket.category, coverage: ticket.coverage, consumesAllowance: ticket.consumesAllowance, periodIndex: ticket.periodIndex };
    const coverage = coverageOf(input.category);
    const notices: Notice[] = [];
    if (coverage === Coverage.COVERED && !ticket.consumesAllowance) {
      // Serialised with ticket filing: a place in the allowance cannot be taken twice.
      await lockCustomer(this.em, ticket.customer.id);
      const subscription = await this.em.findOneOrFail(Subscription, { id: ticket.subscription.id }, { populate: ['plan'] });
      const decision = await entitlementFor(this.em, subscription, now);
      if (!decision.ok)
        throw DomainError.of(UserErrorCode[decision.code], `Covered work uses the ticket allowance: ${decision.message}`, ['input', 'category']);
      ticket.consumesAllowance = true;
      ticket.periodIndex = decision.period.index;
    } else if (coverage !== Coverage.COVERED) {
      ticket.consumesAllowance = false;
    }
    ticket.category = input.category;
    ticket.coverage = coverage;
    if (coverage !== Coverage.CUSTOM_DEVELOPMENT) {
      ticket.quoteStatus = null;
      ticket.quoteAmount = null;
      ticket.quoteCurrency = null;
      ticket.quoteNote = null;
    }
    ticket.updatedAt = now.toJSDate();
    audit(this.em, viewer, {
      customerId: ticket.customer.id,
      ticket,
      action: 'TICKET_RECLASSIFIED',
      rule:
        coverage === Coverage.COVERED
          ? 'ALLOWANCE_CONSUMED'
          : coverage === Coverage.CUSTOM_DEVELOPMENT
            ? 'CUSTOM_DEVELOPMENT_NO_ALLOWANCE'
            : 'OUTSIDE_AGREEMENT',
      details: {
        from,
        to: { category: ticket.category, coverage, consumesAllowance: ticket.consumesAllowance, periodIndex: ticket.periodIndex },
        reason: input.reason,
      },
    });
    if (coverage === Coverage.OUTSIDE_AGREEMENT) {
      // Like a resolution: the stored access gets its shred date (server/app/reactions.ts).
      await this.tickets.setStatus(ticket, TicketStatus.CLOSED, 'OUTSIDE_AGREEMENT', input.reason);
      notices.push(notice('CLOSED', `${CATEGORY_INFO[ticket.category].hint} The ticket is closed and uses none of your allowance.`));
    } else if (coverage === Coverage.CUSTOM_DEVELOPMENT) {
      if (ticket.status === TicketStatus.IN_PROGRESS) await this.tickets.setStatus(ticket, TicketStatus.OPEN, 'QUOTE_REQUIRED', input.reason);
      notices.push(
        notice(
          'QUOTE_REQUIRED',
          'This is custom development: it is quoted and billed separately and uses none of your ticket allowance. Work goes on after you accept our quote.',
        ),
      );
    }
    syncClock(ticket, now, calendar);
    return { ticket, notices };
  }

  /**
   * The merchant closes their own ticket. Withdrawn before support replied, it gives its
   * allowance back (nothing was done); after, the work done keeps it used. A withdrawal is the
   * merchant's choice, never a fix we failed to deliver.
   */
  async withdraw(input: TicketWithdrawInput): Promise<{ ticket: Ticket; notices: Notice[] }> {
    const { now, calendar, viewer } = this.deps;
    const ticket = await this.tickets.findVisible(input.ticketId, ['input', 'ticketId'], true);
    if (ticket.status === TicketStatus.CLOSED) {
      throw DomainError.of(UserErrorCode.CLOSED, `${ticket.number} is already closed.`, ['input', 'ticketId']);
    }
    const untouched = ticket.firstReplyAt == null && ticket.status !== TicketStatus.RESOLVED;
    const returned = untouched && ticket.consumesAllowance;
    if (returned) ticket.consumesAllowance = false;
    ticket.withdrawnAt = now.toJSDate();
    audit(this.em, viewer, {
      customerId: ticket.customer.id,
      ticket,
      action: 'TICKET_WITHDRAWN',
      rule: returned ? 'ALLOWANCE_RETURNED' : null,
      details: { reason: input.reason ?? null, allowanceReturned: returned },
    });
    // Like a resolution: the stored access gets its shred date (server/app/reactions.ts).
    await this.tickets.setStatus(ticket, TicketStatus.CLOSED, 'WITHDRAWN_BY_MERCHANT', input.reason ?? null);
    syncClock(ticket, now, calendar);
    const allowance = returned
      ? 'It uses none of your allowance, as support had not replied yet.'
      : ticket.consumesAllowance
        ? 'It still counts towards your allowance, as support had already worked on it.'
        : '';
    return { ticket, notices: [notice('CLOSED', `You closed ${ticket.number}. ${allowance}`.trim())] };
  }

  /**
   * "We also will not be able to guarantee support fixes for badly/poorly coded modules":
   * staff record (or withdraw) that one is involved; the fix guarantee follows every flag the
   * ticket carries. Audited with the reason, and the merchant sees the flag and the event.
   */
  async poorlyCodedModuleSet(input: TicketPoorlyCodedModuleSetInput): Promise<{ ticket: Ticket; notices: Notice[] }> {
    const { now, viewer } = this.deps;
    const ticket = await this.tickets.findVisible(input.ticketId, ['input', 'ticketId'], true);
    if (ticket.status === TicketStatus.CLOSED) {
      throw DomainError.of(UserErrorCode.CLOSED, `${ticket.number} is closed: its flags can no longer change.`, ['input', 'ticketId']);
    }
    const has = ticket.platformFlags.includes(PlatformFlag.POORLY_CODED_MODULE);
    if (has === input.poorlyCoded) {
      throw DomainError.of(
        UserErrorCode.INVALID,
        has ? 'A poorly coded module is already recorded on this ticket.' : 'No poorly coded module is recorded on this ticket.',
        ['input', 'poorlyCoded'],
      );
    }
    ticket.platformFlags = input.poorlyCoded
      ? [...ticket.platformFlags, PlatformFlag.POORLY_CODED_MODULE]
      : ticket.platformFlags.filter((f) => f !== PlatformFlag.POORLY_CODED_MODULE);
    ticket.fixGuaranteed = fixGuaranteedWith(ticket.platformFlags);
    ticket.updatedAt = now.toJSDate();
    audit(this.em, viewer, {
      customerId: ticket.customer.id,
      ticket,
      action: input.poorlyCoded ? 'POORLY_CODED_MODULE_FLAGGED' : 'POORLY_CODED_MODULE_CLEARED',
      rule: 'FIX_NOT_GUARANTEED_POORLY_CODED_MODULE',
      details: { reason: input.reason, fixGuaranteed: ticket.fixGuaranteed },
    });
    const notices = input.poorlyCoded
      ? [notice('FIX_NOT_GUARANTEED', `A badly or poorly coded module is involved, so a fix cannot be guaranteed: ${input.reason}`)]
      : [];
    return { ticket, notices };
  }
}
