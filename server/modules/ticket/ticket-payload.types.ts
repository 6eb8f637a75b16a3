import { Field, ObjectType } from 'type-graphql';
import { Notice } from '../../common/notice';
import { UserError } from '../../common/user-error';
import { TicketMessage } from './ticket-message.entity';
import { Ticket } from './ticket.entity';

@ObjectType()
export class TicketPayload {
  @Field(() => Ticket, { nullable: true })
  ticket?: Ticket | null;

  @Field(() => [Notice])
  notices: Notice[] = [];

  @Field(() => [UserError])
  userErrors: UserError[] = [];
}

@ObjectType()
export class TicketReplyPayload {
  @Field(() => TicketMessage, { nullable: true })
  message?: TicketMessage | null;

  @Field(() => Ticket, { nullable: true })
  ticket?: Ticket | null;

  @Field(() => [Notice])
  notices: Notice[] = [];

  @Field(() => [UserError])
  userErrors: UserError[] = [];
}
