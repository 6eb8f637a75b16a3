import { ArrayMaxSize, IsOptional, Matches, MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { ConnectionType } from '../../common/connection';
import { Platform, PlatformFlag } from '../platform/platform-rules';
import '../platform/platform.types';
import { SEARCH_MAX_LENGTH } from '../search/search-condition';
import { StaffTeam } from '../staff/staff-member.entity';
import { TicketCategory } from './coverage';
import './coverage.types';
import { TicketMessage } from './ticket-message.entity';
import { Ticket } from './ticket.entity';
import { TicketPriority, TicketStatus } from './ticket.enums';

@InputType({ description: 'Filters for the tickets list. Merchants only ever see their own tickets.' })
export class TicketFilter {
  @Field(() => [TicketStatus], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  statuses?: TicketStatus[] | null;

  @Field(() => [TicketCategory], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  categories?: TicketCategory[] | null;

  @Field(() => [TicketPriority], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(10)
  priorities?: TicketPriority[] | null;

  @Field(() => ID, { nullable: true, description: 'Staff only: tickets of this customer.' })
  @IsOptional()
  customerId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Staff only: tickets assigned to this staff member.' })
  @IsOptional()
  assigneeId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Staff only: true for unassigned tickets.' })
  @IsOptional()
  unassigned?: boolean | null;

  @Field(() => StaffTeam, { nullable: true })
  @IsOptional()
  team?: StaffTeam | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Staff only: true for tickets whose running SLA target (first reply, then resolution) is already past due.',
  })
  @IsOptional()
  overdue?: boolean | null;

  @Field(() => Date, { nullable: true, description: 'Created at or after this instant.' })
  @IsOptional()
  createdAfter?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Created before this instant.' })
  @IsOptional()
  createdBefore?: Date | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Full-text search (English stemming) over the subject, description and messages; staff also match internal notes. ' +
      'Words as typed into a search box: "quoted phrase", or, -word. Ranked with `orderBy: RELEVANCE` (the default with a search).',
  })
  @IsOptional()
  @MaxLength(SEARCH_MAX_LENGTH)
  search?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'true: tickets that missed an SLA target (first reply or resolution late, or a target still open past its budget), as `sla.*.breached` shows; false: the others.',
  })
  @IsOptional()
  breached?: boolean | null;

  @Field(() => [Platform], { nullable: true, description: 'Tickets whose store reported one of these platforms.' })
  @IsOptional()
  @ArrayMaxSize(10)
  platforms?: Platform[] | null;

  @Field(() => [String], { nullable: true, description: 'OpenCart lines of the reported version: 1.5, 2.x, 3.0, 4.x.' })
  @IsOptional()
  @ArrayMaxSize(4)
  @MaxLength(3, { each: true })
  @Matches(/^(1\.5|2\.x|3\.0|4\.x)$/, { each: true, message: 'each OpenCart line must be one of 1.5, 2.x, 3.0, 4.x' })
  opencartLines?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Exact reported OpenCart versions, e.g. 3.0.3.8.' })
  @IsOptional()
  @ArrayMaxSize(20)
  @MaxLength(32, { each: true })
  opencartVersions?: string[] | null;

  @Field(() => [PlatformFlag], { nullable: true, description: 'Tickets carrying any of these flags.' })
  @IsOptional()
  @ArrayMaxSize(10)
  flags?: PlatformFlag[] | null;

  @Field(() => Boolean, { nullable: true, description: 'true: tickets flagged as not written in English; false: the others.' })
  @IsOptional()
  notEnglish?: boolean | null;

  @Field(() => Date, { nullable: true, description: 'Resolved at or after this instant.' })
  @IsOptional()
  resolvedAfter?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Resolved before this instant.' })
  @IsOptional()
  resolvedBefore?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Closed at or after this instant.' })
  @IsOptional()
  closedAfter?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Closed before this instant.' })
  @IsOptional()
  closedBefore?: Date | null;
}

export const TicketConnection = ConnectionType(Ticket, 'Ticket');
export const TicketMessageConnection = ConnectionType(TicketMessage, 'TicketMessage');
