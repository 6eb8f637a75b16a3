import { ArrayMaxSize, IsOptional, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { ATTACHMENT_LIMITS } from '../attachment/attachment-limits';
import { AttachmentInput } from '../attachment/attachment.types';
import { OpenCartEnvironmentInput } from '../platform/platform.types';
import { TicketAccessInput } from '../vault/vault.types';
import { TicketCategory } from './coverage';
import './coverage.types';
import { TicketPriority } from './ticket.enums';

@InputType()
export class TicketCreateInput {
  @Field(() => ID, { nullable: true, description: 'Staff only: the customer the ticket is for. Merchants file for themselves.' })
  @IsOptional()
  customerId?: string | null;

  @Field(() => String)
  @Length(3, 200, { message: 'subject must be 3 to 200 characters' })
  subject!: string;

  @Field(() => String)
  @Length(10, 50_000, { message: 'description must be 10 to 50000 characters' })
  description!: string;

  @Field(() => TicketCategory)
  category!: TicketCategory;

  @Field(() => TicketPriority, { defaultValue: TicketPriority.NORMAL })
  priority: TicketPriority = TicketPriority.NORMAL;

  @Field(() => OpenCartEnvironmentInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  environment?: OpenCartEnvironmentInput | null;

  @Field(() => TicketAccessInput, {
    nullable: true,
    description:
      'Store-admin and file access, given with the ticket by the merchant (refused from staff, who record a waiver instead): work can start at once. Write-only.',
  })
  @IsOptional()
  access?: TicketAccessInput | null;

  @Field(() => [AttachmentInput], {
    nullable: true,
    description:
      'Files sent with the ticket (screenshots, logs, exports), checked and stored with it in one transaction: a refused file refuses the whole request.',
  })
  @IsOptional()
  @ArrayMaxSize(ATTACHMENT_LIMITS.messageFiles)
  @ValidateNested({ each: true })
  attachments?: AttachmentInput[] | null;

  @Field(() => String, {
    nullable: true,
    description: 'A key unique per submission: retrying with the same key returns the first ticket and uses no more allowance.',
  })
  @IsOptional()
  @MaxLength(100)
  @Matches(/^[A-Za-z0-9._:-]{8,100}$/, { message: 'idempotencyKey must be 8 to 100 letters, digits or . _ : -' })
  idempotencyKey?: string | null;
}
