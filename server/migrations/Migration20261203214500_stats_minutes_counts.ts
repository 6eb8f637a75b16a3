import { Migration } from '@mikro-orm/migrations';

/**
 * Two refinements of the supportStats roll-ups (migration stats_daily_rollups):
 *
 * - `ticket_stats_minutes` replaces the per-day arrays of reply and resolution times: one row per
 *   target, support day and exact number of minutes, with how many tickets took that long. It is
 *   the same multiset (minutes are whole numbers, so nothing is rounded: medians and p90 stay
 *   exact), but a period's percentiles count values instead of sorting every one of them, and a
 *   change adds or takes 1 from one row instead of rewriting a day's array.
 * - `allowance_usage.at_limit`, stored from used >= ticket_allowance, so the planner has statistics
 *   on how few windows are at their limit and reads them through the partial index.
 */
export class Migration20261203214500_stats_minutes_counts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "ticket_stats_minutes" (
  "target" text not null,
  "day" date not null,
  "minutes" int not null,
  "tickets" int not null,
  constraint "ticket_stats_minutes_pkey" primary key ("target", "day", "minutes"));`);
    // Fact writes wait from here until commit, so none falls between the fill and the new trigger function.
    this.addSql(`lock table "ticket_stats_fact" in share row exclusive mode;`);
    this.addSql(`
create or replace function ticket_stats_rollups_apply(removed ticket_stats_fact[], added ticket_stats_fact[]) returns void language plpgsql as $$
begin
  with moved as (select r.*, -1 as n from unnest(removed) r union all select a.*, 1 as n from unnest(added) a)
  insert into ticket_stats_daily as d (day, dimension, key, tickets, first_reply_met, first_reply_breached, resolution_met, resolution_breached)
  select stats_rollup_day(m.created_at), c.dimension, c.key, sum(m.n),
         coalesce(sum(m.n) filter (where m.first_reply_settled = 'MET'), 0), coalesce(sum(m.n) filter (where m.first_reply_settled = 'BREACHED'), 0),
         coalesce(sum(m.n) filter (where m.resolution_settled = 'MET'), 0), coalesce(sum(m.n) filter (where m.resolution_settled = 'BREACHED'), 0)
    from moved m
    cross join lateral ticket_stats_cells(m.assignee_id, m.team, m.category, m.plan_kind, m.sla_guaranteed, m.coverage, m.platform, m.opencart_line,
                                          m.opencart_version, m.php_version, m.platform_flags, m.not_english) c
   group by 1, 2, 3
  having sum(m.n) <> 0 or coalesce(sum(m.n) filter (where m.first_reply_settled is not null), 0) <> 0
      or coalesce(sum(m.n) filter (where m.resolution_settled is not null), 0) <> 0
      or coalesce(sum(m.n) filter (where m.first_reply_settled = 'MET'), 0) <> 0 or coalesce(sum(m.n) filter (where m.resolution_settled = 'MET'), 0) <> 0
   order by 1, 2, 3
  on conflict (day, dimension, key) do update set
    tickets = d.tickets + excluded.tickets, first_reply_met = d.first_reply_met + excluded.first_reply_met,
    first_reply_breached = d.first_reply_breached + excluded.first_reply_breached, resolution_met = d.resolution_met + excluded.resolution_met,
    resolution_breached = d.resolution_breached + excluded.resolution_breached;

  with moved as (select r.created_at, r.first_reply_minutes, r.resolution_minutes, -1 as n from unnest(removed) r
                 union all select a.created_at, a.first_reply_minutes, a.resolution_minutes, 1 from unnest(added) a)
  insert into ticket_stats_minutes as t (target, day, minutes, tickets)
  select d.target, d.day, d.minutes, d.n from (
    select 'first_reply' as target, stats_rollup_day(created_at) as day, first_reply_minutes as minutes, sum(n)::int as n
      from moved where first_reply_minutes is not null group by 2, 3
    union all
    select 'resolution', stats_rollup_day(created_at), resolution_minutes, sum(n)::int from moved where resolution_minutes is not null group by 2, 3) d
   where d.n <> 0
   order by 1, 2, 3
  on conflict (target, day, minutes) do update set tickets = t.tickets + excluded.tickets;
end $$;`);
    this.addSql(`
create or replace function ticket_stats_daily_rebuild() returns void language plpgsql as $$
begin
  delete from ticket_stats_daily;
  insert into ticket_stats_daily (day, dimension, key, tickets, first_reply_met, first_reply_breached, resolution_met, resolution_breached)
  select stats_rollup_day(f.created_at), c.dimension, c.key, count(*),
         count(*) filter (where f.first_reply_settled = 'MET'), count(*) filter (where f.first_reply_settled = 'BREACHED'),
         count(*) filter (where f.resolution_settled = 'MET'), count(*) filter (where f.resolution_settled = 'BREACHED')
    from ticket_stats_fact f
    cross join lateral ticket_stats_cells(f.assignee_id, f.team, f.category, f.plan_kind, f.sla_guaranteed, f.coverage, f.platform, f.opencart_line,
                                          f.opencart_version, f.php_version, f.platform_flags, f.not_english) c
   group by 1, 2, 3;
  delete from ticket_stats_minutes;
  insert into ticket_stats_minutes (target, day, minutes, tickets)
  select 'first_reply', stats_rollup_day(f.created_at), f.first_reply_minutes, count(*) from ticket_stats_fact f where f.first_reply_minutes is not null group by 2, 3
  union all
  select 'resolution', stats_rollup_day(f.created_at), f.resolution_minutes, count(*) from ticket_stats_fact f where f.resolution_minutes is not null group by 2, 3
  -- In key order: a period's rows then lie together on disk.
  order by 1, 2, 3;
end $$;`);
    this.addSql(`insert into ticket_stats_minutes (target, day, minutes, tickets)
  select 'first_reply', stats_rollup_day(f.created_at), f.first_reply_minutes, count(*) from ticket_stats_fact f where f.first_reply_minutes is not null group by 2, 3
  union all
  select 'resolution', stats_rollup_day(f.created_at), f.resolution_minutes, count(*) from ticket_stats_fact f where f.resolution_minutes is not null group by 2, 3
  -- In key order: a period's rows then lie together on disk.
  order by 1, 2, 3;`);
    this.addSql(`drop table "ticket_stats_minutes_daily";`);
    this.addSql(`drop function int_multiset_apply(int[], int[], int[]);`);

    this.addSql(`drop index "allowance_usage_at_limit_index";`);
    this.addSql(`alter table "allowance_usage" add column "at_limit" boolean generated always as ("used" >= "ticket_allowance") stored;`);
    this.addSql(`create index "allowance_usage_at_limit_index" on "allowance_usage" ("window_end")
  include ("window_start", "window_index", "used", "ticket_allowance", "subscription_id") where "at_limit";`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "allowance_usage_at_limit_index";`);
    this.addSql(`alter table "allowance_usage" drop column "at_limit";`);
    this.addSql(`create index "allowance_usage_at_limit_index" on "allowance_usage" ("window_end") include ("window_start", "window_index", "used", "ticket_allowance")
  where "used" >= "ticket_allowance";`);
    this.addSql(`create table "ticket_stats_minutes_daily" (
  "day" date not null,
  "first_reply" int[] not null,
  "resolution" int[] not null,
  constraint "ticket_stats_minutes_daily_pkey" primary key ("day"));`);
    this.addSql(`
create function int_multiset_apply(current_values int[], removed int[], added int[]) returns int[] language sql immutable as $$
  select coalesce(array_agg(kept.v), '{}') from (
    select e.v from (select c.v, row_number() over (partition by c.v) as k from unnest(current_values) as c(v)) e
     where e.k > (select count(*) from unnest(removed) as r(v) where r.v = e.v)
    union all select a.v from unnest(added) as a(v)) kept
$$;`);
    this.addSql(`
create or replace function ticket_stats_rollups_apply(removed ticket_stats_fact[], added ticket_stats_fact[]) returns void language plpgsql as $$
begin
  with moved as (select r.*, -1 as n from unnest(removed) r union all select a.*, 1 as n from unnest(added) a)
  insert into ticket_stats_daily as d (day, dimension, key, tickets, first_reply_met, first_reply_breached, resolution_met, resolution_breached)
  select stats_rollup_day(m.created_at), c.dimension, c.key, sum(m.n),
         coalesce(sum(m.n) filter (where m.first_reply_settled = 'MET'), 0), coalesce(sum(m.n) filter (where m.first_reply_settled = 'BREACHED'), 0),
         coalesce(sum(m.n) filter (where m.resolution_settled = 'MET'), 0), coalesce(sum(m.n) filter (where m.resolution_settled = 'BREACHED'), 0)
    from moved m
    cross join lateral ticket_stats_cells(m.assignee_id, m.team, m.category, m.plan_kind, m.sla_guaranteed, m.coverage, m.platform, m.opencart_line,
                                          m.opencart_version, m.php_version, m.platform_flags, m.not_english) c
   group by 1, 2, 3
  having sum(m.n) <> 0 or coalesce(sum(m.n) filter (where m.first_reply_settled is not null), 0) <> 0
      or coalesce(sum(m.n) filter (where m.resolution_settled is not null), 0) <> 0
      or coalesce(sum(m.n) filter (where m.first_reply_settled = 'MET'), 0) <> 0 or coalesce(sum(m.n) filter (where m.resolution_settled = 'MET'), 0) <> 0
   order by 1, 2, 3
  on conflict (day, dimension, key) do update set
    tickets = d.tickets + excluded.tickets, first_reply_met = d.first_reply_met + excluded.first_reply_met,
    first_reply_breached = d.first_reply_breached + excluded.first_reply_breached, resolution_met = d.resolution_met + excluded.resolution_met,
    resolution_breached = d.resolution_breached + excluded.resolution_breached;

  with moved as (select r.created_at, r.first_reply_minutes, r.resolution_minutes, -1 as n from unnest(removed) r
                 union all select a.created_at, a.first_reply_minutes, a.resolution_minutes, 1 from unnest(added) a),
  deltas as (
    select stats_rollup_day(created_at) as day, 'fr' as target, first_reply_minutes as v, sum(n) as n from moved where first_reply_minutes is not null group by 1, 3
    union all
    select stats_rollup_day(created_at), 'res', resolution_minutes, sum(n) from moved where resolution_minutes is not null group by 1, 3),
  per_day as (
    select day, coalesce(array_agg(v) filter (where target = 'fr' and n < 0), '{}') as fr_removed, coalesce(array_agg(v) filter (where target = 'fr' and n > 0), '{}') as fr_added,
           coalesce(array_agg(v) filter (where target = 'res' and n < 0), '{}') as res_removed, coalesce(array_agg(v) filter (where target = 'res' and n > 0), '{}') as res_added
      from deltas cross join lateral generate_series(1, abs(n)::int) where n <> 0 group by day),
  updated as (
    update ticket_stats_minutes_daily m set first_reply = int_multiset_apply(m.first_reply, p.fr_removed, p.fr_added),
                                            resolution = int_multiset_apply(m.resolution, p.res_removed, p.res_added)
      from per_day p where m.day = p.day returning m.day)
  -- A day's first values (removing needs the row, which the update above found).
  insert into ticket_stats_minutes_daily as m (day, first_reply, resolution)
  select p.day, p.fr_added, p.res_added from per_day p where p.day not in (select day from updated) order by p.day
  on conflict (day) do update set first_reply = m.first_reply || excluded.first_reply, resolution = m.resolution || excluded.resolution;
end $$;`);
    this.addSql(`
create or replace function ticket_stats_daily_rebuild() returns void language plpgsql as $$
begin
  delete from ticket_stats_daily;
  insert into ticket_stats_daily (day, dimension, key, tickets, first_reply_met, first_reply_breached, resolution_met, resolution_breached)
  select stats_rollup_day(f.created_at), c.dimension, c.key, count(*),
         count(*) filter (where f.first_reply_settled = 'MET'), count(*) filter (where f.first_reply_settled = 'BREACHED'),
         count(*) filter (where f.resolution_settled = 'MET'), count(*) filter (where f.resolution_settled = 'BREACHED')
    from ticket_stats_fact f
    cross join lateral ticket_stats_cells(f.assignee_id, f.team, f.category, f.plan_kind, f.sla_guaranteed, f.coverage, f.platform, f.opencart_line,
                                          f.opencart_version, f.php_version, f.platform_flags, f.not_english) c
   group by 1, 2, 3;
  delete from ticket_stats_minutes_daily;
  insert into ticket_stats_minutes_daily (day, first_reply, resolution)
  select stats_rollup_day(f.created_at), coalesce(array_agg(f.first_reply_minutes) filter (where f.first_reply_minutes is not null), '{}'),
         coalesce(array_agg(f.resolution_minutes) filter (where f.resolution_minutes is not null), '{}')
    from ticket_stats_fact f group by 1;
end $$;`);
    this.addSql(`select ticket_stats_daily_rebuild();`);
    this.addSql(`drop table "ticket_stats_minutes";`);
  }
}
