import { IsOptional, Length } from 'class-validator';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { UserError } from '../../common/user-error';
import { CannedReply } from './canned-reply.entity';

/** How many replies may exist: enough for a team's library, bounded so lists stay one page. */
export const CANNED_REPLY_LIMITS = { titleCharacters: 100, bodyCharacters: 5000, personalPerStaff: 50, shared: 200 } as const;

@InputType()
export class CannedReplyCreateInput {
  @Field(() => String)
  @Length(1, CANNED_REPLY_LIMITS.titleCharacters, { message: `title must be 1 to ${CANNED_REPLY_LIMITS.titleCharacters} characters` })
  title!: string;

  @Field(() => String, {
    description: 'Placeholders: {{merchant_name}}, {{merchant_company}}, {{ticket_number}}, {{ticket_subject}}, {{due_at}}, {{agent_name}}.',
  })
  @Length(1, CANNED_REPLY_LIMITS.bodyCharacters, { message: `body must be 1 to ${CANNED_REPLY_LIMITS.bodyCharacters} characters` })
  body!: string;

  @Field(() => Boolean, { defaultValue: false, description: 'Admins only: shared with every staff member. Otherwise the reply is your own.' })
  shared: boolean = false;
}

@InputType()
export class CannedReplyUpdateInput {
  @Field(() => ID)
  cannedReplyId!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, CANNED_REPLY_LIMITS.titleCharacters, { message: `title must be 1 to ${CANNED_REPLY_LIMITS.titleCharacters} characters` })
  title?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, CANNED_REPLY_LIMITS.bodyCharacters, { message: `body must be 1 to ${CANNED_REPLY_LIMITS.bodyCharacters} characters` })
  body?: string | null;
}

@InputType()
export class CannedReplyDeleteInput {
  @Field(() => ID)
  cannedReplyId!: string;
}

@ObjectType()
export class CannedReplyPayload {
  @Field(() => CannedReply, { nullable: true })
  cannedReply?: CannedReply | null;

  @Field(() => [UserError])
  userErrors: UserError[] = [];
}

@ObjectType()
export class CannedReplyDeletePayload {
  @Field(() => ID, { nullable: true, description: 'The ID of the reply that was deleted.' })
  deletedCannedReplyId?: string | null;

  @Field(() => [UserError])
  userErrors: UserError[] = [];
}

@ObjectType({ description: 'A canned reply filled in for one ticket: ready to send, or to edit before sending.' })
export class RenderedCannedReply {
  @Field(() => CannedReply)
  cannedReply!: CannedReply;

  @Field(() => String)
  body!: string;
}
