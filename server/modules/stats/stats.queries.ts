import { DateTime } from 'luxon';
import { toGlobalId } from '../../common/global-id';
import { Money } from '../../common/money';
import type { SupportCalendar } from '../support-hours/support-calendar';
import { CONTRACT_ZONE } from '../subscription/subscription.service';
import { join, raw, sql, type Sql } from './sql';
import {
  StatsBucket,
  type AllowanceStats,
  type Backlog,
  type DurationSummary,
  type RefundStats,
  type ResponseTimes,
  type SlaAttainment,
  type SlaCounts,
  type SlaTargetStats,
  type StatsCount,
  type Volume,
} from './stats.types';

/** Runs one statement and returns its rows; the caller chooses the connection (primary or replica). */
export type RunSql = (statement: Sql) => Promise<Record<string, unknown>[]>;

/** What every section is computed over; ids are database ids (already decoded). */
export interface StatsScope {
  from: Date;
  to: Date;
  bucket: StatsBucket;
  /** The support zone: days, weeks and months are cut there. */
  zone: string;
  now: Date;
  filter: {
    team?: string | null;
    assigneeId?: string | null;
    category?: string | null;
    planKind?: string | null;
    platform?: string | null;
    opencartLine?: string | null;
  };
}

const UNIT: Record<StatsBucket, string> = { [StatsBucket.DAY]: 'day', [StatsBucket.WEEK]: 'week', [StatsBucket.MONTH]: 'month' };

/** The zone the per-day roll-ups cut days in (migration stats_daily_rollups: stats_rollup_day). */
export const ROLLUP_ZONE = 'America/New_York';

/** The whole support days of a period, read from the per-day roll-ups; the partial days at its ends come from the fact rows. */
interface RollupSpan {
  /** First whole day and the day after the last one, as dates in the support zone. */
  fromDay: string;
  toDay: string;
  /** The same as instants (local midnights). */
  from: Date;
  to: Date;
}

/** Each grouping's key over a fact row `f`, the same expressions as ticket_stats_cells (migration stats_daily_rollups). */
const CELL_KEYS: Record<string, string> = {
  total: `''`,
  assignee: `coalesce(f.assignee_id::text, '')`,
  team: 'f.team::text',
  category: 'f.category::text',
  plan_kind: 'f.plan_kind::text',
  guarantee: `(case when f.sla_guaranteed then 'GUARANTEED' else 'BEST_EFFORT' end)`,
  coverage: 'f.coverage::text',
  platform: 'f.platform',
  line: `coalesce(f.opencart_line, 'UNKNOWN')`,
  version: `coalesce(f.opencart_version, 'UNKNOWN')`,
  php: `coalesce(f.php_version, 'UNKNOWN')`,
};

/** Groupings of the per-day roll-up (ticket_stats_cells in migration stats_daily_rollups). */
const SLA_DIMENSIONS = ['total', 'assignee', 'team', 'category', 'plan_kind', 'guarantee'];
const VOLUME_DIMENSIONS = ['total', 'category', 'coverage', 'platform', 'line', 'version', 'php', 'flag'];

/**
 * Where a target stands, with the same rule as the ticket's `sla` view: met when reached with
 * budget left; breached when reached late, or when the budget is used up (a paused clock's banked
 * minutes, or a running clock's stored due time passed); otherwise running while the ticket is
 * not finished. A ticket closed without reaching it (withdrawn, denied) is in none. The fact row
 * holds the part settled whatever the time (`…_settled`) and a running clock's due time; only the
 * comparison with now is left for the query.
 */
function targetState(settled: string, dueAt: string, finished: string, now: Date): Sql {
  return sql`coalesce(${raw(settled)}, (case when ${raw(dueAt)} <= ${now}::timestamptz then 'BREACHED' when ${raw(finished)} then null else 'RUNNING' end))`;
}

export class StatsQueries {
  constructor(
    private readonly run: RunSql,
    private readonly scope: StatsScope,
    private readonly calendar: SupportCalendar,
  ) {}

  bucketOf(column: string): Sql {
    return sql`(date_trunc(${UNIT[this.scope.bucket]}, ${raw(column)} at time zone ${this.scope.zone}) at time zone ${this.scope.zone})`;
  }

  /** Zoned DateTimes cost a time-zone lookup each; many rows share a bucket (refunds: one per rule and decision). */
  private readonly bucketStarts = new Map<number, DateTime>();

  /** A bucket's start from its epoch seconds (selected as `bucket_epoch`: the driver may give timestamps as text). */
  private bucketStart(epochSeconds: unknown): DateTime {
    const seconds = Number(epochSeconds);
    let start = this.bucketStarts.get(seconds);
    if (!start) {
      start = DateTime.fromSeconds(seconds, { zone: this.scope.zone });
      this.bucketStarts.set(seconds, start);
    }
    return start;
  }

  /**
   * The filter over the tickets' fact rows `f` (ticket_stats_fact, kept by triggers from the
   * tickets); with `period`, only those filed in it.
   */
  ticketWhere(period: boolean): Sql {
    const f = this.scope.filter;
    const parts: Sql[] = [];
    if (period) parts.push(sql`f.created_at >= ${this.scope.from}::timestamptz and f.created_at < ${this.scope.to}::timestamptz`);
    if (f.team) parts.push(sql`f.team = ${f.team}::staff_team`);
    if (f.assigneeId) parts.push(sql`f.assignee_id = ${f.assigneeId}::uuid`);
    if (f.category) parts.push(sql`f.category = ${f.category}::ticket_category`);
    if (f.planKind) parts.push(sql`f.plan_kind = ${f.planKind}::plan_kind`);
    if (f.platform) parts.push(sql`f.platform = ${f.platform}`);
    if (f.opencartLine) parts.push(sql`f.opencart_line = ${f.opencartLine}`);
    return join(parts, ' and ', 'true');
  }

  /**
   * The whole days the roll-ups answer for: none with a filter (the roll-ups are per grouping,
   * not per combination: the fact rows answer exactly, through the period's index), with a
   * support zone other than the roll-ups', or when the period holds no whole day.
   */
  rollupSpan(): RollupSpan | null {
    const { filter, zone } = this.scope;
    if (zone !== ROLLUP_ZONE || Object.values(filter).some((value) => value != null)) return null;
    const from = DateTime.fromJSDate(this.scope.from, { zone });
    const to = DateTime.fromJSDate(this.scope.to, { zone });
    const firstDay = from.equals(from.startOf('day')) ? from : from.startOf('day').plus({ days: 1 });
    const endDay = to.startOf('day');
    if (firstDay >= endDay) return null;
    return { fromDay: firstDay.toISODate()!, toDay: endDay.toISODate()!, from: firstDay.toJSDate(), to: endDay.toJSDate() };
  }

  /** The fact rows of the period that the roll-ups do not hold: all of them, or the partial days at the ends. */
  private factRanges(span: RollupSpan | null): Sql[] {
    if (!span) return [this.ticketWhere(true)];
    const ranges: Sql[] = [];
    if (this.scope.from < span.from) ranges.push(sql`f.created_at >= ${this.scope.from}::timestamptz and f.created_at < ${span.from}::timestamptz`);
    if (span.to < this.scope.to) ranges.push(sql`f.created_at >= ${span.to}::timestamptz and f.created_at < ${this.scope.to}::timestamptz`);
    return ranges;
  }

  /** A roll-up day's bucket (the day is a date in the support zone: its midnight starts it). */
  private dayBucket(column: string): Sql {
    return sql`(date_trunc(${UNIT[this.scope.bucket]}, ${raw(column)}::timestamp) at time zone ${this.scope.zone})`;
  }

  /**
   * Tickets filed in the period and their SLA targets' states per grouping (dimension, key), over
   * the whole period and, for \`total\`, per bucket: sums of the per-day roll-ups for whole days
   * plus the fact rows of the partial days (or, with a filter, of every day), and of the whole
   * days' tickets whose targets are not settled yet (their state depends on now; the roll-ups
   * count only settled ones).
   */
  private async periodCells(dimensions: string[], options: { sla: boolean; buckets: boolean }): Promise<Record<string, unknown>[]> {
    const now = this.scope.now;
    const span = this.rollupSpan();
    const frState = targetState('f.first_reply_settled', 'f.first_reply_due_at', `f.status in ('RESOLVED', 'CLOSED')`, now);
    const resState = targetState('f.resolution_settled', 'f.resolution_due_at', `f.status = 'CLOSED'`, now);
    // Each grouping's key as the roll-up writes it (ticket_stats_cells in migration stats_daily_rollups).
    const keyed = dimensions.filter((dimension) => dimension !== 'flag');
    const keys = sql`${join(
      keyed.map((dimension) => sql`${raw(CELL_KEYS[dimension]!)} as k_${raw(dimension)}`),
      ', ',
    )}, f.platform_flags, f.not_english`;
    const states = options.sla ? sql`${frState} as fr, ${resState} as res` : sql`null::text as fr, null::text as res`;
    // The bucket is cut once per fact row.
    const bucket = options.buckets ? this.bucketOf('f.created_at') : sql`null::timestamptz`;
    const parts = this.factRanges(span).map(
      (where) => sql`select ${keys}, ${bucket} as bucket, 1 as counted, ${states} from ticket_stats_fact f where ${where}`,
    );
    if (span && options.sla) {
      // ticket_stats_fact_unsettled_index: the same predicate.
      parts.push(sql`select ${keys}, ${bucket} as bucket, 0 as counted,
               (case when f.first_reply_settled is null then ${frState} end) as fr, (case when f.resolution_settled is null then ${resState} end) as res
          from ticket_stats_fact f
         where f.created_at >= ${span.from}::timestamptz and f.created_at < ${span.to}::timestamptz
           and ((f.first_reply_settled is null and f.status not in ('RESOLVED', 'CLOSED')) or (f.resolution_settled is null and f.status <> 'CLOSED'))`);
    }
    const sums = sql`sum(f.counted) as tickets,
               count(*) filter (where f.fr = 'MET') as fr_met, count(*) filter (where f.fr = 'BREACHED') as fr_breached,
               count(*) filter (where f.fr = 'RUNNING') as fr_running, count(*) filter (where f.res = 'MET') as res_met,
               count(*) filter (where f.res = 'BREACHED') as res_breached, count(*) filter (where f.res = 'RUNNING') as res_running`;
    const cells: Sql[] = [];
    if (parts.length > 0) {
      // One pass for every grouping (grouping sets; the bucket only for the total), one more for the flags.
      const which = (pick: (dimension: string) => Sql) =>
        join(
          keyed.map((dimension) => sql`when grouping(${raw(dimension === 'total' ? 'f.bucket' : `f.k_${dimension}`)}) = 0 then ${pick(dimension)}`),
          ' ',
        );
      cells.push(sql`
        select (case when grouping(f.bucket) = 0 then f.bucket end), (case ${which((dimension) => sql`${dimension}`)} end),
               (case ${which((dimension) => raw(dimension === 'total' ? `''` : `f.k_${dimension}`))} end), ${sums}
          from facts f
         group by grouping sets (${join(
           keyed.map((dimension) => raw(dimension === 'total' ? '(f.bucket)' : `(f.k_${dimension})`)),
           ', ',
         )})`);
      if (dimensions.includes('flag')) {
        cells.push(sql`select null::timestamptz, 'flag', flag::text, ${sums} from facts f cross join unnest(f.platform_flags) as flag group by flag`);
        cells.push(sql`select null::timestamptz, 'flag', 'NOT_ENGLISH', ${sums} from facts f where f.not_english having count(*) > 0`);
      }
    }
    if (span) {
      // Only the total is cut into buckets.
      const dayBucket = options.buckets ? sql`(case when d.dimension = 'total' then ${this.dayBucket('d.day')} end)` : sql`null::timestamptz`;
      cells.push(sql`
        select ${dayBucket} as bucket, d.dimension, d.key, sum(d.tickets),
               sum(d.first_reply_met), sum(d.first_reply_breached), 0, sum(d.resolution_met), sum(d.resolution_breached), 0
          from ticket_stats_daily d
         where d.day >= ${span.fromDay}::date and d.day < ${span.toDay}::date and d.dimension = any(${dimensions}::text[])
         group by 1, 2, 3`);
    }
    if (cells.length === 0) return [];
    return this.run(sql`
      with facts as (${parts.length > 0 ? join(parts, ' union all ') : sql`select null`}),
      cells (bucket, dimension, key, tickets, fr_met, fr_breached, fr_running, res_met, res_breached, res_running) as (${join(cells, ' union all ')}),
      grouped as (
        select c.dimension, c.key, grouping(c.bucket) = 0 as by_bucket, extract(epoch from c.bucket)::float8 as bucket_epoch, sum(c.tickets)::int as tickets,
               sum(c.fr_met)::int as fr_met, sum(c.fr_breached)::int as fr_breached, sum(c.fr_running)::int as fr_running,
               sum(c.res_met)::int as res_met, sum(c.res_breached)::int as res_breached, sum(c.res_running)::int as res_running
          from cells c
         group by grouping sets ((c.dimension, c.key), (c.dimension, c.key, c.bucket))
        having (grouping(c.bucket) = 1 or (c.dimension = 'total' and ${options.buckets})) and sum(c.tickets) > 0
      )
      select g.*, sm.name as assignee_name
        from grouped g left join staff_member sm on sm.id = (case when g.dimension = 'assignee' and g.key <> '' then g.key::uuid end)`);
  }

  async slaAttainment(): Promise<SlaAttainment> {
    const rows = await this.periodCells(SLA_DIMENSIONS, { sla: true, buckets: true });
    const of = (dimension: string) => rows.filter((row) => row.dimension === dimension && !row.by_bucket);
    const target = (prefix: 'fr' | 'res'): SlaTargetStats => {
      const counts = (row: Record<string, unknown>): SlaCounts =>
        rate(Number(row[`${prefix}_met`]), Number(row[`${prefix}_breached`]), Number(row[`${prefix}_running`]));
      const groups = (dimension: string, label?: (row: Record<string, unknown>) => string) =>
        of(dimension)
          .map((row) => ({ key: String(row.key), label: (label ?? ((r) => String(r.key)))(row), ...counts(row) }))
          .sort((a, b) => a.key.localeCompare(b.key));
      const total = of('total')[0];
      return {
        total: total ? counts(total) : rate(0, 0, 0),
        byBucket: rows
          .filter((row) => row.dimension === 'total' && row.by_bucket)
          .sort((a, b) => Number(a.bucket_epoch) - Number(b.bucket_epoch))
          .map((row) => ({ bucketStart: this.bucketStart(row.bucket_epoch), ...counts(row) })),
        byAssignee: of('assignee')
          .map((row) => ({ key: staffKey(row.key), label: (row.assignee_name as string | null) ?? 'Unassigned', ...counts(row) }))
          .sort((a, b) => a.key.localeCompare(b.key)),
        byTeam: groups('team'),
        byCategory: groups('category'),
        byPlanKind: groups('plan_kind'),
        byGuarantee: groups('guarantee'),
      };
    };
    return { firstReply: target('fr'), resolution: target('res') };
  }

  async responseTimes(): Promise<ResponseTimes> {
    const span = this.rollupSpan();
    const unit = UNIT[this.scope.bucket];
    const zone = this.scope.zone;
    // How many tickets took each number of minutes, per bucket and target: whole days from their
    // per-day counts (ticket_stats_minutes, grouped into buckets before any zone conversion), the
    // partial days (or, with a filter, every day) from the fact rows.
    const counts: Sql[] = [];
    const present: Sql[] = [];
    if (span) {
      const days = sql`m.day >= ${span.fromDay}::date and m.day < ${span.toDay}::date`;
      counts.push(sql`select (d.local_bucket at time zone ${zone}), d.target, d.v, d.n from (
        select date_trunc(${unit}, m.day::timestamp) as local_bucket, (m.target = 'resolution')::int as target, m.minutes as v, sum(m.tickets) as n
          from ticket_stats_minutes m where m.target in ('first_reply', 'resolution') and ${days} group by 1, 2, 3) d`);
      present.push(sql`select (date_trunc(${unit}, m.day::timestamp) at time zone ${zone}) from ticket_stats_daily m
                        where ${days} and m.dimension = 'total' and m.key = '' and m.tickets > 0 group by 1`);
    }
    for (const where of this.factRanges(span)) {
      counts.push(sql`select ${this.bucketOf('f.created_at')}, t.target, t.v, count(*) from ticket_stats_fact f
                       cross join lateral (values (0, f.first_reply_minutes), (1, f.resolution_minutes)) as t(target, v)
                       where ${where} and t.v is not null group by 1, 2, 3`);
      present.push(sql`select ${this.bucketOf('f.created_at')} from ticket_stats_fact f where ${where} group by 1`);
    }
    // percentile_cont from the counts: the value at a rank is the smallest whose running count
    // passes it; between the values at floor and ceil of p × (n - 1) it interpolates as
    // percentile_cont does, in the same float8 steps, so the figures equal a sort of every value.
    const at = (p: number, edge: 'floor' | 'ceil') => sql`min(r.v) filter (where r.cum > ${raw(edge)}(${p}::float8 * (r.total - 1)))`;
    const percentile = (p: number) =>
      sql`(${at(p, 'floor')} + (${at(p, 'ceil')} - ${at(p, 'floor')}) * (${p}::float8 * (max(r.total) - 1) - floor(${p}::float8 * (max(r.total) - 1))))`;
    const rows = await this.run(sql`
      -- target: 0 first reply, 1 resolution (integers sort faster than text in the windows below).
      with counts (bucket, target, v, n) as (${join(counts, ' union all ')}),
      both_sets as (
        select grouping(bucket) = 0 as by_bucket, bucket, target, v::float8 as v, sum(n) as n
          from counts group by grouping sets ((bucket, target, v), (target, v)) having sum(n) > 0
      ),
      r as (
        select by_bucket, bucket, target, v, sum(n) over (running rows between unbounded preceding and current row) as cum,
               (sum(n) over (running rows between unbounded preceding and unbounded following))::float8 as total
          from both_sets
        window running as (partition by by_bucket, bucket, target order by v)
      ),
      summary as (
        select r.by_bucket, r.bucket, r.target, max(r.total)::int as n, ${percentile(0.5)} as median, ${percentile(0.9)} as p90
          from r group by 1, 2, 3
      ),
      buckets as (
        select true as by_bucket, bucket from (${join(present, ' union ')}) as p(bucket)
        union all select false, null::timestamptz
      )
      select b.by_bucket, extract(epoch from b.bucket)::float8 as bucket_epoch,
             coalesce(fr.n, 0) as fr_count, fr.median as fr_median, fr.p90 as fr_p90,
             coalesce(res.n, 0) as res_count, res.median as res_median, res.p90 as res_p90
        from buckets b
        left join summary fr on fr.target = 0 and fr.by_bucket = b.by_bucket and coalesce(fr.bucket, '-infinity') = coalesce(b.bucket, '-infinity')
        left join summary res on res.target = 1 and res.by_bucket = b.by_bucket and coalesce(res.bucket, '-infinity') = coalesce(b.bucket, '-infinity')`);
    const summary = (row: Record<string, unknown> | undefined, prefix: 'fr' | 'res'): DurationSummary => ({
      count: row ? Number(row[`${prefix}_count`]) : 0,
      median: row?.[`${prefix}_median`] == null ? null : Number(row[`${prefix}_median`]),
      p90: row?.[`${prefix}_p90`] == null ? null : Number(row[`${prefix}_p90`]),
    });
    const total = rows.find((row) => !row.by_bucket);
    return {
      firstReply: summary(total, 'fr'),
      resolution: summary(total, 'res'),
      byBucket: rows
        .filter((row) => row.by_bucket)
        .sort((a, b) => Number(a.bucket_epoch) - Number(b.bucket_epoch))
        .map((row) => ({ bucketStart: this.bucketStart(row.bucket_epoch), firstReply: summary(row, 'fr'), resolution: summary(row, 'res') })),
    };
  }

  /**
   * The instants N support days before now, for the age groups: a ticket filed after the
   * instant for N is younger than N support days. Computed on the support calendar once per
   * request (a handful of instants), so the statement compares created_at with constants.
   */
  private ageThresholds(): { label: string; after: Date | null }[] {
    const nowMs = this.scope.now.getTime();
    const day = this.calendar.supportDayMinutes;
    const before = (days: number): Date => {
      // Support minutes since `t` only grow as `t` goes back: search the latest `t` with enough of them.
      const needed = days * day;
      let lo = nowMs - (days * 7 + 60) * 86_400_000;
      let hi = nowMs;
      while (this.calendar.supportMinutesBetweenMs(lo, nowMs) < needed) lo -= 365 * 86_400_000;
      while (hi - lo > 1000) {
        const mid = Math.floor((lo + hi) / 2);
        if (this.calendar.supportMinutesBetweenMs(mid, nowMs) >= needed) lo = mid;
        else hi = mid;
      }
      return new Date(lo);
    };
    return [
      { label: '0-1', after: before(1) },
      { label: '1-2', after: before(2) },
      { label: '2-3', after: before(3) },
      { label: '3-5', after: before(5) },
      { label: '5-10', after: before(10) },
      { label: '10+', after: null },
    ];
  }

  async backlog(): Promise<Backlog> {
    const ages = this.ageThresholds();
    const ageCase = join(
      ages.map((age) => (age.after ? sql`when f.created_at > ${age.after}::timestamptz then ${age.label}` : sql`else ${age.label}`)),
      ' ',
    );
    const rows = await this.run(sql`
      with base as (
        -- ticket_stats_fact_backlog_index: the unfinished tickets only, what the ticket waits for derived by the trigger.
        select f.status::text as status, f.team::text as team, f.assignee_id, (case ${ageCase} end) as age, f.waiting
          from ticket_stats_fact f
         where f.status not in ('RESOLVED', 'CLOSED') and ${this.ticketWhere(false)}
      ), grouped as (
        select grouping(status) = 0 as by_status, grouping(team) = 0 as by_team, grouping(assignee_id) = 0 as by_assignee,
               grouping(age) = 0 as by_age, grouping(waiting) = 0 as by_waiting,
               status, team, assignee_id, age, waiting, count(*)::int as count
          from base
         group by grouping sets ((), (status), (team), (assignee_id), (age), (waiting))
      )
      select g.*, sm.name as assignee_name from grouped g left join staff_member sm on sm.id = g.assignee_id`);
    const groups = (flag: string, key: (row: Record<string, unknown>) => string, label?: (row: Record<string, unknown>) => string): StatsCount[] =>
      rows
        .filter((row) => row[flag])
        .map((row) => ({ key: key(row), label: (label ?? key)(row), count: Number(row.count) }))
        .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
    const total = rows.find((row) => !row.by_status && !row.by_team && !row.by_assignee && !row.by_age && !row.by_waiting);
    const ageOrder = ages.map((age) => age.label);
    return {
      total: total ? Number(total.count) : 0,
      byStatus: groups('by_status', (row) => String(row.status)),
      byTeam: groups('by_team', (row) => String(row.team)),
      byAssignee: groups(
        'by_assignee',
        (row) => staffKey(row.assignee_id),
        (row) => (row.assignee_name as string | null) ?? 'Unassigned',
      ),
      byAge: groups('by_age', (row) => String(row.age)).sort((a, b) => ageOrder.indexOf(a.key) - ageOrder.indexOf(b.key)),
      byWaitingReason: groups('by_waiting', (row) => String(row.waiting)),
    };
  }

  async volume(): Promise<Volume> {
    const rows = await this.periodCells(VOLUME_DIMENSIONS, { sla: false, buckets: false });
    const groups = (dimension: string): StatsCount[] =>
      rows
        .filter((row) => row.dimension === dimension)
        .map((row) => ({ key: String(row.key), label: String(row.key), count: Number(row.tickets) }))
        .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
    return {
      total: Number(rows.find((row) => row.dimension === 'total')?.tickets ?? 0),
      byCategory: groups('category'),
      byCoverage: groups('coverage'),
      byPlatform: groups('platform'),
      byOpencartLine: groups('line'),
      byOpencartVersion: groups('version'),
      byPhpVersion: groups('php'),
      byFlag: groups('flag'),
    };
  }

  async allowance(page: { first: number; after: AtLimitCursor | null } = { first: AT_LIMIT_PAGE, after: null }): Promise<AllowanceStats> {
    const planKind = this.scope.filter.planKind;
    const now = this.scope.now;
    const after = page.after;
    // The windows open now (allowance_usage: tickets counted per Premium month or one-time purchase by
    // triggers, with the window's bounds in the contract zone as billing-period.ts cuts them), at or
    // over their plan's allowance (kept beside the count: allowance_usage_at_limit_index holds only
    // those windows); a Premium month past the contract's last one is not a window.
    const limits = await this.run(sql`
      with at_limit as materialized (
        select s.id, s.customer_id, p.kind::text as kind, p.ticket_allowance, u.used, c.name
          from allowance_usage u
          join subscription s on s.id = u.subscription_id
          join plan p on p.id = s.plan_id
          join customer c on c.id = s.customer_id
         where u.window_end > (${now}::timestamptz at time zone ${CONTRACT_ZONE}) and u.window_start <= (${now}::timestamptz at time zone ${CONTRACT_ZONE})
           and u.window_index < s.months and u.at_limit and s.status = 'ACTIVE' and s.contract_start <= ${now}::timestamptz
           and (${planKind ?? null}::plan_kind is null or p.kind = ${planKind ?? null}::plan_kind)
      )
      select a.*, (select count(*) from at_limit)::int as at_limit
        from (select 1) one
        left join lateral (
          select * from at_limit
           where ${after ? sql`(used < ${after.used} or (used = ${after.used} and (name, id) > (${after.name}, ${after.id}::uuid)))` : sql`true`}
           order by used desc, name, id
           limit ${page.first + 1}) a on true`);
    const listed = limits.filter((row) => row.id != null);
    const more = listed.length > page.first;
    const shown = listed.slice(0, page.first);
    const last = shown.at(-1);
    const perCustomer = await this.run(sql`
      with per as (select f.customer_id, count(*)::int as n from ticket_stats_fact f where ${this.ticketWhere(true)} group by f.customer_id)
      select n as tickets, count(*)::int as customers from per group by n order by n`);
    return {
      atLimitCount: Number(limits[0]?.at_limit ?? 0),
      atLimitEndCursor: more && last ? encodeAtLimitCursor({ used: Number(last.used), name: String(last.name), id: String(last.id) }) : null,
      atLimit: shown.map((row) => ({
        customerId: toGlobalId('Customer', String(row.customer_id)),
        name: String(row.name),
        subscriptionId: toGlobalId('Subscription', String(row.id)),
        planKind: row.kind as never,
        used: Number(row.used),
        limit: Number(row.ticket_allowance),
      })),
      ticketsPerCustomer: perCustomer.map((row) => ({ tickets: Number(row.tickets), customers: Number(row.customers) })),
    };
  }

  async refunds(): Promise<RefundStats> {
    const planKind = this.scope.filter.planKind ?? null;
    const rows = await this.run(sql`
      with base as (
        select ${this.bucketOf('r.created_at')} as bucket, r.rule::text as rule, r.status::text as decision, r.currency, r.amount
          from refund r
         where r.created_at >= ${this.scope.from}::timestamptz and r.created_at < ${this.scope.to}::timestamptz
           and (${planKind}::plan_kind is null or r.subscription_id in (select s.id from subscription s join plan p on p.id = s.plan_id where p.kind = ${planKind}::plan_kind))
      )
      select extract(epoch from bucket)::float8 as bucket_epoch, rule, decision, currency, count(*)::int as count, sum(amount)::bigint as amount
        from base group by bucket, rule, decision, currency order by bucket, rule, decision, currency`);
    const bans = await this.run(sql`
      select c.ban_reason::text as reason, count(*)::int as count
        from customer c
       where c.status = 'BANNED' and c.banned_at >= ${this.scope.from}::timestamptz and c.banned_at < ${this.scope.to}::timestamptz
         and (${planKind}::plan_kind is null or exists (select 1 from subscription s join plan p on p.id = s.plan_id where s.customer_id = c.id and p.kind = ${planKind}::plan_kind))
       group by c.ban_reason order by count desc, reason`);
    return {
      total: rows.reduce((sum, row) => sum + Number(row.count), 0),
      byBucket: rows.map((row) => ({
        bucketStart: this.bucketStart(row.bucket_epoch),
        rule: String(row.rule),
        decision: String(row.decision),
        count: Number(row.count),
        amount: Money.of(Number(row.amount), String(row.currency)),
      })),
      bansByReason: bans.map((row) => ({ key: String(row.reason ?? 'UNKNOWN'), label: String(row.reason ?? 'UNKNOWN'), count: Number(row.count) })),
    };
  }
}

/** Subscriptions at their limit listed per page, at most. */
export const AT_LIMIT_PAGE = 100;

/** Where a page of the at-limit list ended, in its order (most used first, then name, then ID). */
export interface AtLimitCursor {
  used: number;
  name: string;
  id: string;
}

export function encodeAtLimitCursor(cursor: AtLimitCursor): string {
  return Buffer.from(JSON.stringify([cursor.used, cursor.name, cursor.id])).toString('base64url');
}

/** The cursor, or null when the text is not one this list gave. */
export function decodeAtLimitCursor(text: string): AtLimitCursor | null {
  try {
    const [used, name, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    if (!Number.isInteger(used) || typeof name !== 'string' || typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) return null;
    return { used: used as number, name, id };
  } catch {
    return null;
  }
}

/** A staff member's global ID; no assignee (null or the roll-ups' '') is UNASSIGNED. */
function staffKey(id: unknown): string {
  return id ? toGlobalId('StaffMember', String(id)) : 'UNASSIGNED';
}

function rate(met: number, breached: number, running: number): SlaCounts {
  return { met, breached, running, rate: met + breached === 0 ? null : met / (met + breached) };
}
