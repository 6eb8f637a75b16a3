import { ArrayMaxSize, IsOptional } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { ConnectionType } from '../../common/connection';
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
}

export const TicketConnection = ConnectionType(Ticket, 'Ticket');
export const TicketMessageConnection = ConnectionType(TicketMessage, 'TicketMessage');
