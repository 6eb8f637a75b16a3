import { Length, MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class TicketAccessWaiveInput {
  @Field(() => ID)
  ticketId!: string;

  @Field(() => String, { description: 'Why work can start without store access (recorded in the audit trail).' })
  @Length(5, 2000, { message: 'reason must be 5 to 2000 characters' })
  reason!: string;
}

@InputType()
export class TicketAccessDisabledConfirmInput {
  @Field(() => ID)
  ticketId!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'The admin username that was disabled. When the stored access logs in as another user, it was replaced since: it is kept and the confirmation is refused (INVALID).',
  })
  @MaxLength(255, { message: 'storeAdminUsername must be at most 255 characters' })
  storeAdminUsername?: string | null;
}
