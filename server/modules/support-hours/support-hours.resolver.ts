import { GraphQLError } from 'graphql';
import { Arg, Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { DateTimeScalar } from '../../common/date-time.scalar';
import { assertValidZone } from './support-calendar';

@ObjectType({ description: 'A US federal holiday (or the configured set) on which support is closed.' })
export class Holiday {
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'The holiday itself, YYYY-MM-DD.' }) date!: string;
  @Field(() => String, { description: 'The day support is closed for it, YYYY-MM-DD (a Saturday holiday closes the Friday, a Sunday one the Monday).' })
  observedDate!: string;
}

@ObjectType({ description: 'Whether support is working now, and when that changes.' })
export class SupportHoursStatus {
  @Field(() => Boolean) open!: boolean;
  @Field(() => String, { description: 'The zone the times below are expressed in.' }) zone!: string;
  @Field(() => DateTimeScalar, { description: 'When support next opens (while open: the opening after this one).' }) nextOpensAt!: unknown;
  @Field(() => DateTimeScalar, { description: 'When support next closes (while open: the end of this window).' }) nextClosesAt!: unknown;
  @Field(() => Holiday) nextHoliday!: Holiday;
  @Field(() => String, { description: 'The support hours in words, e.g. "03:00–12:00 America/New_York, Monday to Friday, except US federal holidays".' })
  schedule!: string;
}

@Resolver()
export class SupportHoursResolver {
  @Query(() => SupportHoursStatus, { description: 'Public: is support open now, and when it next opens or closes, in any IANA zone.' })
  supportHours(
    @Arg('zone', () => String, { nullable: true, description: 'An IANA zone such as Europe/Berlin; defaults to the support zone.' }) zone: string | null,
    @Ctx() ctx: AppContext,
  ): SupportHoursStatus {
    const target = zone ?? ctx.calendar.config.zone;
    try {
      assertValidZone(target);
    } catch {
      throw new GraphQLError(`"${target}" is not an IANA time zone (e.g. Europe/Berlin).`, { extensions: { code: 'BAD_USER_INPUT' } });
    }
    const status = ctx.calendar.status(ctx.clock(), target);
    return { ...status, zone: target, schedule: ctx.calendar.describe() };
  }
}
