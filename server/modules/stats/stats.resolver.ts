import { DateTime } from 'luxon';
import { Arg, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { inputError } from '../../common/client-errors';
import { Role } from '../viewer/viewer';
import { AT_LIMIT_PAGE, decodeAtLimitCursor, type StatsScope } from './stats.queries';
import { periodCostFactor, statsQueriesFor, statsScope } from './stats.service';
import {
  AllowanceStats,
  Backlog,
  RefundStats,
  ResponseTimes,
  SlaAttainment,
  StatsBucket,
  StatsPeriodInput,
  SupportStats,
  SupportStatsFilter,
  Volume,
} from './stats.types';

/** The root object carries the scope its sections are computed over. */
type SupportStatsRoot = SupportStats & { scope: StatsScope };

@Resolver(() => SupportStats)
export class SupportStatsResolver {
  @Authorized(Role.AGENT)
  @Query(() => SupportStats, {
    description:
      'Staff only: support analytics for dashboards over a period (at most 366 buckets), grouped by day, week or month in the support zone. Each section is computed in the database when asked for; in the query cost, each section counts once per started quarter of the period.',
    complexity: ({ args, childComplexity }) => 1 + childComplexity * periodCostFactor(args.period),
  })
  supportStats(
    @Arg('period', () => StatsPeriodInput) period: StatsPeriodInput,
    @Arg('bucket', () => StatsBucket, { defaultValue: StatsBucket.WEEK }) bucket: StatsBucket,
    @Arg('filter', () => SupportStatsFilter, { nullable: true }) filter: SupportStatsFilter | null,
    @Ctx() ctx: AppContext,
  ): SupportStatsRoot {
    const result = statsScope({ period, bucket, filter, now: ctx.clock(), zone: ctx.calendar.config.zone });
    if (!result.ok) throw inputError(result.message);
    const { scope } = result;
    const zoned = (date: Date) => DateTime.fromJSDate(date, { zone: scope.zone });
    return { period: { from: zoned(scope.from), to: zoned(scope.to), bucket, zone: scope.zone, asOf: zoned(scope.now) }, scope };
  }

  @FieldResolver(() => SlaAttainment, {
    description: 'First reply and resolution targets of the tickets filed in the period: met, breached, running, rate.',
    complexity: 100,
  })
  slaAttainment(@Root() root: SupportStatsRoot, @Ctx() ctx: AppContext) {
    return statsQueriesFor(ctx, root.scope).slaAttainment();
  }

  @FieldResolver(() => ResponseTimes, {
    description: 'First-reply and resolution times, in support minutes, of the tickets filed in the period.',
    complexity: 100,
  })
  responseTimes(@Root() root: SupportStatsRoot, @Ctx() ctx: AppContext) {
    return statsQueriesFor(ctx, root.scope).responseTimes();
  }

  @FieldResolver(() => Backlog, {
    description: 'Tickets not resolved or closed right now, whenever filed (the period does not apply; the filter does).',
    complexity: 100,
  })
  backlog(@Root() root: SupportStatsRoot, @Ctx() ctx: AppContext) {
    return statsQueriesFor(ctx, root.scope).backlog();
  }

  @FieldResolver(() => Volume, {
    description: 'Tickets filed in the period by category, coverage, platform, OpenCart line and version, PHP version and flags.',
    complexity: 100,
  })
  volume(@Root() root: SupportStatsRoot, @Ctx() ctx: AppContext) {
    return statsQueriesFor(ctx, root.scope).volume();
  }

  @FieldResolver(() => AllowanceStats, { description: 'Customers at their ticket limit now, and tickets per customer in the period.', complexity: 100 })
  allowance(
    @Root() root: SupportStatsRoot,
    @Ctx() ctx: AppContext,
    @Arg('atLimitFirst', () => Int, { defaultValue: AT_LIMIT_PAGE, description: `Subscriptions at their limit listed per page (1 to ${AT_LIMIT_PAGE}).` })
    atLimitFirst: number,
    @Arg('atLimitAfter', () => String, { nullable: true, description: "The previous page's `atLimitEndCursor`." }) atLimitAfter: string | null,
  ) {
    if (atLimitFirst < 1 || atLimitFirst > AT_LIMIT_PAGE) throw inputError(`atLimitFirst must be between 1 and ${AT_LIMIT_PAGE}.`);
    const after = atLimitAfter == null ? null : decodeAtLimitCursor(atLimitAfter);
    if (atLimitAfter != null && !after) throw inputError('atLimitAfter is not a cursor this list gave.');
    return statsQueriesFor(ctx, root.scope).allowance({ first: atLimitFirst, after });
  }

  @FieldResolver(() => RefundStats, {
    description: 'Refund requests made in the period by rule and decision, and bans recorded in it by reason.',
    complexity: 100,
  })
  refunds(@Root() root: SupportStatsRoot, @Ctx() ctx: AppContext) {
    return statsQueriesFor(ctx, root.scope).refunds();
  }
}
