import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { ConnectionArgs } from '../../common/connection';
import { DateTimeScalar } from '../../common/date-time.scalar';
import { joinedByPage } from '../../common/field-reads';
import { requestNow } from '../../common/request-now';
import { Money } from '../../common/money';
import { Transactional } from '../../common/transaction';
import { AuditEventConnection } from '../audit/audit.types';
import { Customer } from '../customer/customer.entity';
import { PlatformFlag } from '../platform/platform-rules';
import { StaffMember } from '../staff/staff-member.entity';
import { Subscription } from '../subscription/subscription.entity';
import { Role, isStaff } from '../viewer/viewer';
import { QuoteStatus } from './coverage';
import { slaView, type SlaView } from './ticket-clock';
import { ticketPageByRelevance } from '../search/ticket-search';
import { connectionSelection, lastMessageOnPage, ticketListConditions, ticketPage } from './ticket-list';
import { TicketMessage } from './ticket-message.entity';
import { Ticket } from './ticket.entity';
import { AccessState, TicketOrder, TicketStatus } from './ticket.enums';
import { eventsAfter, messagesAfter } from './ticket.loaders';
import { OpenCartEnvironmentView, PortReview } from '../platform/platform.types';
import { Quote } from './coverage.types';
import { TicketAccessDisabledConfirmInput, TicketAccessWaiveInput } from './ticket-access.types';
import {
  TicketPoorlyCodedModuleSetInput,
  TicketPortDecideInput,
  TicketQuoteSetInput,
  TicketReclassifyInput,
  TicketRespondInput,
  TicketWithdrawInput,
} from './ticket-decisions.types';
import { TicketCreateInput } from './ticket-intake.types';
import { TicketPayload, TicketReplyPayload } from './ticket-payload.types';
import { TicketConnection, TicketFilter, TicketMessageConnection } from './ticket-query.types';
import { TicketSla } from './ticket-sla.types';
import { TicketAssignInput, TicketIdInput, TicketReplyInput, TicketStatusChangeInput, TicketUpdateInput } from './ticket-work.types';

/**
 * `sla`, `firstReplyDueAt` and `resolutionDueAt` read the same SLA view, whose calendar walk is
 * the costly part of a ticket list: work it out once per ticket and request (checked against the
 * clock state too, so a mutation earlier in the same request is never answered from a stale view).
 */
function slaOf(ticket: Ticket, ctx: AppContext): SlaView {
  const cached = ctx.loaders.slaViews.get(ticket.id);
  if (
    cached &&
    cached.status === ticket.status &&
    cached.complex === ticket.complex &&
    cached.usedMinutes === ticket.clockUsedMinutes &&
    cached.runningSince === (ticket.clockRunningSince?.getTime() ?? null) &&
    cached.firstReplyAt === (ticket.firstReplyAt?.getTime() ?? null) &&
    cached.resolvedAt === (ticket.resolvedAt?.getTime() ?? null)
  ) {
    return cached.view;
  }
  const view = slaView(ticket, requestNow(ctx.loaders, ctx.clock), ctx.calendar);
  ctx.loaders.slaViews.set(ticket.id, {
    status: ticket.status,
    complex: ticket.complex,
    usedMinutes: ticket.clockUsedMinutes,
    runningSince: ticket.clockRunningSince?.getTime() ?? null,
    firstReplyAt: ticket.firstReplyAt?.getTime() ?? null,
    resolvedAt: ticket.resolvedAt?.getTime() ?? null,
    view,
  });
  return view;
}

@Resolver(() => Ticket)
export class TicketResolver {
  @Authorized()
  @Query(() => TicketConnection, { description: 'Tickets, newest first by default. Merchants see only their own.' })
  async tickets(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => TicketFilter, { nullable: true }) filter: TicketFilter | null,
    @Arg('orderBy', () => TicketOrder, { nullable: true, description: 'Default: RELEVANCE with `filter.search`, NEWEST otherwise.' })
    orderBy: TicketOrder | null,
    @Ctx() ctx: AppContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const search = filter?.search?.trim();
    const order = orderBy ?? (search ? TicketOrder.RELEVANCE : TicketOrder.NEWEST);
    const conditions = ticketListConditions(filter, ctx.viewer, ctx.clock().toJSDate());
    if (order !== TicketOrder.RELEVANCE) return ticketPage(ctx, conditions, args, order, connectionSelection(info));
    if (!search) throw new GraphQLError('orderBy: RELEVANCE needs filter.search.', { extensions: { code: 'BAD_USER_INPUT' } });
    return ticketPageByRelevance(ctx, conditions, search, isStaff(ctx.viewer) ? 'staff' : 'merchant', args, connectionSelection(info));
  }

  @Authorized()
  @Query(() => Ticket, { nullable: true, description: 'A ticket by its human number, e.g. OC-000123.' })
  ticketByNumber(@Arg('number', () => String) number: string, @Ctx() ctx: AppContext) {
    return ctx.services.tickets.findVisibleByNumber(number);
  }

  // ---------- edges ----------
  // The loaders' own promises, not wrapped in another one: these run for every row of a page.

  @FieldResolver(() => Customer)
  customer(@Root() ticket: Ticket, @Ctx() ctx: AppContext) {
    return joinedByPage.has(ticket.customer) ? ticket.customer : ctx.loaders.customer.load(ticket.customer.id);
  }

  @FieldResolver(() => Subscription, { description: 'The purchase the ticket draws on.' })
  subscription(@Root() ticket: Ticket, @Ctx() ctx: AppContext) {
    return joinedByPage.has(ticket.subscription) ? ticket.subscription : ctx.loaders.subscription.load(ticket.subscription.id);
  }

  @FieldResolver(() => StaffMember, { nullable: true, description: 'Who works on the ticket: merchants see who answers them.' })
  assignee(@Root() ticket: Ticket, @Ctx() ctx: AppContext) {
    if (!ticket.assignee) return null;
    return joinedByPage.has(ticket.assignee) ? ticket.assignee : ctx.loaders.staff.load(ticket.assignee.id);
  }

  @FieldResolver(() => TicketMessageConnection, { description: 'The conversation, oldest first. Merchants never see internal notes.' })
  async messages(@Root() ticket: Ticket, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: AppContext) {
    if (!args.after) return ctx.loaders.messagesFirstPage.load({ parentId: ticket.id, first: args.first });
    return messagesAfter(ctx.em, ctx.viewer, ticket.id, args);
  }

  @FieldResolver(() => TicketMessage, { nullable: true })
  lastMessage(@Root() ticket: Ticket, @Ctx() ctx: AppContext) {
    const onPage = lastMessageOnPage.get(ticket);
    return onPage !== undefined ? onPage : ctx.loaders.lastMessage.load(ticket.id);
  }

  @FieldResolver(() => Int, { description: 'Staff replies the merchant has not read yet.' })
  async unreadMessageCount(@Root() ticket: Ticket, @Ctx() ctx: AppContext) {
    return ctx.loaders.unreadCount.load(ticket.id);
  }

  @FieldResolver(() => AuditEventConnection, { description: 'The audit trail of this ticket, oldest first.' })
  async events(@Root() ticket: Ticket, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: AppContext) {
    if (!args.after) return ctx.loaders.eventsFirstPage.load({ parentId: ticket.id, first: args.first });
    return eventsAfter(ctx.em, ctx.viewer, ticket.id, args);
  }

  // ---------- computed ----------

  @FieldResolver(() => TicketSla)
  sla(@Root() ticket: Ticket, @Ctx() ctx: AppContext): TicketSla {
    const view = slaOf(ticket, ctx);
    return { ...view, guaranteed: ticket.slaGuaranteed };
  }

  @FieldResolver(() => DateTimeScalar, { nullable: true, description: 'When the first reply is due (support zone); null once replied or while paused.' })
  firstReplyDueAt(@Root() ticket: Ticket, @Ctx() ctx: AppContext) {
    return slaOf(ticket, ctx).firstReply.dueAt;
  }

  @FieldResolver(() => DateTimeScalar, { nullable: true, description: 'When resolution is due (support zone); null once resolved or while paused.' })
  resolutionDueAt(@Root() ticket: Ticket, @Ctx() ctx: AppContext) {
    return slaOf(ticket, ctx).resolution.dueAt;
  }

  @FieldResolver(() => OpenCartEnvironmentView, { nullable: true })
  environment(@Root() ticket: Ticket): OpenCartEnvironmentView | null {
    const env = ticket.environment;
    if (!env) return null;
    return Object.assign(new OpenCartEnvironmentView(), {
      ...env,
      phpExtensions: env.phpExtensions ?? [],
      extensions: env.extensions ?? [],
    });
  }

  @FieldResolver(() => Quote, { nullable: true, description: 'The quote for custom development, once staff sent one.' })
  quote(@Root() ticket: Ticket): Quote | null {
    if (ticket.quoteStatus == null || ticket.quoteAmount == null) return null;
    return { price: Money.of(ticket.quoteAmount, ticket.quoteCurrency ?? 'USD'), note: ticket.quoteNote ?? null, status: ticket.quoteStatus };
  }

  @FieldResolver(() => PortReview, { nullable: true, description: 'Only for stores on a non-native OpenCart port.' })
  async portReview(@Root() ticket: Ticket, @Ctx() ctx: AppContext): Promise<PortReview | null> {
    if (!ticket.platformFlags.includes(PlatformFlag.NON_NATIVE_PORT)) return null;
    const subscription = ticket.surchargeAmount != null ? await ctx.loaders.subscription.load(ticket.subscription.id) : null;
    return {
      pending: ticket.portDecision == null,
      decision: ticket.portDecision ?? null,
      surcharge: subscription && ticket.surchargeAmount != null ? Money.of(ticket.surchargeAmount, subscription.currency) : null,
      surchargeStatus: ticket.surchargeStatus ?? null,
      note: ticket.portDecisionNote ?? null,
    };
  }

  @FieldResolver(() => Boolean, {
    description: 'True once the ticket is resolved and the merchant has not yet confirmed the temporary access is disabled.',
  })
  disableAccessRequested(@Root() ticket: Ticket): boolean {
    return (
      (ticket.status === TicketStatus.RESOLVED || ticket.status === TicketStatus.CLOSED) &&
      ticket.accessState === AccessState.PROVIDED &&
      !ticket.accessDisabledAt
    );
  }

  @FieldResolver(() => Boolean, { description: 'Whether the merchant has a quote or surcharge to answer.' })
  awaitingMerchantDecision(@Root() ticket: Ticket): boolean {
    return ticket.quoteStatus === QuoteStatus.PENDING || ticket.surchargeStatus === QuoteStatus.PENDING;
  }

  @Authorized(Role.AGENT)
  @FieldResolver(() => String, { nullable: true, description: 'Staff only: why access was waived.' })
  accessWaiverReason(@Root() ticket: Ticket) {
    return ticket.accessWaiverReason ?? null;
  }

  @Authorized(Role.AGENT)
  @FieldResolver(() => Boolean, { description: 'Staff only: the merchant did not provide store/FTP access.' })
  accessWithheld(@Root() ticket: Ticket) {
    return ticket.accessWithheld;
  }

  @Authorized(Role.AGENT)
  @FieldResolver(() => Boolean, { description: 'Staff only: the host or another third party did not cooperate.' })
  thirdPartyBlocked(@Root() ticket: Ticket) {
    return ticket.thirdPartyBlocked;
  }

  // ---------- mutations ----------

  @Authorized()
  @Mutation(() => TicketPayload, { description: 'File a ticket. It waits for store access before work starts.' })
  @Transactional(TicketPayload)
  ticketCreate(@Arg('input', () => TicketCreateInput) input: TicketCreateInput, @Ctx() ctx: AppContext) {
    return ctx.services.intake.create(input);
  }

  @Authorized()
  @Mutation(() => TicketReplyPayload, { description: 'Post a message (staff: or an internal note).' })
  @Transactional(TicketReplyPayload)
  ticketReply(@Arg('input', () => TicketReplyInput) input: TicketReplyInput, @Ctx() ctx: AppContext) {
    return ctx.services.tickets.reply(input);
  }

  @Authorized(Role.AGENT)
  @Mutation(() => TicketPayload)
  @Transactional(TicketPayload, { into: 'ticket' })
  ticketAssign(@Arg('input', () => TicketAssignInput) input: TicketAssignInput, @Ctx() ctx: AppContext) {
    return ctx.services.tickets.assign(input);
  }

  @Authorized(Role.AGENT)
  @Mutation(() => TicketPayload)
  @Transactional(TicketPayload)
  ticketStatusChange(@Arg('input', () => TicketStatusChangeInput) input: TicketStatusChangeInput, @Ctx() ctx: AppContext) {
    return ctx.services.tickets.statusChange(input);
  }

  @Authorized(Role.AGENT)
  @Mutation(() => TicketPayload, { description: 'Priority, complexity, and the facts that decide refunds.' })
  @Transactional(TicketPayload, { into: 'ticket' })
  ticketUpdate(@Arg('input', () => TicketUpdateInput) input: TicketUpdateInput, @Ctx() ctx: AppContext) {
    return ctx.services.tickets.update(input);
  }

  @Authorized(Role.AGENT)
  @Mutation(() => TicketPayload, { description: 'Send a quote for custom development.' })
  @Transactional(TicketPayload, { into: 'ticket' })
  ticketQuoteSet(@Arg('input', () => TicketQuoteSetInput) input: TicketQuoteSetInput, @Ctx() ctx: AppContext) {
    return ctx.services.decisions.quoteSet(input);
  }

  @Authorized(Role.CUSTOMER)
  @Mutation(() => TicketPayload, { description: 'Accept or decline the quote for custom development.' })
  @Transactional(TicketPayload)
  ticketQuoteRespond(@Arg('input', () => TicketRespondInput) input: TicketRespondInput, @Ctx() ctx: AppContext) {
    return ctx.services.decisions.quoteRespond(input);
  }

  @Authorized(Role.AGENT)
  @Mutation(() => TicketPayload, { description: 'Decide on a store running a non-native port: accept, surcharge, or deny.' })
  @Transactional(TicketPayload, { into: 'ticket' })
  ticketPortDecide(@Arg('input', () => TicketPortDecideInput) input: TicketPortDecideInput, @Ctx() ctx: AppContext) {
    return ctx.services.decisions.portDecide(input);
  }

  @Authorized(Role.CUSTOMER)
  @Mutation(() => TicketPayload, { description: 'Accept or decline the surcharge for a non-native port.' })
  @Transactional(TicketPayload)
  ticketSurchargeRespond(@Arg('input', () => TicketRespondInput) input: TicketRespondInput, @Ctx() ctx: AppContext) {
    return ctx.services.decisions.surchargeRespond(input);
  }

  @Authorized(Role.AGENT)
  @Mutation(() => TicketPayload, {
    description:
      'Correct the category of a ticket (audited). Coverage and allowance follow: outside the agreement closes it and returns its allowance; custom development returns the allowance and needs a quote; covered work takes a place in the allowance.',
  })
  @Transactional(TicketPayload)
  ticketReclassify(@Arg('input', () => TicketReclassifyInput) input: TicketReclassifyInput, @Ctx() ctx: AppContext) {
    return ctx.services.decisions.reclassify(input);
  }

  @Authorized(Role.AGENT)
  @Mutation(() => TicketPayload, {
    description:
      'Record (or withdraw) that a badly/poorly coded module is involved: the fix is then not guaranteed. Audited with the reason; the merchant sees the flag.',
  })
  @Transactional(TicketPayload)
  ticketPoorlyCodedModuleSet(@Arg('input', () => TicketPoorlyCodedModuleSetInput) input: TicketPoorlyCodedModuleSetInput, @Ctx() ctx: AppContext) {
    return ctx.services.decisions.poorlyCodedModuleSet(input);
  }

  @Authorized(Role.CUSTOMER)
  @Mutation(() => TicketPayload, {
    description: 'Withdraw (close) your own ticket. Before support replied it gives its allowance back; after, it stays used.',
  })
  @Transactional(TicketPayload)
  ticketWithdraw(@Arg('input', () => TicketWithdrawInput) input: TicketWithdrawInput, @Ctx() ctx: AppContext) {
    return ctx.services.decisions.withdraw(input);
  }

  @Authorized(Role.AGENT)
  @Mutation(() => TicketPayload, { description: 'Let work start without store access, with a recorded reason.' })
  @Transactional(TicketPayload, { into: 'ticket' })
  ticketAccessWaive(@Arg('input', () => TicketAccessWaiveInput) input: TicketAccessWaiveInput, @Ctx() ctx: AppContext) {
    return ctx.services.tickets.accessWaive(input);
  }

  @Authorized(Role.CUSTOMER)
  @Mutation(() => TicketPayload, {
    description:
      'Confirm the temporary store access was disabled. After resolution this ends it; before resolution the stored access is destroyed and the ticket waits for new access.',
  })
  @Transactional(TicketPayload, { into: 'ticket' })
  ticketAccessDisabledConfirm(@Arg('input', () => TicketAccessDisabledConfirmInput) input: TicketAccessDisabledConfirmInput, @Ctx() ctx: AppContext) {
    return ctx.services.tickets.accessDisabledConfirm(input.ticketId, input.storeAdminUsername ?? null);
  }

  @Authorized(Role.CUSTOMER)
  @Mutation(() => TicketPayload, { description: 'Mark the conversation read.' })
  @Transactional(TicketPayload, { into: 'ticket' })
  ticketMarkRead(@Arg('input', () => TicketIdInput) input: TicketIdInput, @Ctx() ctx: AppContext) {
    return ctx.services.tickets.markRead(input.ticketId);
  }
}
