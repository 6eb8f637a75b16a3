import DataLoader from 'dataloader';
import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { Transactional } from '../../common/transaction';
import { Role } from '../viewer/viewer';
import { mergesOf } from './ticket-merge';
import type { TicketMerge } from './ticket-merge.entity';
import { TicketMergeInfo, TicketMergeInput, TicketMergePayload } from './ticket-merge.types';
import { Ticket } from './ticket.entity';

// One loader per request (keyed by the request's loaders): a page of tickets asks once.
const mergeLoaders = new WeakMap<object, DataLoader<string, TicketMerge | null>>();
function mergeLoader(ctx: AppContext): DataLoader<string, TicketMerge | null> {
  let loader = mergeLoaders.get(ctx.loaders);
  if (!loader) {
    loader = new DataLoader(async (ids) => {
      const found = await mergesOf(ctx.em, ids);
      return ids.map((id) => found.get(id) ?? null);
    });
    mergeLoaders.set(ctx.loaders, loader);
  }
  return loader;
}

@Resolver(() => Ticket)
export class TicketMergeResolver {
  @FieldResolver(() => TicketMergeInfo, { nullable: true, description: 'Set when this ticket was merged into another as a duplicate: where it continues.' })
  async mergedInto(@Root() ticket: Ticket, @Ctx() ctx: AppContext): Promise<TicketMergeInfo | null> {
    if (ticket.status !== 'CLOSED') return null;
    const merge = await mergeLoader(ctx).load(ticket.id);
    if (!merge) return null;
    const into = await ctx.em.findOneOrFail(Ticket, { id: merge.target.id });
    return { into, mergedAt: merge.mergedAt, messagesMoved: merge.messagesMoved };
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
