import { IsInt, IsOptional, Length, Max, MaxLength, Min } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { PortDecision } from '../platform/platform-rules';
import '../platform/platform.types';
import { TicketCategory } from './coverage';
import './coverage.types';

@InputType()
export class TicketQuoteSetInput {
  @Field(() => ID)
  ticketId!: string;

  @Field(() => Int, { description: 'Price in minor units of the plan currency.' })
  @IsInt()
  @Min(1, { message: 'amount must be positive' })
  @Max(100_000_000)
  amount!: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(5000)
  note?: string | null;
}

@InputType()
export class TicketRespondInput {
  @Field(() => ID)
  ticketId!: string;

  @Field(() => Boolean, { description: 'True to accept, false to decline.' })
  accept!: boolean;
}

@InputType()
export class TicketPortDecideInput {
  @Field(() => ID)
  ticketId!: string;

  @Field(() => PortDecision)
  decision!: PortDecision;

  @Field(() => Int, { nullable: true, description: 'Required with ACCEPT_WITH_SURCHARGE: amount in minor units.' })
  @IsOptional()
  surchargeAmount?: number | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  note?: string | null;
}

@InputType()
export class TicketReclassifyInput {
  @Field(() => ID)
  ticketId!: string;

  @Field(() => TicketCategory, { description: 'The category the work really is; coverage and allowance follow it.' })
  category!: TicketCategory;

  @Field(() => String, { description: 'Why, for the audit trail the merchant also sees.' })
  @Length(5, 2000, { message: 'reason must be 5 to 2000 characters' })
  reason!: string;
}

@InputType()
export class TicketWithdrawInput {
  @Field(() => ID)
  ticketId!: string;

  @Field(() => String, { nullable: true, description: 'Why, for the audit trail (e.g. "Fixed it myself").' })
  @IsOptional()
  @MaxLength(2000)
  reason?: string | null;
}

@InputType()
export class TicketPoorlyCodedModuleSetInput {
  @Field(() => ID)
  ticketId!: string;

  @Field(() => Boolean, { description: 'True to record that a badly/poorly coded module is involved; false to withdraw it.' })
  poorlyCoded!: boolean;

  @Field(() => String, { description: 'Which module and why, for the audit trail the merchant also sees.' })
  @Length(5, 2000, { message: 'reason must be 5 to 2000 characters' })
  reason!: string;
}
