import { DateTime } from 'luxon';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../../common/date-time.scalar';
import { sql } from '../stats/sql';
import { type RunSql, StatsQueries, type StatsScope } from '../stats/stats.queries';
import { StatsCount } from '../stats/stats.types';
import type { SupportCalendar } from '../support-hours/support-calendar';

@ObjectType({ description: 'Ratings given in one bucket (a day, week or month in the support zone).' })
export class SatisfactionBucket {
  @Field(() => DateTimeScalar) bucketStart!: unknown;
  @Field(() => Int) rated!: number;
  @Field(() => Float, { nullable: true, description: 'Mean rating (1–5); null without ratings.' }) average!: number | null;
}

@ObjectType({ description: "Merchants' ratings of their finished tickets (1–5), counted by when they were first given." })
export class SatisfactionStats {
  @Field(() => Int, { description: 'Ratings first given in the period, for tickets matching the filter.' }) rated!: number;
  @Field(() => Float, { nullable: true, description: 'Their mean (1–5), by their current value; null without ratings.' }) average!: number | null;
  @Field(() => Int, { description: 'Of them, those with a comment.' }) withComment!: number;
  @Field(() => [StatsCount], { description: 'By rating (key: 1 to 5; every rating listed, 0 when none).' }) byRating!: StatsCount[];
  @Field(() => [SatisfactionBucket], { description: 'By the bucket the rating was first given in; buckets without ratings are left out.' })
  byBucket!: SatisfactionBucket[];
}

const mean = (sum: number, n: number) => (n === 0 ? null : Math.round((sum / n) * 100) / 100);

/** supportStats.satisfaction: the ratings first given in the scope's period, for the tickets its filter matches. */
export async function satisfactionStats(run: RunSql, scope: StatsScope, calendar: SupportCalendar): Promise<SatisfactionStats> {
  const tickets = new StatsQueries(run, scope, calendar);
  // One row per bucket and rating, counted by PostgreSQL; the ticket filter reads the tickets' fact rows (f).
  const rows = await run(sql`
    select extract(epoch from ${tickets.bucketOf('r.created_at')}) as bucket_epoch, r.rating, count(*)::int as n,
           count(*) filter (where r.comment is not null)::int as with_comment
      from ticket_satisfaction r join ticket_stats_fact f on f.ticket_id = r.ticket_id
     where r.created_at >= ${scope.from}::timestamptz and r.created_at < ${scope.to}::timestamptz and ${tickets.ticketWhere(false)}
     group by 1, 2 order by 1, 2`);
  const byRating = new Map<number, number>();
  const byBucket = new Map<number, { n: number; sum: number }>();
  let withComment = 0;
  for (const row of rows) {
    const rating = Number(row.rating);
    const n = Number(row.n);
    byRating.set(rating, (byRating.get(rating) ?? 0) + n);
    const bucket = byBucket.get(Number(row.bucket_epoch)) ?? { n: 0, sum: 0 };
    bucket.n += n;
    bucket.sum += rating * n;
    byBucket.set(Number(row.bucket_epoch), bucket);
    withComment += Number(row.with_comment);
  }
  const rated = [...byRating.values()].reduce((a, b) => a + b, 0);
  const sum = [...byRating].reduce((total, [rating, n]) => total + rating * n, 0);
  return {
    rated,
    average: mean(sum, rated),
    withComment,
    byRating: [1, 2, 3, 4, 5].map((rating) => ({ key: String(rating), label: String(rating), count: byRating.get(rating) ?? 0 })),
    byBucket: [...byBucket].map(([epoch, b]) => ({ bucketStart: DateTime.fromSeconds(epoch, { zone: scope.zone }), rated: b.n, average: mean(b.sum, b.n) })),
  };
}
