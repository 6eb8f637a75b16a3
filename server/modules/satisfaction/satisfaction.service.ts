import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { requireId } from '../../common/access';
import { DomainError, UserErrorCode } from '../../common/user-error';
import { audit } from '../audit/audit';
import { Customer } from '../customer/customer.entity';
import { DomainEventType } from '../events/domain-event';
import type { DomainEvents } from '../events/domain-events';
import { TicketMerge } from '../ticket/ticket-merge.entity';
import { Ticket } from '../ticket/ticket.entity';
import { ticketScope } from '../ticket/ticket.scope';
import { isCustomer, type Viewer } from '../viewer/viewer';
import { changeableUntil, mayRate } from './satisfaction-rules';
import type { TicketRateInput, TicketSatisfactionView } from './satisfaction.types';
import { TicketSatisfaction } from './ticket-satisfaction.entity';

export interface SatisfactionServiceDeps {
  viewer: Viewer;
  now: DateTime;
  events: DomainEvents;
}

const REFUSAL_CODES = { NOT_FINISHED: UserErrorCode.INVALID_TRANSITION, MERGED: UserErrorCode.INVALID_TRANSITION, FINAL: UserErrorCode.CLOSED } as const;

/** The merchant rates a finished ticket (1–5 and a comment); changeable for a while, then final. */
export class SatisfactionService {
  constructor(
    private readonly em: EntityManager,
    private readonly deps: SatisfactionServiceDeps,
  ) {}

  async rate(input: TicketRateInput): Promise<Ticket> {
    const { viewer, now } = this.deps;
    if (!isCustomer(viewer)) throw DomainError.of(UserErrorCode.FORBIDDEN, 'Only the merchant who filed a ticket rates it.');
    const id = requireId(input.ticketId, 'Ticket', ['input', 'ticketId']);
    // Locked: two ratings sent at once are applied one after the other.
    const scope = ticketScope(viewer);
    const ticket = scope && (await this.em.findOne(Ticket, { $and: [scope, { id }] }, { lockMode: LockMode.PESSIMISTIC_WRITE }));
    if (!ticket) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No ticket with this ID.', ['input', 'ticketId']);
    const [existing, merge] = await Promise.all([
      this.em.findOne(TicketSatisfaction, { ticket: id }),
      this.em.findOne(TicketMerge, { source: id }, { populate: ['target'] }),
    ]);
    const decision = mayRate({
      status: ticket.status,
      ticketNumber: ticket.number,
      mergedIntoNumber: merge ? merge.target.number : null,
      firstRatedAt: existing ? DateTime.fromJSDate(existing.createdAt) : null,
      now,
    });
    if (!decision.allowed) throw DomainError.of(REFUSAL_CODES[decision.code], decision.message, ['input', 'ticketId']);

    const comment = input.comment?.trim() || null;
    const previousRating = existing?.rating ?? null;
    const at = now.toJSDate();
    if (existing) {
      existing.rating = input.rating;
      existing.comment = comment;
      existing.updatedAt = at;
    } else {
      this.em.create(TicketSatisfaction, {
        ticket,
        customer: this.em.getReference(Customer, viewer.customerId),
        rating: input.rating,
        comment,
        createdAt: at,
        updatedAt: at,
      });
    }
    // The comment is the merchant's words: it stays on the rating, not in the audit trail.
    audit(this.em, viewer, {
      customerId: viewer.customerId,
      ticket,
      action: existing ? 'TICKET_RATING_CHANGED' : 'TICKET_RATED',
      details: { rating: input.rating, previousRating, withComment: comment !== null },
    });
    await this.deps.events.publish(this.em, {
      type: DomainEventType.TICKET_RATED,
      ticketId: ticket.id,
      customerId: viewer.customerId,
      team: ticket.team,
      actor: { kind: 'MERCHANT', id: viewer.customerId },
      staffOnly: false,
      data: { ticketNumber: ticket.number, rating: input.rating, previousRating, withComment: comment !== null },
    });
    return ticket;
  }
}

/** The ratings of some tickets, by ticket id, as the API shows them. */
export async function satisfactionOf(em: EntityManager, ticketIds: readonly string[]): Promise<Map<string, TicketSatisfactionView>> {
  const rows = await em.find(TicketSatisfaction, { ticket: { $in: [...ticketIds] } });
  return new Map(
    rows.map((row) => [
      row.ticket.id,
      {
        rating: row.rating,
        comment: row.comment ?? null,
        ratedAt: row.createdAt,
        updatedAt: row.updatedAt,
        changeableUntil: changeableUntil(DateTime.fromJSDate(row.createdAt)).toJSDate(),
      },
    ]),
  );
}
