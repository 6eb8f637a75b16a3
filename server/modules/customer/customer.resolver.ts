import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { ConnectionArgs } from '../../common/connection';
import { Transactional } from '../../common/transaction';
import { paginate } from '../../common/paginate';
import { AuditEventConnection } from '../audit/audit.types';
import { MerchantApiKey } from '../merchant-key/merchant-api-key.entity';
import { SubscriptionConnection } from '../subscription/subscription.types';
import { currentAllowance } from '../subscription/subscription-allowance';
import { TicketConnection } from '../ticket/ticket-query.types';
import { Role } from '../viewer/viewer';
import { BanReason } from './ban-rules';
import { CUSTOMER_ORDER, customerListWhere } from './customer-list';
import { customerEventsAfter, customerSubscriptionsAfter, customerTicketsAfter } from './customer.loaders';
import { Customer } from './customer.entity';
import { Allowance, CustomerBanInput, CustomerConnection, CustomerCreateInput, CustomerFilter, CustomerPayload, CustomerUpdateInput } from './customer.types';

@Resolver(() => Customer)
export class CustomerResolver {
  @Authorized(Role.AGENT)
  @Query(() => CustomerConnection, { description: 'Staff only: customers, newest first.' })
  customers(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('filter', () => CustomerFilter, { nullable: true }) filter: CustomerFilter | null,
    @Ctx() ctx: AppContext,
  ) {
    return paginate(ctx.em, Customer, customerListWhere(filter), args, CUSTOMER_ORDER);
  }

  @FieldResolver(() => TicketConnection, { description: "The customer's tickets, newest first." })
  tickets(@Root() customer: Customer, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: AppContext) {
    if (!args.after) return ctx.loaders.ticketsFirstPage.load({ parentId: customer.id, first: args.first });
    return customerTicketsAfter(ctx.em, customer.id, args);
  }

  @FieldResolver(() => SubscriptionConnection, { description: "The customer's purchases, newest first." })
  subscriptions(@Root() customer: Customer, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: AppContext) {
    if (!args.after) return ctx.loaders.subscriptionsFirstPage.load({ parentId: customer.id, first: args.first });
    return customerSubscriptionsAfter(ctx.em, customer.id, args);
  }

  @FieldResolver(() => Allowance, { nullable: true, description: 'Tickets left on the plan the next ticket would draw on; null with no active plan.' })
  allowance(@Root() customer: Customer, @Ctx() ctx: AppContext) {
    return currentAllowance(ctx, customer.id);
  }

  @FieldResolver(() => [MerchantApiKey], { description: 'API keys (their secrets are never shown again).' })
  apiKeys(@Root() customer: Customer, @Ctx() ctx: AppContext) {
    return ctx.loaders.apiKeysByCustomer.load(customer.id);
  }

  @FieldResolver(() => AuditEventConnection, { description: 'Account-level audit trail (bans, refunds, plans), oldest first.' })
  events(@Root() customer: Customer, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: AppContext) {
    if (!args.after) return ctx.loaders.customerEventsFirstPage.load({ parentId: customer.id, first: args.first });
    return customerEventsAfter(ctx.em, customer.id, args);
  }

  @Authorized(Role.AGENT)
  @FieldResolver(() => BanReason, { nullable: true, description: 'Staff only.' })
  banReason(@Root() customer: Customer) {
    return customer.banReason ?? null;
  }

  @Authorized(Role.AGENT)
  @Mutation(() => CustomerPayload)
  @Transactional(CustomerPayload, { into: 'customer' })
  customerCreate(@Arg('input', () => CustomerCreateInput) input: CustomerCreateInput, @Ctx() ctx: AppContext) {
    return ctx.services.customers.create(input);
  }

  @Authorized()
  @Mutation(() => CustomerPayload, { description: 'Change contact details: staff for any customer, a merchant for itself.' })
  @Transactional(CustomerPayload, { into: 'customer' })
  customerUpdate(@Arg('input', () => CustomerUpdateInput) input: CustomerUpdateInput, @Ctx() ctx: AppContext) {
    return ctx.services.customers.update(input);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CustomerPayload, { description: 'Ban permanently: keys stop working, open tickets close, the email and store cannot return.' })
  @Transactional(CustomerPayload, { into: 'customer' })
  customerBan(@Arg('input', () => CustomerBanInput) input: CustomerBanInput, @Ctx() ctx: AppContext) {
    return ctx.services.customers.ban(input);
  }
}
