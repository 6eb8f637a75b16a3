import { IsOptional, Max, MaxLength, Min } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { UserError } from '../../common/user-error';
import { Ticket } from '../ticket/ticket.entity';
import { COMMENT_MAX_CHARACTERS, RATING_CHANGE_DAYS, RATING_MAX, RATING_MIN } from './satisfaction-rules';

@InputType()
export class TicketRateInput {
  @Field(() => ID)
  ticketId!: string;

  @Field(() => Int, { description: `${RATING_MIN} (very unhappy) to ${RATING_MAX} (very happy).` })
  @Min(RATING_MIN, { message: `rating must be ${RATING_MIN} to ${RATING_MAX}` })
  @Max(RATING_MAX, { message: `rating must be ${RATING_MIN} to ${RATING_MAX}` })
  rating!: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(COMMENT_MAX_CHARACTERS, { message: `comment must be at most ${COMMENT_MAX_CHARACTERS} characters` })
  comment?: string | null;
}

@ObjectType({ description: `The merchant's rating of a finished ticket; it can be changed for ${RATING_CHANGE_DAYS} days after it is given.` })
export class TicketSatisfactionView {
  @Field(() => Int, { description: `${RATING_MIN} (very unhappy) to ${RATING_MAX} (very happy).` })
  rating!: number;

  @Field(() => String, { nullable: true })
  comment!: string | null;

  @Field(() => Date, { description: 'When the rating was first given.' })
  ratedAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  @Field(() => Date, { description: 'Until when the merchant may change it.' })
  changeableUntil!: Date;
}

@ObjectType()
export class TicketRatePayload {
  @Field(() => Ticket, { nullable: true })
  ticket?: Ticket | null;

  @Field(() => [UserError])
  userErrors: UserError[] = [];
}
