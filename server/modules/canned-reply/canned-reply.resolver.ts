import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { Transactional } from '../../common/transaction';
import { DomainError } from '../../common/user-error';
import { StaffMember } from '../staff/staff-member.entity';
import { Role } from '../viewer/viewer';
import { CannedReply } from './canned-reply.entity';
import {
  CannedReplyCreateInput,
  CannedReplyDeleteInput,
  CannedReplyDeletePayload,
  CannedReplyPayload,
  CannedReplyUpdateInput,
  RenderedCannedReply,
} from './canned-reply.types';

@Resolver(() => CannedReply)
export class CannedReplyResolver {
  @Authorized(Role.AGENT)
  @Query(() => [CannedReply], { description: 'Staff: the shared canned replies and your own, by title (at most 250).' })
  cannedReplies(@Ctx() ctx: AppContext) {
    return ctx.services.cannedReplies.list();
  }

  @Authorized(Role.AGENT)
  @Query(() => RenderedCannedReply, {
    nullable: true,
    description:
      'Staff: a canned reply filled in for a ticket, ready to send with ticketReply; null when the ticket or the reply does not exist or is not yours.',
  })
  async renderCannedReply(@Arg('ticketId', () => ID) ticketId: string, @Arg('cannedReplyId', () => ID) cannedReplyId: string, @Ctx() ctx: AppContext) {
    try {
      return await ctx.services.cannedReplies.render(ticketId, cannedReplyId);
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
  @Transactional(CannedReplyPayload, { into: 'cannedReply' })
  cannedReplyCreate(@Arg('input', () => CannedReplyCreateInput) input: CannedReplyCreateInput, @Ctx() ctx: AppContext) {
    return ctx.services.cannedReplies.create(input);
  }

  @Authorized(Role.AGENT)
  @Mutation(() => CannedReplyPayload, { description: 'Staff: change your own canned reply (admins: also shared ones).' })
  @Transactional(CannedReplyPayload, { into: 'cannedReply' })
  cannedReplyUpdate(@Arg('input', () => CannedReplyUpdateInput) input: CannedReplyUpdateInput, @Ctx() ctx: AppContext) {
    return ctx.services.cannedReplies.update(input);
  }

  @Authorized(Role.AGENT)
  @Mutation(() => CannedReplyDeletePayload, { description: 'Staff: delete your own canned reply (admins: also shared ones).' })
  @Transactional(CannedReplyDeletePayload, { into: 'deletedCannedReplyId' })
  cannedReplyDelete(@Arg('input', () => CannedReplyDeleteInput) input: CannedReplyDeleteInput, @Ctx() ctx: AppContext) {
    return ctx.services.cannedReplies.delete(input.cannedReplyId);
  }
}
