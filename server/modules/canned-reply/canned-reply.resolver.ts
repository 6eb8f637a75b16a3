import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { runMutation } from '../../common/mutation';
import { DomainError } from '../../common/user-error';
import { StaffMember } from '../staff/staff-member.entity';
import { Role } from '../viewer/viewer';
import { CannedReply } from './canned-reply.entity';
import { CannedReplyService } from './canned-reply.service';
import {
  CannedReplyCreateInput,
  CannedReplyDeleteInput,
  CannedReplyDeletePayload,
  CannedReplyPayload,
  CannedReplyUpdateInput,
  RenderedCannedReply,
} from './canned-reply.types';

function cannedReplies(ctx: AppContext): CannedReplyService {
  return new CannedReplyService(ctx.em, { viewer: ctx.viewer, now: ctx.clock(), calendar: ctx.calendar });
}

@Resolver(() => CannedReply)
export class CannedReplyResolver {
  @Authorized(Role.AGENT)
  @Query(() => [CannedReply], { description: 'Staff: the shared canned replies and your own, by title (at most 250).' })
  cannedReplies(@Ctx() ctx: AppContext) {
    return cannedReplies(ctx).list();
  }

  @Authorized(Role.AGENT)
  @Query(() => RenderedCannedReply, {
    nullable: true,
    description: 'Staff: a canned reply filled in for a ticket, ready to send with ticketReply; null when the ticket or the reply does not exist or is not yours.',
  })
  async renderCannedReply(
    @Arg('ticketId', () => ID) ticketId: string,
    @Arg('cannedReplyId', () => ID) cannedReplyId: string,
    @Ctx() ctx: AppContext,
  ) {
    try {
      return await cannedReplies(ctx).render(ticketId, cannedReplyId);
    } catch (error) {
      // Like node(id:): an ID that is unknown or not yours answers null.
      if (error instanceof DomainError) return null;
      throw error;
    }
  }

  @FieldResolver(() => StaffMember, { nullable: true, description: 'Who wrote it.' })
  createdBy(@Root() reply: CannedReply, @Ctx() ctx: AppContext) {
    return ctx.loaders.staff.load(reply.createdBy.id);
  }

  @Authorized(Role.AGENT)
  @Mutation(() => CannedReplyPayload, { description: 'Staff: add a canned reply (your own; admins may share it with everyone).' })
  cannedReplyCreate(@Arg('input', () => CannedReplyCreateInput) input: CannedReplyCreateInput, @Ctx() ctx: AppContext) {
    return runMutation(ctx.em, () => new CannedReplyPayload(), async (em) => ({ cannedReply: await cannedReplies({ ...ctx, em }).create(input) }));
  }

  @Authorized(Role.AGENT)
  @Mutation(() => CannedReplyPayload, { description: 'Staff: change your own canned reply (admins: also shared ones).' })
  cannedReplyUpdate(@Arg('input', () => CannedReplyUpdateInput) input: CannedReplyUpdateInput, @Ctx() ctx: AppContext) {
    return runMutation(ctx.em, () => new CannedReplyPayload(), async (em) => ({ cannedReply: await cannedReplies({ ...ctx, em }).update(input) }));
  }

  @Authorized(Role.AGENT)
  @Mutation(() => CannedReplyDeletePayload, { description: 'Staff: delete your own canned reply (admins: also shared ones).' })
  cannedReplyDelete(@Arg('input', () => CannedReplyDeleteInput) input: CannedReplyDeleteInput, @Ctx() ctx: AppContext) {
    return runMutation(ctx.em, () => new CannedReplyDeletePayload(), async (em) => ({
      deletedCannedReplyId: await cannedReplies({ ...ctx, em }).delete(input.cannedReplyId),
    }));
  }
}
