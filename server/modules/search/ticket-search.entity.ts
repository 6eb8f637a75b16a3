import { Entity, Index, OneToOne, Property } from '@mikro-orm/core';
import { Ticket } from '../ticket/ticket.entity';

/**
 * The full-text search documents of a ticket (English configuration), kept by triggers
 * (migration ticket_search): `document` holds what its merchant may see (subject weighted A,
 * description B, replies C), `internalDocument` the internal notes, searched by staff only.
 * A table of its own keeps the list's rows small; the application never writes it.
 */
@Entity({ tableName: 'ticket_search' })
@Index({ name: 'ticket_search_document_index', expression: 'create index "ticket_search_document_index" on "ticket_search" using gin ("document")' })
@Index({
  name: 'ticket_search_internal_document_index',
  expression: 'create index "ticket_search_internal_document_index" on "ticket_search" using gin ("internal_document")',
})
export class TicketSearch {
  @OneToOne({ entity: () => Ticket, primary: true, owner: true, deleteRule: 'cascade' })
  ticket!: Ticket;

  @Property({ type: 'string', columnType: 'tsvector', lazy: true })
  document!: string;

  @Property({ type: 'string', columnType: 'tsvector', lazy: true })
  internalDocument!: string;
}
