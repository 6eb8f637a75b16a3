import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { requireId } from '../../common/access';
import { DomainError, UserErrorCode } from '../../common/user-error';
import type { AttachmentService } from '../attachment/attachment.service';
import { DomainEventType } from '../events/domain-event';
import type { DomainEvents } from '../events/domain-events';
import { ticketEvent } from '../events/event-of';
import { audit } from '../audit/audit';
import { Customer } from '../customer/customer.entity';
import { PlatformFlag } from '../platform/platform-rules';
import { StaffMember, StaffTeam } from '../staff/staff-member.entity';
import type { SupportCalendar } from '../support-hours/support-calendar';
import type { VaultService } from '../vault/vault.service';
import { isCustomer, isStaff, type Viewer } from '../viewer/viewer';
import { canStartWork } from './coverage';
import { assessEnglish, ENGLISH_ONLY_NOTICE } from './language';
import { evaluateMetTarget } from '../sla/sla-clock';
import { supportMinutesUsed, syncClock, targetsOf } from './ticket-clock';
import { TicketMessage } from './ticket-message.entity';
import { Ticket } from './ticket.entity';
import { ticketScope } from './ticket.scope';
import { AccessState, AuthorKind, TicketStatus } from './ticket.enums';
import { notice, type Notice } from '../../common/notice';
import type { TicketAccessWaiveInput } from './ticket-access.types';
import type { TicketAssignInput, TicketReplyInput, TicketStatusChangeInput, TicketUpdateInput } from './ticket-work.types';

export interface TicketServiceDeps {
  viewer: Viewer;
  now: DateTime;
  calendar: SupportCalendar;
  /** Changes are announced through it, in the request's transaction. */
  events: DomainEvents;
}

/** Statuses staff may move a ticket to from each status. */
const TRANSITIONS: Record<TicketStatus, TicketStatus[]> = {
  [TicketStatus.AWAITING_ACCESS]: [TicketStatus.OPEN, TicketStatus.WAITING_ON_CUSTOMER, TicketStatus.CLOSED],
  [TicketStatus.OPEN]: [TicketStatus.IN_PROGRESS, TicketStatus.WAITING_ON_CUSTOMER, TicketStatus.RESOLVED, TicketStatus.CLOSED],
  [TicketStatus.IN_PROGRESS]: [TicketStatus.OPEN, TicketStatus.WAITING_ON_CUSTOMER, TicketStatus.RESOLVED, TicketStatus.CLOSED],
  [TicketStatus.WAITING_ON_CUSTOMER]: [TicketStatus.OPEN, TicketStatus.IN_PROGRESS, TicketStatus.RESOLVED, TicketStatus.CLOSED],
  [TicketStatus.RESOLVED]: [TicketStatus.OPEN, TicketStatus.CLOSED],
  [TicketStatus.CLOSED]: [],
};

// Status changes that end the work as a resolution does: staff's own move (no rule), the merchant's
// withdrawal, a ticket found outside the agreement. A ban or an erasure destroys the access itself;
// a declined quote or surcharge and a denied port leave it to the vault's periodic sweep.
const RESOLUTION_RULES = new Set<unknown>([null, 'WITHDRAWN_BY_MERCHANT', 'OUTSIDE_AGREEMENT']);

/** A STATUS_CHANGED event's data that gives the ticket's stored access its shred date at once (server/app/reactions.ts). */
export function isResolution(change: { to?: unknown; rule?: unknown }): boolean {
  return (change.to === TicketStatus.RESOLVED || change.to === TicketStatus.CLOSED) && RESOLUTION_RULES.has(change.rule ?? null);
}

export const DISABLE_ACCESS_NOTICE = 'Your ticket is resolved. Please disable the temporary store-admin and FTP access you gave us now, then confirm it here.';

/**
 * Ticket life cycle and the policy rules that apply to it. Every method runs inside the
 * caller's transaction (a `@Transactional` mutation's) and throws DomainError for a refusal.
 */
export class TicketService {
  constructor(
    private readonly em: EntityManager,
    private readonly deps: TicketServiceDeps,
    private readonly vault: VaultService,
    private readonly attachments: AttachmentService,
  ) {}

  /** A ticket the viewer may see, or NOT_FOUND (someone else's ticket looks like no ticket). */
  async findVisible(globalId: string, field: string[] = ['input', 'ticketId'], lock = false): Promise<Ticket> {
    const id = requireId(globalId, 'Ticket', field);
    const scope = ticketScope(this.deps.viewer);
    const ticket = scope && (await this.em.findOne(Ticket, { $and: [scope, { id }] }, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {}));
    if (!ticket) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No ticket with this ID.', field);
    return ticket;
  }

  /** A ticket by its human number (OC-000123) if the viewer may see it; null otherwise, or for no such number. */
  async findVisibleByNumber(number: string): Promise<Ticket | null> {
    const match = /^OC-(\d{1,9})$/i.exec(number.trim());
    const scope = ticketScope(this.deps.viewer);
    if (!match || !scope) return null;
    return this.em.findOne(Ticket, { $and: [scope, { serial: Number(match[1]) }] });
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
      const language = await assessEnglish(input.body);
      message.notEnglish = !language.english;
      if (!language.english) notices.push(notice('NOT_ENGLISH', language.notice ?? ENGLISH_ONLY_NOTICE));
      // The merchant answered: the ball is back with us.
      // Without access the ticket goes back to waiting for it, not to work.
      if (ticket.status === TicketStatus.WAITING_ON_CUSTOMER) {
        await this.setStatus(ticket, ticket.accessState === AccessState.MISSING ? TicketStatus.AWAITING_ACCESS : TicketStatus.OPEN, 'CUSTOMER_REPLIED');
      } else if (ticket.status === TicketStatus.RESOLVED) await this.reopen(ticket, 'CUSTOMER_REPLIED');
      ticket.customerLastReadAt = now.toJSDate();
    } else if (isStaff(viewer)) {
      message.authorKind = AuthorKind.STAFF;
      message.authorStaff = this.em.getReference(StaffMember, viewer.staffId);
      message.internal = input.internal;
      if (!input.internal && !ticket.firstReplyAt) {
        ticket.firstReplyAt = now.toJSDate();
        ticket.firstReplyMinutes = supportMinutesUsed(ticket, now, calendar);
        const target = targetsOf(ticket).firstReplyMinutes;
        const late = evaluateMetTarget(ticket.firstReplyMinutes, target).breached;
        audit(this.em, viewer, {
          customerId: ticket.customer.id,
          ticket,
          action: 'FIRST_REPLY',
          // A late guaranteed reply is a broken promise: recorded here, it is what refunds weigh.
          rule: ticket.slaGuaranteed
            ? late
              ? 'GUARANTEED_REPLY_BREACHED'
              : 'GUARANTEED_REPLY_TIME'
            : late
              ? 'BEST_EFFORT_REPLY_LATE'
              : 'BEST_EFFORT_REPLY_TIME',
          details: { supportMinutes: ticket.firstReplyMinutes, targetMinutes: target, breached: late },
        });
      }
      if (input.status && input.status !== ticket.status) notices.push(...(await this.changeStatus(ticket, input.status, null)));
    } else {
      throw DomainError.of(UserErrorCode.FORBIDDEN, 'Sign in to reply.');
    }
    if (!message.internal) ticket.lastActivityAt = now.toJSDate();
    this.em.persist(message);
    const files = await this.attachments.attach({ ticket, message }, input.attachments, ['input', 'attachments']);
    notices.push(...files.notices);
    syncClock(ticket, now, calendar);
    audit(this.em, viewer, {
      customerId: ticket.customer.id,
      ticket,
      action: message.internal ? 'INTERNAL_NOTE_ADDED' : 'MESSAGE_POSTED',
      details: { messageId: message.id },
    });
    // The message's id only: an internal note's text never leaves the desk in an event.
    const replied = message.internal
      ? DomainEventType.INTERNAL_NOTE_ADDED
      : isCustomer(viewer)
        ? DomainEventType.MERCHANT_REPLIED
        : DomainEventType.STAFF_REPLIED;
    await this.deps.events.publish(this.em, ticketEvent(replied, ticket, viewer, { messageId: message.id }));
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
        throw DomainError.of(UserErrorCode.INVALID, `${ticket.number} is a Premium Support ticket: assign it to a member of the development team.`, [
          'input',
          'assigneeId',
        ]);
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
    await this.deps.events.publish(this.em, ticketEvent(DomainEventType.TICKET_ASSIGNED, ticket, this.deps.viewer, { from: before, to: assignee?.id ?? null }));
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
    // Missing access is the reason a waiting ticket cannot move on: say so before the transition table does.
    const startsWork = to === TicketStatus.OPEN || to === TicketStatus.IN_PROGRESS || to === TicketStatus.RESOLVED;
    if (from !== TicketStatus.CLOSED && startsWork && ticket.accessState === AccessState.MISSING) {
      throw DomainError.of(
        UserErrorCode.ACCESS_REQUIRED,
        'Work cannot start without working store-admin and FTP access; the merchant must provide it, or staff waive it with a reason.',
        ['input', 'status'],
      );
    }
    if (!TRANSITIONS[from].includes(to)) {
      throw DomainError.of(UserErrorCode.INVALID_TRANSITION, `A ${from} ticket cannot move to ${to}.`, ['input', 'status']);
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
    await this.setStatus(ticket, to, null, reason);
    // A resolution's STATUS_CHANGED gives the stored access its shred date (server/app/reactions.ts).
    if (to === TicketStatus.RESOLVED) notices.push(notice('DISABLE_ACCESS', DISABLE_ACCESS_NOTICE));
    return notices;
  }

  /**
   * Moves a ticket to a status with its clock and audit entry; no policy gate (callers check).
   * `rule` names the policy rule or event that moved the ticket; `note` is staff's own words.
   */
  async setStatus(ticket: Ticket, to: TicketStatus, rule: string | null, note: string | null = null): Promise<void> {
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
    // staff's note stays out: it is their own words, for the audit trail.
    await this.deps.events.publish(
      this.em,
      ticketEvent(DomainEventType.STATUS_CHANGED, ticket, viewer, { from, to, rule, disableAccessRequested: to === TicketStatus.RESOLVED }),
    );
  }

  /**
   * A resolved ticket comes back: the resolution clock restarts with a full budget (a "thanks"
   * after a resolution must not make the ticket overdue at once), and access is asked for
   * again if it was disabled. A first reply still owed keeps its clock running from where it was.
   */
  private async reopen(ticket: Ticket, rule: string, note: string | null = null): Promise<void> {
    // Only a resolution that was on time earns a fresh budget: reopening must not wipe a
    // deadline already missed (refunds weigh it).
    const resolvedOnTime = ticket.resolutionMinutes != null && !evaluateMetTarget(ticket.resolutionMinutes, targetsOf(ticket).resolutionMinutes).breached;
    ticket.resolvedAt = null;
    ticket.resolutionMinutes = null;
    if (ticket.firstReplyAt && resolvedOnTime && ticket.clockUsedMinutes > 0) {
      audit(this.em, 'system', {
        customerId: ticket.customer.id,
        ticket,
        action: 'RESOLUTION_CLOCK_RESTARTED',
        rule: 'TICKET_REOPENED',
        details: { previousSupportMinutes: ticket.clockUsedMinutes },
      });
      ticket.clockUsedMinutes = 0;
    }
    const accessShredded = await this.vault.onReopened(ticket);
    if ((ticket.accessDisabledAt || accessShredded) && ticket.accessState === AccessState.PROVIDED) {
      ticket.accessState = AccessState.MISSING;
      ticket.accessDisabledAt = null;
      await this.setStatus(ticket, TicketStatus.AWAITING_ACCESS, rule, note);
    } else {
      await this.setStatus(ticket, ticket.accessState === AccessState.MISSING ? TicketStatus.AWAITING_ACCESS : TicketStatus.OPEN, rule, note);
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
    if (ticket.status === TicketStatus.AWAITING_ACCESS) await this.setStatus(ticket, TicketStatus.OPEN, 'ACCESS_WAIVED');
    syncClock(ticket, now, calendar);
    return ticket;
  }

  /** Access arrived (from the vault): a ticket waiting for it opens and its clock runs. */
  async markAccessProvided(ticket: Ticket): Promise<void> {
    const { now, calendar } = this.deps;
    ticket.accessState = AccessState.PROVIDED;
    ticket.accessDisabledAt = null;
    if (ticket.status === TicketStatus.AWAITING_ACCESS) await this.setStatus(ticket, TicketStatus.OPEN, 'ACCESS_PROVIDED');
    syncClock(ticket, now, calendar);
  }

  /** Access was withdrawn (from the vault): an open ticket waits for new access and its clock pauses. */
  async markAccessWithdrawn(ticket: Ticket): Promise<void> {
    const { now, calendar } = this.deps;
    if (ticket.accessState !== AccessState.PROVIDED) return;
    ticket.accessState = AccessState.MISSING;
    if (ticket.status === TicketStatus.OPEN || ticket.status === TicketStatus.IN_PROGRESS)
      await this.setStatus(ticket, TicketStatus.AWAITING_ACCESS, 'ACCESS_WITHDRAWN');
    syncClock(ticket, now, calendar);
  }

  async accessDisabledConfirm(ticketId: string, storeAdminUsername: string | null = null): Promise<Ticket> {
    const { now, viewer } = this.deps;
    const ticket = await this.findVisible(ticketId, ['input', 'ticketId'], true);
    // A confirmation that comes late, about a user the merchant has replaced since, must not
    // destroy (or mark disabled) the access given after it.
    if (storeAdminUsername !== null && !(await this.vault.storedAdminUserIs(ticket, storeAdminUsername))) {
      throw DomainError.of(
        UserErrorCode.INVALID,
        'The stored access logs in as another admin user: it was replaced after that user was disabled, and is kept.',
        ['input', 'storeAdminUsername'],
      );
    }
    if (ticket.status !== TicketStatus.RESOLVED && ticket.status !== TicketStatus.CLOSED) {
      if (ticket.accessState !== AccessState.PROVIDED) {
        throw DomainError.of(UserErrorCode.INVALID_TRANSITION, 'There is no store access of yours on this ticket to disable.', ['input', 'ticketId']);
      }
      // Turned off before we finished: the stored access is useless now, so it is destroyed and
      // the ticket waits for new access (its clock paused) instead of staff trying dead logins.
      audit(this.em, viewer, { customerId: ticket.customer.id, ticket, action: 'ACCESS_DISABLED_BEFORE_RESOLUTION', rule: 'ACCESS_REQUIRED' });
      // The vault shreds the stored access on this event (server/app/reactions.ts).
      await this.deps.events.publish(this.em, ticketEvent(DomainEventType.ACCESS_DISABLED, ticket, viewer, { beforeResolution: true }));
      await this.markAccessWithdrawn(ticket);
      return ticket;
    }
    if (!ticket.accessDisabledAt) {
      ticket.accessDisabledAt = now.toJSDate();
      audit(this.em, viewer, { customerId: ticket.customer.id, ticket, action: 'ACCESS_DISABLED_CONFIRMED', rule: 'DISABLE_TEMPORARY_ACCESS' });
      await this.deps.events.publish(this.em, ticketEvent(DomainEventType.ACCESS_DISABLED, ticket, viewer, { beforeResolution: false }));
    }
    return ticket;
  }

  async markRead(ticketId: string): Promise<Ticket> {
    const ticket = await this.findVisible(ticketId, ['input', 'ticketId']);
    if (isCustomer(this.deps.viewer)) ticket.customerLastReadAt = this.deps.now.toJSDate();
    return ticket;
  }
}
