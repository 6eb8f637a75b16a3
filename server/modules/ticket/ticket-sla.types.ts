import { Field, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../../common/date-time.scalar';

@ObjectType({ description: 'One SLA target (first reply or resolution), counted in support minutes.' })
export class SlaTarget {
  @Field(() => Int, { description: 'The target in support minutes (one support day = the support hours when the ticket was filed: 540 by default).' })
  targetMinutes!: number;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the target falls due; null while the clock is paused or once met.' })
  dueAt!: unknown;

  @Field(() => Int, { description: 'Support minutes left; zero or negative once breached.' })
  remainingMinutes!: number;

  @Field(() => Boolean)
  breached!: boolean;

  @Field(() => Boolean)
  met!: boolean;

  @Field(() => Date, { nullable: true })
  metAt!: Date | null;

  @Field(() => Int, { nullable: true, description: 'Support minutes it took, once met.' })
  minutesTaken!: number | null;
}

@ObjectType({ description: 'Where the ticket stands against its service levels.' })
export class TicketSla {
  @Field(() => Boolean, { description: 'Whether the clock runs now (it pauses while we wait on the merchant).' })
  running!: boolean;

  @Field(() => Boolean, {
    description: 'Premium Support on a supported OpenCart: the first-reply time is guaranteed. Otherwise the targets are best effort.',
  })
  guaranteed!: boolean;

  @Field(() => Int, { description: 'Support minutes used so far.' })
  usedMinutes!: number;

  @Field(() => SlaTarget)
  firstReply!: SlaTarget;

  @Field(() => SlaTarget)
  resolution!: SlaTarget;
}
