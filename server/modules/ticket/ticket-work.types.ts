import { ArrayMaxSize, IsOptional, Length, MaxLength, ValidateNested } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { ATTACHMENT_LIMITS } from '../attachment/attachment-limits';
import { AttachmentInput } from '../attachment/attachment.types';
import { TicketPriority, TicketStatus } from './ticket.enums';

@InputType()
export class TicketReplyInput {
  @Field(() => ID)
  ticketId!: string;

  @Field(() => String)
  @Length(1, 50_000, { message: 'body must be 1 to 50000 characters' })
  body!: string;

  @Field(() => Boolean, { defaultValue: false, description: 'Staff only: an internal note the merchant never sees.' })
  internal: boolean = false;

  @Field(() => TicketStatus, { nullable: true, description: 'Staff only: move the ticket to this status with the reply.' })
  @IsOptional()
  status?: TicketStatus | null;

  @Field(() => [AttachmentInput], {
    nullable: true,
    description:
      'Files sent with the message (the files of an internal note are staff-only too), checked and stored with it in one transaction: a refused file refuses the whole request.',
  })
  @IsOptional()
  @ArrayMaxSize(ATTACHMENT_LIMITS.messageFiles)
  @ValidateNested({ each: true })
  attachments?: AttachmentInput[] | null;
}

@InputType()
export class TicketAssignInput {
  @Field(() => ID)
  ticketId!: string;

  @Field(() => ID, { nullable: true, description: 'The staff member to assign; null to unassign.' })
  @IsOptional()
  assigneeId?: string | null;
}

@InputType()
export class TicketStatusChangeInput {
  @Field(() => ID)
  ticketId!: string;

  @Field(() => TicketStatus)
  status!: TicketStatus;

  @Field(() => String, { nullable: true, description: 'Why, for the audit trail.' })
  @IsOptional()
  @MaxLength(2000)
  reason?: string | null;
}

@InputType()
export class TicketUpdateInput {
  @Field(() => ID)
  ticketId!: string;

  @Field(() => TicketPriority, { nullable: true })
  @IsOptional()
  priority?: TicketPriority | null;

  @Field(() => Boolean, { nullable: true, description: 'Complex tickets get three support days for resolution.' })
  @IsOptional()
  complex?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'The merchant did not provide store/FTP access (decides refunds).' })
  @IsOptional()
  accessWithheld?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'The host or another third party did not cooperate (decides refunds).' })
  @IsOptional()
  thirdPartyBlocked?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Why, for the audit trail.' })
  @IsOptional()
  @MaxLength(2000)
  reason?: string | null;
}

@InputType()
export class TicketIdInput {
  @Field(() => ID)
  ticketId!: string;
}
