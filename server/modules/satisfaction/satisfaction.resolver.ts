import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { Transactional } from '../../common/transaction';
import { Ticket } from '../ticket/ticket.entity';
import { Role } from '../viewer/viewer';
import { TicketRateInput, TicketRatePayload, TicketSatisfactionView } from './satisfaction.types';

@Resolver(() => Ticket)
export class SatisfactionResolver {
  @FieldResolver(() => TicketSatisfactionView, { nullable: true, description: "The merchant's rating, once given (shown to the merchant and to staff)." })
  satisfaction(@Root() ticket: Ticket, @Ctx() ctx: AppContext) {
    return ctx.loaders.satisfaction.load(ticket.id);
  }

  @Authorized(Role.CUSTOMER)
  @Mutation(() => TicketRatePayload, {
    description: 'Merchants: rate a resolved or closed ticket of yours, 1 to 5 with an optional comment; it can be changed for 7 days after it is given.',
  })
  @Transactional(TicketRatePayload, { into: 'ticket' })
  ticketRate(@Arg('input', () => TicketRateInput) input: TicketRateInput, @Ctx() ctx: AppContext) {
    return ctx.services.satisfaction.rate(input);
  }
}
