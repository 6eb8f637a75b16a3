import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { Transactional } from '../../common/transaction';
import { Role } from '../viewer/viewer';
import { TicketMergeInfo, TicketMergeInput, TicketMergePayload } from './ticket-merge.types';
import { Ticket } from './ticket.entity';

@Resolver(() => Ticket)
export class TicketMergeResolver {
  @FieldResolver(() => TicketMergeInfo, { nullable: true, description: 'Set when this ticket was merged into another as a duplicate: where it continues.' })
  async mergedInto(@Root() ticket: Ticket, @Ctx() ctx: AppContext): Promise<TicketMergeInfo | null> {
    if (ticket.status !== 'CLOSED') return null;
    const merge = await ctx.loaders.mergeOf.load(ticket.id);
    if (!merge) return null;
    return { into: merge.target, mergedAt: merge.mergedAt, messagesMoved: merge.messagesMoved };
  }

  @Authorized(Role.AGENT)
  @Mutation(() => TicketMergePayload, {
    description:
      'Staff: merge a duplicate into another open ticket of the same merchant. Its messages and files move, it closes pointing there, and its allowance comes back. Refused (ATTACHMENT_LIMIT_REACHED, nothing changed) when the files of both would exceed what one ticket may carry.',
  })
  @Transactional(TicketMergePayload)
  ticketMerge(@Arg('input', () => TicketMergeInput) input: TicketMergeInput, @Ctx() ctx: AppContext) {
    return ctx.services.merges.merge(input);
  }
}
