import { GraphQLError } from 'graphql';
import { Arg, Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { DateTimeScalar } from '../../common/date-time.scalar';
import type { DateTime } from 'luxon';
import { assertValidZone, type SupportCalendar } from './support-calendar';

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
  @Field(() => String, {
    description:
      'The support hours in words, in the asked zone first, e.g. "09:00–18:00 Europe/Berlin (as on 2026-03-09; daylight saving time can move it by an hour), that is 03:00–12:00 America/New_York, Monday to Friday, except US federal holidays".',
  })
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
    return { ...status, zone: target, schedule: scheduleIn(ctx.calendar, target, status.nextClosesAt) };
  }
}

/**
 * The schedule in words in the asked zone, with the support zone's own rule after it. The hours
 * in another zone are those of the current or next window (nextClosesAt's): daylight saving
 * starts on different dates around the world, so they can move by an hour during the year.
 */
export function scheduleIn(calendar: SupportCalendar, zone: string, windowClosesAt: DateTime): string {
  const rule = calendar.describe();
  if (zone === calendar.config.zone) return rule;
  const window = calendar.windowOn(windowClosesAt.setZone(calendar.config.zone).toISODate()!);
  if (!window) return rule;
  const opens = window.opensAt.setZone(zone);
  const closes = window.closesAt.setZone(zone);
  const nextDay = closes.toISODate() !== opens.toISODate() ? ' the next day' : '';
  return `${opens.toFormat('HH:mm')}–${closes.toFormat('HH:mm')}${nextDay} ${zone} (as on ${opens.toISODate()}; daylight saving time can move it by an hour), that is ${rule}`;
}
