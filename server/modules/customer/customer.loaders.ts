import type { EntityManager } from '@mikro-orm/postgresql';
import { childrenLoader, firstPageLoader } from '../../common/batched-connection';
import type { Connection } from '../../common/connection';
import { paginate } from '../../common/paginate';
import { AuditEvent } from '../audit/audit-event.entity';
import { MerchantApiKey } from '../merchant-key/merchant-api-key.entity';
import { Subscription } from '../subscription/subscription.entity';
import { Ticket } from '../ticket/ticket.entity';

export const CUSTOMER_EVENT_ORDER = [{ createdAt: 'asc' as const }, { id: 'asc' as const }];
export const CUSTOMER_TICKET_ORDER = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];
export const CUSTOMER_SUBSCRIPTION_ORDER = [{ contractStart: 'desc' as const }, { id: 'desc' as const }];

/** Batched per-customer lookups. */
export function customerLoaders(em: EntityManager) {
  return {
    ticketsFirstPage: firstPageLoader(em, Ticket, {
      table: 'ticket',
      parentColumn: 'customer_id',
      orderSql: 't.created_at desc, t.id desc',
      orderBy: CUSTOMER_TICKET_ORDER,
    }),
    subscriptionsFirstPage: firstPageLoader(em, Subscription, {
      table: 'subscription',
      parentColumn: 'customer_id',
      orderSql: 't.contract_start desc, t.id desc',
      orderBy: CUSTOMER_SUBSCRIPTION_ORDER,
    }),
    apiKeysByCustomer: childrenLoader(em, MerchantApiKey, 'customer', { createdAt: 'desc' }),
    /** Account-level audit entries (not tied to a ticket), first page per customer. */
    customerEventsFirstPage: firstPageLoader(em, AuditEvent, {
      table: 'audit_event',
      parentColumn: 'customer_id',
      where: 'ticket_id is null',
      orderSql: 't.created_at asc, t.id asc',
      orderBy: CUSTOMER_EVENT_ORDER,
    }),
  };
}

type PageArgs = { first: number; after?: string | null };

/* Later pages (after a cursor) of a customer's connections; their first pages are the loaders' above. */

export function customerTicketsAfter(em: EntityManager, customerId: string, args: PageArgs): Promise<Connection<Ticket>> {
  return paginate(em, Ticket, { customer: customerId }, args, CUSTOMER_TICKET_ORDER);
}

export function customerSubscriptionsAfter(em: EntityManager, customerId: string, args: PageArgs): Promise<Connection<Subscription>> {
  return paginate(em, Subscription, { customer: customerId }, args, CUSTOMER_SUBSCRIPTION_ORDER);
}

export function customerEventsAfter(em: EntityManager, customerId: string, args: PageArgs): Promise<Connection<AuditEvent>> {
  return paginate(em, AuditEvent, { customer: customerId, ticket: null }, args, CUSTOMER_EVENT_ORDER);
}
