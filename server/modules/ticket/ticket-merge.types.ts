import { IsOptional, MaxLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Notice } from '../../common/notice';
import { UserError } from '../../common/user-error';
import { Ticket } from './ticket.entity';

@InputType()
export class TicketMergeInput {
  @Field(() => ID, { description: 'The duplicate: it is closed and its messages move.' })
  ticketId!: string;

  @Field(() => ID, { description: 'The ticket of the same merchant the conversation continues on.' })
  intoTicketId!: string;

  @Field(() => String, { nullable: true, description: 'Why, for the audit trail.' })
  @IsOptional()
  @MaxLength(2000)
  reason?: string | null;
}

@ObjectType()
export class TicketMergePayload {
  @Field(() => Ticket, { nullable: true, description: 'The ticket merged into, now holding both conversations.' })
  ticket?: Ticket | null;

  @Field(() => Ticket, { nullable: true, description: 'The duplicate, now closed.' })
  mergedTicket?: Ticket | null;

  @Field(() => Int, { nullable: true, description: 'How many messages moved to the ticket merged into.' })
  messagesMoved?: number | null;

  @Field(() => [Notice])
  notices: Notice[] = [];

  @Field(() => [UserError])
  userErrors: UserError[] = [];
}

@ObjectType({ description: 'Where a merged (duplicate) ticket continues.' })
export class TicketMergeInfo {
  @Field(() => Ticket)
  into!: Ticket;

  @Field(() => Date)
  mergedAt!: Date;

  @Field(() => Int)
  messagesMoved!: number;
}
