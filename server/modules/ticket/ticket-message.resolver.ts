import { Ctx, Field, FieldResolver, ObjectType, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { StaffTeam } from '../staff/staff-member.entity';
import { AuthorKind } from './ticket.enums';
import { TicketMessage } from './ticket-message.entity';

@ObjectType({ description: 'Who wrote a message: merchants see the name and team of the staff who answer them.' })
export class MessageAuthor {
  @Field(() => AuthorKind) kind!: AuthorKind;
  @Field(() => String) displayName!: string;
  @Field(() => StaffTeam, { nullable: true }) team!: StaffTeam | null;
}

@Resolver(() => TicketMessage)
export class TicketMessageResolver {
  @FieldResolver(() => MessageAuthor)
  async author(@Root() message: TicketMessage, @Ctx() ctx: AppContext): Promise<MessageAuthor> {
    if (message.authorKind === AuthorKind.STAFF && message.authorStaff) {
      const staff = await ctx.loaders.staff.load(message.authorStaff.id);
      return { kind: AuthorKind.STAFF, displayName: staff?.name ?? 'Support', team: staff?.team ?? null };
    }
    if (message.authorKind === AuthorKind.CUSTOMER && message.authorCustomer) {
      const customer = await ctx.loaders.customer.load(message.authorCustomer.id);
      return { kind: AuthorKind.CUSTOMER, displayName: customer?.name ?? 'Merchant', team: null };
    }
    return { kind: AuthorKind.SYSTEM, displayName: 'OpenCart Support Desk', team: null };
  }
}
