import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { firstPageLoader } from '../../common/batched-connection';
import type { Connection } from '../../common/connection';
import { paginate } from '../../common/paginate';
import { placeholders } from '../../common/sql';
import { AuditEvent } from '../audit/audit-event.entity';
import type { Viewer } from '../viewer/viewer';
import type { SlaView } from './ticket-clock';
import { TicketMessage } from './ticket-message.entity';
import { ticketEventScope, ticketEventScopeSql, ticketMessageScope, ticketMessageScopeSql } from './ticket.scope';

export const MESSAGE_ORDER = [{ createdAt: 'asc' as const }, { id: 'asc' as const }];
export const EVENT_ORDER = [{ createdAt: 'asc' as const }, { id: 'asc' as const }];

/**
 * An entity from a raw row for reading only: hydrated like `em.map` would, without merging it
 * into the request's unit of work (that merge, with its change-tracking snapshot, cost more
 * than the rest of a list's last messages together).
 */
function readOnlyEntity<T extends object>(em: EntityManager, entity: new () => T, row: Record<string, unknown>): T {
  const meta = em.getMetadata().get<T>(entity.name);
  const data = em.getDriver().mapResult(row as never, meta) as Record<string, unknown>;
  return em.getEntityFactory().create<T>(entity.name, data as never, { merge: false, newEntity: false, convertCustomTypes: true });
}

/** Batched per-ticket lookups; merchants never see internal notes, so their loaders skip them. */
export function ticketLoaders(em: EntityManager, viewer: Viewer) {
  const visibleMessages = ticketMessageScopeSql(viewer);
  return {
    /** Each ticket's SLA view, worked out once per request (see `slaOf` in the resolver). */
    slaViews: new Map<
      string,
      {
        status: string;
        complex: boolean;
        usedMinutes: number;
        runningSince: number | null;
        firstReplyAt: number | null;
        resolvedAt: number | null;
        view: SlaView;
      }
    >(),
    /** The conversation's first page per ticket, oldest first (the order of `Ticket.messages`). */
    messagesFirstPage: firstPageLoader(em, TicketMessage, {
      table: 'ticket_message',
      parentColumn: 'ticket_id',
      where: visibleMessages,
      orderSql: 't.created_at asc, t.id asc',
      orderBy: MESSAGE_ORDER,
    }),
    /** The audit trail's first page per ticket, oldest first (the order of `Ticket.events`). */
    eventsFirstPage: firstPageLoader(em, AuditEvent, {
      table: 'audit_event',
      parentColumn: 'ticket_id',
      where: ticketEventScopeSql(viewer),
      orderSql: 't.created_at asc, t.id asc',
      orderBy: EVENT_ORDER,
    }),
    lastMessage: new DataLoader<string, TicketMessage | null>(async (ticketIds) => {
      const rows = await em.execute(
        `select distinct on (ticket_id) * from ticket_message
          where ticket_id in (${placeholders(ticketIds)}) ${visibleMessages ? `and ${visibleMessages}` : ''}
          order by ticket_id, created_at desc, id desc`,
        [...ticketIds],
      );
      const byTicket = new Map(rows.map((row: Record<string, unknown>) => [row.ticket_id as string, readOnlyEntity(em, TicketMessage, row)]));
      return ticketIds.map((id) => byTicket.get(id) ?? null);
    }),
    /** Staff replies posted since the merchant last read the ticket. */
    unreadCount: new DataLoader<string, number>(async (ticketIds) => {
      const rows = await em.execute(
        `select m.ticket_id, count(*)::int as n from ticket_message m join ticket t on t.id = m.ticket_id
          where m.ticket_id in (${placeholders(ticketIds)}) and m.internal = false and m.author_kind = 'STAFF'
            and (t.customer_last_read_at is null or m.created_at > t.customer_last_read_at)
          group by m.ticket_id`,
        [...ticketIds],
      );
      const counts = new Map(rows.map((row: Record<string, unknown>) => [row.ticket_id as string, Number(row.n)]));
      return ticketIds.map((id) => counts.get(id) ?? 0);
    }),
  };
}

type PageArgs = { first: number; after?: string | null };

/** A later page (after a cursor) of a ticket's conversation, as the viewer may see it; the first page is `messagesFirstPage`'s. */
export function messagesAfter(em: EntityManager, viewer: Viewer, ticketId: string, args: PageArgs): Promise<Connection<TicketMessage>> {
  return paginate(em, TicketMessage, { $and: [{ ticket: ticketId }, ticketMessageScope(viewer)] }, args, MESSAGE_ORDER);
}

/** A later page of a ticket's audit trail, as the viewer may see it; the first page is `eventsFirstPage`'s. */
export function eventsAfter(em: EntityManager, viewer: Viewer, ticketId: string, args: PageArgs): Promise<Connection<AuditEvent>> {
  return paginate(em, AuditEvent, { $and: [{ ticket: ticketId }, ticketEventScope(viewer)] }, args, EVENT_ORDER);
}
