import type { FilterQuery } from '@mikro-orm/core';
import type { AuditEvent } from '../audit/audit-event.entity';
import { STAFF_ONLY_ACTIONS } from '../audit/audit.types';
import type { Viewer } from '../viewer/viewer';
import type { TicketMessage } from './ticket-message.entity';
import type { Ticket } from './ticket.entity';

/*
 * What a viewer may see of tickets, stated once: staff everything, a merchant their own
 * tickets without internal notes and staff-only audit entries, nobody else anything (null).
 * Resolvers, pagination, loaders, services and `node(id:)` all read these.
 */

export function ticketScope(viewer: Viewer): FilterQuery<Ticket> | null {
  if (viewer.kind === 'staff') return {};
  if (viewer.kind === 'customer') return { customer: viewer.customerId };
  return null;
}

/**
 * The same as a condition over the ticket table (alias `t`, `?` bindings) for lists that read
 * SQL: none for staff, the merchant's own tickets, nothing for anyone else.
 */
export function ticketScopeSql(viewer: Viewer): { sql: string; params: unknown[] } | undefined {
  if (viewer.kind === 'staff') return undefined;
  if (viewer.kind === 'customer') return { sql: 't.customer_id = ?', params: [viewer.customerId] };
  return { sql: 'false', params: [] };
}

/** Messages of any ticket (by ID); `ticketMessageScope` is the conversation of one visible ticket. */
export function messageScope(viewer: Viewer): FilterQuery<TicketMessage> | null {
  if (viewer.kind === 'staff') return {};
  if (viewer.kind === 'customer') return { internal: false, ticket: { customer: viewer.customerId } };
  return null;
}

/** The conversation of a ticket the viewer already sees: merchants never see internal notes. */
export function ticketMessageScope(viewer: Viewer): FilterQuery<TicketMessage> {
  return viewer.kind === 'staff' ? {} : { internal: false };
}

/** The same for loaders that read SQL: a condition on the message table, or none. */
export function ticketMessageScopeSql(viewer: Viewer, alias = ''): string | undefined {
  return viewer.kind === 'staff' ? undefined : `${alias}internal = false`;
}

/** Audit entries of any ticket (by ID). */
export function auditEventScope(viewer: Viewer): FilterQuery<AuditEvent> | null {
  if (viewer.kind === 'staff') return {};
  if (viewer.kind === 'customer') return { customer: viewer.customerId, action: { $nin: [...STAFF_ONLY_ACTIONS] } };
  return null;
}

/** The audit trail of a ticket the viewer already sees: merchants never see staff-only entries. */
export function ticketEventScope(viewer: Viewer): FilterQuery<AuditEvent> {
  return viewer.kind === 'staff' ? {} : { action: { $nin: [...STAFF_ONLY_ACTIONS] } };
}

export function ticketEventScopeSql(viewer: Viewer): string | undefined {
  return viewer.kind === 'staff' ? undefined : `action not in (${STAFF_ONLY_ACTIONS.map((a) => `'${a}'`).join(', ')})`;
}
