import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../../app/context';
import type { StatsScope } from '../stats/stats.queries';
import { sqlRunner } from '../stats/stats.service';
import { SupportStats } from '../stats/stats.types';
import { SatisfactionStats, satisfactionStats } from './satisfaction-stats';

@Resolver(() => SupportStats)
export class SatisfactionStatsResolver {
  @FieldResolver(() => SatisfactionStats, { description: 'Satisfaction ratings first given in the period (the ticket filter applies).', complexity: 100 })
  satisfaction(@Root() root: { scope: StatsScope }, @Ctx() ctx: AppContext): Promise<SatisfactionStats> {
    return satisfactionStats(sqlRunner(ctx.em, ctx.log), root.scope, ctx.calendar);
  }
}
