import type { EntityManager } from '@mikro-orm/postgresql';
import { fromGlobalId } from '../../common/global-id';
import { Attachment } from '../attachment/attachment.entity';
import { attachmentScope } from '../attachment/attachment.scope';
import { AuditEvent } from '../audit/audit-event.entity';
import { CannedReply } from '../canned-reply/canned-reply.entity';
import { visibleCannedReplies } from '../canned-reply/canned-reply.service';
import { Customer } from '../customer/customer.entity';
import { customerScope } from '../customer/customer.scope';
import { MerchantApiKey } from '../merchant-key/merchant-api-key.entity';
import { Plan } from '../plan/plan.entity';
import { Refund } from '../refund/refund.entity';
import { refundScope } from '../refund/refund.scope';
import { StaffMember } from '../staff/staff-member.entity';
import { Subscription } from '../subscription/subscription.entity';
import { subscriptionScope } from '../subscription/subscription.scope';
import { TicketMessage } from '../ticket/ticket-message.entity';
import { Ticket } from '../ticket/ticket.entity';
import { auditEventScope, messageScope, ticketScope } from '../ticket/ticket.scope';
import { customerOwnedScope } from './owner.scope';
import type { Viewer } from './viewer';

/** The rows of a type a viewer may fetch, as a filter; null when none at all. */
type Scope = (viewer: Viewer) => Record<string, unknown> | null;

const everyone: Scope = () => ({});
const staffOnly: Scope = (v) => (v.kind === 'staff' ? {} : null);

/**
 * Which rows each viewer may fetch by ID. Anything outside the scope answers null, exactly
 * like an ID that does not exist, so IDs of other merchants' data reveal nothing.
 */
const NODE_TYPES: Record<string, { entity: new () => object; scope: Scope }> = {
  Plan: { entity: Plan, scope: everyone },
  Customer: { entity: Customer, scope: (v) => customerScope(v) as Record<string, unknown> | null },
  Ticket: { entity: Ticket, scope: (v) => ticketScope(v) as Record<string, unknown> | null },
  TicketMessage: { entity: TicketMessage, scope: (v) => messageScope(v) as Record<string, unknown> | null },
  Subscription: { entity: Subscription, scope: (v) => subscriptionScope(v) as Record<string, unknown> | null },
  Refund: { entity: Refund, scope: (v) => refundScope(v) as Record<string, unknown> | null },
  MerchantApiKey: { entity: MerchantApiKey, scope: customerOwnedScope },
  AuditEvent: { entity: AuditEvent, scope: (v) => auditEventScope(v) as Record<string, unknown> | null },
  StaffMember: { entity: StaffMember, scope: staffOnly },
  Attachment: { entity: Attachment, scope: (v) => attachmentScope(v) as Record<string, unknown> | null },
  CannedReply: { entity: CannedReply, scope: visibleCannedReplies },
};

/** The objects for global IDs, in the order asked: one query per type, null where not visible. */
export async function loadNodes(em: EntityManager, viewer: Viewer, globalIds: string[]): Promise<Array<object | null>> {
  const decoded = globalIds.map((globalId) => fromGlobalId(globalId));
  const found = new Map<string, object>();
  const byType = new Map<string, string[]>();
  for (const d of decoded) if (d && NODE_TYPES[d.type]) byType.set(d.type, [...(byType.get(d.type) ?? []), d.id]);
  await Promise.all(
    [...byType].map(async ([type, ids]) => {
      const { entity, scope } = NODE_TYPES[type]!;
      const where = scope(viewer);
      if (!where) return;
      const rows = (await em.find(entity as never, { $and: [where, { id: { $in: ids } }] } as never)) as Array<{ id: string }>;
      for (const row of rows) found.set(`${type}:${row.id}`, row);
    }),
  );
  return decoded.map((d) => (d ? (found.get(`${d.type}:${d.id}`) ?? null) : null));
}
