import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { requireId } from '../../common/access';
import { notice, type Notice } from '../../common/notice';
import { DomainError, UserErrorCode } from '../../common/user-error';
import { refuseMergeOverLimits } from '../attachment/attachment-totals';
import { audit } from '../audit/audit';
import { DomainEventType } from '../events/domain-event';
import type { DomainEvents } from '../events/domain-events';
import { StaffMember } from '../staff/staff-member.entity';
import { isStaff } from '../viewer/viewer';
import { syncClock } from './ticket-clock';
import { TicketMerge } from './ticket-merge.entity';
import type { TicketMergeInput } from './ticket-merge.types';
import { TicketMessage } from './ticket-message.entity';
import { Ticket } from './ticket.entity';
import { AuthorKind, TicketStatus } from './ticket.enums';
import type { TicketService, TicketServiceDeps } from './ticket.service';

export interface TicketMergeDeps extends TicketServiceDeps {
  events: DomainEvents;
}

export interface TicketMergeResult {
  ticket: Ticket;
  mergedTicket: Ticket;
  messagesMoved: number;
  notices: Notice[];
}

/**
 * Staff merge a duplicate into another ticket of the same merchant: its messages (and their
 * attachments) move, ordered by time with the others; it closes pointing at the ticket it was
 * merged into, and gives its allowance back (one problem, one ticket). Both tickets record it,
 * and the merchant reads a message on each. The ticket merged into keeps its attachment limits:
 * a merge that would take it over them is refused before anything moves.
 */
export class TicketMergeService {
  constructor(
    private readonly em: EntityManager,
    private readonly deps: TicketMergeDeps,
    private readonly tickets: TicketService,
  ) {}

  async merge(input: TicketMergeInput): Promise<TicketMergeResult> {
    const { viewer, now, calendar } = this.deps;
    if (!isStaff(viewer)) throw DomainError.of(UserErrorCode.FORBIDDEN, 'Only staff merge tickets.');
    const sourceId = requireId(input.ticketId, 'Ticket', ['input', 'ticketId']);
    const targetId = requireId(input.intoTicketId, 'Ticket', ['input', 'intoTicketId']);
    if (sourceId === targetId) throw DomainError.of(UserErrorCode.INVALID, 'A ticket cannot be merged into itself.', ['input', 'intoTicketId']);
    // Both locked, always in the same order, so two merges of the same pair cannot deadlock.
    const locked = await this.em.find(Ticket, { id: { $in: [sourceId, targetId] } }, { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } });
    const source = locked.find((t) => t.id === sourceId);
    const target = locked.find((t) => t.id === targetId);
    if (!source) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No ticket with this ID.', ['input', 'ticketId']);
    if (!target) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No ticket with this ID.', ['input', 'intoTicketId']);
    if (source.customer.id !== target.customer.id) {
      throw DomainError.of(
        UserErrorCode.INVALID,
        `${source.number} and ${target.number} belong to different merchants: only a merchant's own tickets are merged.`,
        ['input', 'intoTicketId'],
      );
    }
    if (source.status === TicketStatus.CLOSED) {
      throw DomainError.of(UserErrorCode.CLOSED, `${source.number} is closed: there is nothing left to merge.`, ['input', 'ticketId']);
    }
    if (target.status === TicketStatus.CLOSED || target.status === TicketStatus.RESOLVED) {
      throw DomainError.of(
        target.status === TicketStatus.CLOSED ? UserErrorCode.CLOSED : UserErrorCode.INVALID_TRANSITION,
        `${target.number} is ${target.status.toLowerCase()}: merge into a ticket that is still being worked on (or reopen it first).`,
        ['input', 'intoTicketId'],
      );
    }

    // Counted under both row locks: no upload to either ticket can slip in between.
    await refuseMergeOverLimits(this.em, source, target, ['input', 'intoTicketId']);

    const messagesMoved = await this.em.nativeUpdate(TicketMessage, { ticket: source.id }, { ticket: target.id });
    await this.moveAttachments(source.id, target.id);
    const allowanceReturned = source.consumesAllowance;
    source.consumesAllowance = false;

    const at = now.toJSDate();
    this.em.create(TicketMerge, { source, target, mergedBy: this.em.getReference(StaffMember, viewer.staffId), messagesMoved, mergedAt: at });
    this.systemMessage(
      target,
      `${source.number} ("${source.subject}") was merged into this ticket as a duplicate: its ${messagesMoved === 1 ? 'message is' : `${messagesMoved} messages are`} here now, in order of time.`,
    );
    this.systemMessage(
      source,
      `This ticket was merged into ${target.number} ("${target.subject}"), where the conversation continues. It is closed${allowanceReturned ? ' and uses none of your allowance' : ''}.`,
    );
    target.lastActivityAt = at;
    target.updatedAt = at;

    audit(this.em, viewer, {
      customerId: source.customer.id,
      ticket: source,
      action: 'TICKET_MERGED',
      rule: allowanceReturned ? 'ALLOWANCE_RETURNED' : null,
      details: { into: target.id, intoNumber: target.number, messagesMoved, allowanceReturned, reason: input.reason ?? null },
    });
    audit(this.em, viewer, {
      customerId: target.customer.id,
      ticket: target,
      action: 'TICKET_MERGED_IN',
      details: { from: source.id, fromNumber: source.number, messagesMoved },
    });
    // Closed like any ticket staff close: its stored access is scheduled for shredding.
    await this.tickets.statusChange({ ticketId: source.globalId, status: TicketStatus.CLOSED, reason: `Merged into ${target.number}.` });
    syncClock(target, now, calendar);
    await this.deps.events.publish(this.em, {
      type: DomainEventType.TICKET_MERGED,
      ticketId: target.id,
      customerId: target.customer.id,
      team: target.team,
      actor: { kind: 'STAFF', id: viewer.staffId },
      staffOnly: false,
      data: { mergedTicketId: source.id, mergedTicketNumber: source.number, ticketNumber: target.number, messagesMoved, allowanceReturned },
    });
    return {
      ticket: target,
      mergedTicket: source,
      messagesMoved,
      notices: [notice('MERGED', `${source.number} was merged into ${target.number} and closed${allowanceReturned ? '; its allowance was returned' : ''}.`)],
    };
  }

  private systemMessage(ticket: Ticket, body: string): void {
    const at = this.deps.now.toJSDate();
    this.em.persist(this.em.create(TicketMessage, { ticket, authorKind: AuthorKind.SYSTEM, body, createdAt: at, updatedAt: at }));
  }

  /** Attachments follow their messages (and the ticket's own files) when the attachment table exists. */
  private async moveAttachments(sourceId: string, targetId: string): Promise<void> {
    const [{ exists }] = await this.em.execute<Array<{ exists: boolean }>>(`select to_regclass('attachment') is not null as "exists"`);
    if (exists) await this.em.execute('update "attachment" set "ticket_id" = ? where "ticket_id" = ?', [targetId, sourceId]);
  }
}

/** Where a merged ticket continues, for `Ticket.mergedInto`. */
export async function mergesOf(em: EntityManager, ticketIds: readonly string[]): Promise<Map<string, TicketMerge>> {
  const rows = await em.find(TicketMerge, { source: { $in: [...ticketIds] } }, { populate: ['target'] });
  return new Map(rows.map((row) => [row.source.id, row]));
}
