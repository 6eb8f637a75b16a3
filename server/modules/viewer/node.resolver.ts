import { GraphQLError } from 'graphql';
import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { fromGlobalId } from '../../common/global-id';
import { Node } from '../../common/node';
import { AuditEvent } from '../audit/audit-event.entity';
import { STAFF_ONLY_ACTIONS } from '../audit/audit.types';
import { Customer } from '../customer/customer.entity';
import { MerchantApiKey } from '../merchant-key/merchant-api-key.entity';
import { Plan } from '../plan/plan.entity';
import { Refund } from '../refund/refund.entity';
import { StaffMember } from '../staff/staff-member.entity';
import { Subscription } from '../subscription/subscription.entity';
import { TicketMessage } from '../ticket/ticket-message.entity';
import { Ticket } from '../ticket/ticket.entity';
import type { Viewer } from './viewer';

type Scope = (viewer: Viewer, id: string) => Record<string, unknown> | null;

const staffOnly: Scope = (v, id) => (v.kind === 'staff' ? { id } : null);
const ownedByCustomer: Scope = (v, id) => (v.kind === 'staff' ? { id } : v.kind === 'customer' ? { id, customer: v.customerId } : null);

/**
 * Which rows each viewer may fetch by ID. Anything outside the scope answers null, exactly
 * like an ID that does not exist, so IDs of other merchants' data reveal nothing.
 */
const NODE_TYPES: Record<string, { entity: new () => object; scope: Scope }> = {
  Plan: { entity: Plan, scope: (_, id) => ({ id }) },
  Customer: { entity: Customer, scope: (v, id) => (v.kind === 'staff' ? { id } : v.kind === 'customer' && v.customerId === id ? { id } : null) },
  Ticket: { entity: Ticket, scope: ownedByCustomer },
  TicketMessage: {
    entity: TicketMessage,
    scope: (v, id) => (v.kind === 'staff' ? { id } : v.kind === 'customer' ? { id, internal: false, ticket: { customer: v.customerId } } : null),
  },
  Subscription: { entity: Subscription, scope: ownedByCustomer },
  Refund: { entity: Refund, scope: ownedByCustomer },
  MerchantApiKey: { entity: MerchantApiKey, scope: ownedByCustomer },
  AuditEvent: {
    entity: AuditEvent,
    scope: (v, id) => (v.kind === 'staff' ? { id } : v.kind === 'customer' ? { id, customer: v.customerId, action: { $nin: [...STAFF_ONLY_ACTIONS] } } : null),
  },
  StaffMember: { entity: StaffMember, scope: staffOnly },
};

async function loadNode(ctx: AppContext, globalId: string): Promise<object | null> {
  const decoded = fromGlobalId(globalId);
  const type = decoded && NODE_TYPES[decoded.type];
  if (!decoded || !type) return null;
  const where = type.scope(ctx.viewer, decoded.id);
  return where ? ctx.em.findOne(type.entity as never, where as never) : null;
}

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Fetch any object by its global ID; null when it does not exist or is not yours.' })
  node(@Arg('id', () => ID) id: string, @Ctx() ctx: AppContext) {
    return loadNode(ctx, id);
  }

  @Query(() => [Node], { nullable: 'items', description: 'Fetch up to 100 objects by global ID, in the order asked.' })
  async nodes(@Arg('ids', () => [ID]) ids: string[], @Ctx() ctx: AppContext) {
    if (ids.length > 100) throw new GraphQLError('Ask for at most 100 ids at a time.', { extensions: { code: 'BAD_USER_INPUT' } });
    return Promise.all(ids.map((id) => loadNode(ctx, id)));
  }
}
