import type { EntityManager } from '@mikro-orm/postgresql';
import { AuthorKind } from '../ticket/ticket.enums';
import type { Ticket } from '../ticket/ticket.entity';
import { Customer } from '../customer/customer.entity';
import { StaffMember } from '../staff/staff-member.entity';
import type { Viewer } from '../viewer/viewer';
import { AuditEvent } from './audit-event.entity';

export interface AuditEntry {
  customerId: string;
  ticket?: Ticket | null;
  action: string;
  rule?: string | null;
  /** Facts only (ids, statuses, amounts): never credentials or message bodies. */
  details?: Record<string, unknown> | null;
}

/** Appends to the audit trail inside the caller's unit of work. */
export function audit(em: EntityManager, actor: Viewer | 'system', entry: AuditEntry): AuditEvent {
  const event = new AuditEvent();
  event.customer = em.getReference(Customer, entry.customerId);
  event.ticket = entry.ticket ?? null;
  event.action = entry.action;
  event.rule = entry.rule ?? null;
  event.details = entry.details ?? null;
  if (actor === 'system' || actor.kind === 'anonymous') {
    event.actorKind = AuthorKind.SYSTEM;
  } else if (actor.kind === 'customer') {
    event.actorKind = AuthorKind.CUSTOMER;
  } else {
    event.actorKind = AuthorKind.STAFF;
    event.actorStaff = em.getReference(StaffMember, actor.staffId);
  }
  em.persist(event);
  return event;
}
