import { Migration } from '@mikro-orm/migrations';

/**
 * Per-day roll-ups for supportStats, kept by triggers on `ticket_stats_fact` (so every write path
 * that keeps the fact rows keeps them too), with days cut in the support zone (the default one,
 * America/New_York; with another zone configured the sections read the fact rows instead):
 *
 * - `ticket_stats_daily`: per day and per grouping (`dimension`: total, assignee, team, category,
 *   plan kind, guarantee, coverage, platform, OpenCart line and version, PHP version, flag) and key,
 *   the tickets filed and the SLA targets already settled (met, breached). A period's figures are
 *   sums over its days' rows; targets not settled yet (a clock still running) are read from the
 *   fact rows through a partial index of those tickets, as their state depends on the time asked.
 * - `ticket_stats_minutes_daily`: per day, every first-reply and resolution time (support minutes)
 *   of the tickets filed that day, as arrays: medians and p90 stay exact (percentile_cont over the
 *   period's values) while reading one row a day instead of one a ticket. (A histogram of minutes
 *   is as exact but holds about as many entries a day as tickets, minutes being spread widely.)
 * - `allowance_usage.ticket_allowance`: the plan's allowance beside the count, so the windows at
 *   their limit have a partial index and the at-limit list reads only those.
 *
 * Deltas (old rows out, new rows in) are added under each row's lock, so concurrent writers never
 * lose a count. `stats_rollups_rebuild()` refills them with the rest.
 */
export class Migration20261203213000_stats_daily_rollups extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "ticket_stats_daily" (
  "day" date not null,
  "dimension" text not null,
  "key" text not null,
  "tickets" int not null,
  "first_reply_met" int not null,
  "first_reply_breached" int not null,
  "resolution_met" int not null,
  "resolution_breached" int not null,
  constraint "ticket_stats_daily_pkey" primary key ("day", "dimension", "key"));`);
    this.addSql(`create table "ticket_stats_minutes_daily" (
  "day" date not null,
  "first_reply" int[] not null,
  "resolution" int[] not null,
  constraint "ticket_stats_minutes_daily_pkey" primary key ("day"));`);

    // The groups one fact row counts in; keys as the sections show them (UNKNOWN for a missing value, '' for no assignee).
    this.addSql(`
create function ticket_stats_cells(assignee_id uuid, team staff_team, category ticket_category, plan_kind plan_kind, sla_guaranteed boolean,
                                   coverage coverage, platform text, opencart_line text, opencart_version text, php_version text,
                                   platform_flags platform_flag[], not_english boolean)
returns table (dimension text, key text) language sql immutable as $$
  values ('total', ''), ('assignee', coalesce(assignee_id::text, '')), ('team', team::text), ('category', category::text), ('plan_kind', plan_kind::text),
         ('guarantee', (case when sla_guaranteed then 'GUARANTEED' else 'BEST_EFFORT' end)), ('coverage', coverage::text), ('platform', platform),
         ('line', coalesce(opencart_line, 'UNKNOWN')), ('version', coalesce(opencart_version, 'UNKNOWN')), ('php', coalesce(php_version, 'UNKNOWN'))
  union all select 'flag', flag::text from unnest(platform_flags) as flag
  union all select 'flag', 'NOT_ENGLISH' where not_english
$$;`);
    // The support day a ticket was filed on (the zone is the default support zone: stats.queries.ts ROLLUP_ZONE).
    this.addSql(`create function stats_rollup_day(created_at timestamptz) returns date language sql immutable as $$
  select (created_at at time zone 'America/New_York')::date
$$;`);
    // A multiset update: one occurrence of each removed value goes, the added ones join.
    this.addSql(`
create function int_multiset_apply(current_values int[], removed int[], added int[]) returns int[] language sql immutable as $$
  select coalesce(array_agg(kept.v), '{}') from (
    select e.v from (select c.v, row_number() over (partition by c.v) as k from unnest(current_values) as c(v)) e
     where e.k > (select count(*) from unnest(removed) as r(v) where r.v = e.v)
    union all select a.v from unnest(added) as a(v)) kept
$$;`);

    // One statement's fact rows: the old versions out, the new ones in.
    this.addSql(`
create function ticket_stats_rollups_apply(removed ticket_stats_fact[], added ticket_stats_fact[]) returns void language plpgsql as $$
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

    // A bulk refill (stats_rollups_rebuild) sets stats.rollups_rebuilding and rebuilds these once at the end.
    this.addSql(`
create function ticket_stats_from_inserted_facts() returns trigger language plpgsql as $$
begin
  if current_setting('stats.rollups_rebuilding', true) = 'on' then return null; end if;
  perform ticket_stats_rollups_apply('{}', array(select row(n.*)::ticket_stats_fact from new_rows n));
  return null;
end $$;`);
    this.addSql(`
create function ticket_stats_from_updated_facts() returns trigger language plpgsql as $$
begin
  if current_setting('stats.rollups_rebuilding', true) = 'on' then return null; end if;
  perform ticket_stats_rollups_apply(array(select row(o.*)::ticket_stats_fact from old_rows o), array(select row(n.*)::ticket_stats_fact from new_rows n));
  return null;
end $$;`);
    this.addSql(`
create function ticket_stats_from_deleted_facts() returns trigger language plpgsql as $$
begin
  if current_setting('stats.rollups_rebuilding', true) = 'on' then return null; end if;
  perform ticket_stats_rollups_apply(array(select row(o.*)::ticket_stats_fact from old_rows o), '{}');
  return null;
end $$;`);

    this.addSql(`
create function ticket_stats_daily_rebuild() returns void language plpgsql as $$
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

    // The allowance beside each window's count (kept with it; a plan's new allowance is copied to its windows).
    this.addSql(`alter table "allowance_usage" add column "ticket_allowance" int not null default 0;`);
    this.addSql(`drop function allowance_usage_apply(jsonb);`);
    this.addSql(`drop function allowance_usage_windows(jsonb);`);
    this.addSql(`
create function allowance_usage_windows(changes jsonb) returns table (subscription_id uuid, window_index int, window_start timestamp, window_end timestamp, used bigint, ticket_allowance int)
language sql stable as $$
  select c.subscription_id, w.idx,
         s.contract_start at time zone 'America/New_York' + make_interval(months => greatest(w.idx, 0)),
         s.contract_start at time zone 'America/New_York' + make_interval(months => (case when w.idx < 0 then s.months else w.idx + 1 end)),
         sum(c.n), p.ticket_allowance
    from jsonb_to_recordset(changes) as c(subscription_id uuid, period_index int, n int)
    join subscription s on s.id = c.subscription_id
    join plan p on p.id = s.plan_id
    cross join lateral (select (case when p.kind = 'ONE_TIME_FIX' then -1 else c.period_index end) as idx) w
   where w.idx is not null
   group by c.subscription_id, w.idx, s.contract_start, s.months, p.ticket_allowance
  having sum(c.n) <> 0
$$;`);
    this.addSql(`
create function allowance_usage_apply(changes jsonb) returns void language sql as $$
  insert into allowance_usage (subscription_id, window_index, window_start, window_end, used, ticket_allowance)
  select * from allowance_usage_windows(changes)
  on conflict (subscription_id, window_index) do update set used = allowance_usage.used + excluded.used, ticket_allowance = excluded.ticket_allowance
$$;`);
    this.addSql(`
create function allowance_usage_from_plan() returns trigger language plpgsql as $$
begin
  update allowance_usage u set ticket_allowance = new.ticket_allowance from subscription s where s.plan_id = new.id and u.subscription_id = s.id;
  return null;
end $$;`);
    this.addSql(
      `update allowance_usage u set ticket_allowance = p.ticket_allowance from subscription s join plan p on p.id = s.plan_id where s.id = u.subscription_id;`,
    );
    this.addSql(
      `create trigger "allowance_usage_plan_allowance" after update of ticket_allowance on "plan" for each row when (old.ticket_allowance is distinct from new.ticket_allowance) execute function allowance_usage_from_plan();`,
    );
    this.addSql(`create index "allowance_usage_at_limit_index" on "allowance_usage" ("window_end") include ("window_start", "window_index", "used", "ticket_allowance")
  where "used" >= "ticket_allowance";`);

    this.addSql(`
create or replace function stats_rollups_rebuild() returns void language plpgsql as $$
begin
  -- The daily roll-ups are rebuilt once at the end rather than row by row from the fact table's triggers.
  perform set_config('stats.rollups_rebuilding', 'on', true);
  delete from ticket_stats_fact;
  perform ticket_stats_fact_refresh(array(select id from ticket));
  delete from allowance_usage;
  perform allowance_usage_rebuild(array(select id from subscription));
  perform ticket_stats_daily_rebuild();
  perform set_config('stats.rollups_rebuilding', 'off', true);
end $$;`);

    // Fact writes wait from here until commit, so none falls between the fill and the triggers.
    this.addSql(`lock table "ticket_stats_fact" in share row exclusive mode;`);
    this.addSql(`select ticket_stats_daily_rebuild();`);
    this.addSql(
      `create trigger "ticket_stats_daily_insert" after insert on "ticket_stats_fact" referencing new table as new_rows for each statement execute function ticket_stats_from_inserted_facts();`,
    );
    this.addSql(
      `create trigger "ticket_stats_daily_update" after update on "ticket_stats_fact" referencing old table as old_rows new table as new_rows for each statement execute function ticket_stats_from_updated_facts();`,
    );
    this.addSql(
      `create trigger "ticket_stats_daily_delete" after delete on "ticket_stats_fact" referencing old table as old_rows for each statement execute function ticket_stats_from_deleted_facts();`,
    );

    // SLA targets not settled yet (unfinished tickets), with every column their groups need.
    this.addSql(`create index "ticket_stats_fact_unsettled_index" on "ticket_stats_fact" ("created_at") include (
  "status", "assignee_id", "team", "category", "plan_kind", "sla_guaranteed", "coverage", "platform", "opencart_line", "opencart_version", "php_version",
  "platform_flags", "not_english", "first_reply_settled", "first_reply_due_at", "resolution_settled", "resolution_due_at")
  where ("first_reply_settled" is null and "status" not in ('RESOLVED', 'CLOSED')) or ("resolution_settled" is null and "status" <> 'CLOSED');`);
    // Tickets per customer of a period: a narrow index-only scan.
    this.addSql(`create index "ticket_stats_fact_customer_index" on "ticket_stats_fact" ("created_at") include ("customer_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "ticket_stats_fact_customer_index";`);
    this.addSql(`drop index "ticket_stats_fact_unsettled_index";`);
    this.addSql(`drop trigger "ticket_stats_daily_delete" on "ticket_stats_fact";`);
    this.addSql(`drop trigger "ticket_stats_daily_update" on "ticket_stats_fact";`);
    this.addSql(`drop trigger "ticket_stats_daily_insert" on "ticket_stats_fact";`);
    this.addSql(`
create or replace function stats_rollups_rebuild() returns void language plpgsql as $$
begin
  delete from ticket_stats_fact;
  perform ticket_stats_fact_refresh(array(select id from ticket));
  delete from allowance_usage;
  perform allowance_usage_rebuild(array(select id from subscription));
end $$;`);
    this.addSql(`drop index "allowance_usage_at_limit_index";`);
    this.addSql(`drop trigger "allowance_usage_plan_allowance" on "plan";`);
    this.addSql(`drop function allowance_usage_from_plan();`);
    this.addSql(`drop function allowance_usage_apply(jsonb);`);
    this.addSql(`drop function allowance_usage_windows(jsonb);`);
    this.addSql(`
create function allowance_usage_windows(changes jsonb) returns table (subscription_id uuid, window_index int, window_start timestamp, window_end timestamp, used bigint)
language sql stable as $$
  select c.subscription_id, w.idx,
         s.contract_start at time zone 'America/New_York' + make_interval(months => greatest(w.idx, 0)),
         s.contract_start at time zone 'America/New_York' + make_interval(months => (case when w.idx < 0 then s.months else w.idx + 1 end)),
         sum(c.n)
    from jsonb_to_recordset(changes) as c(subscription_id uuid, period_index int, n int)
    join subscription s on s.id = c.subscription_id
    join plan p on p.id = s.plan_id
    cross join lateral (select (case when p.kind = 'ONE_TIME_FIX' then -1 else c.period_index end) as idx) w
   where w.idx is not null
   group by c.subscription_id, w.idx, s.contract_start, s.months
  having sum(c.n) <> 0
$$;`);
    this.addSql(`
create function allowance_usage_apply(changes jsonb) returns void language sql as $$
  insert into allowance_usage (subscription_id, window_index, window_start, window_end, used)
  select * from allowance_usage_windows(changes)
  on conflict (subscription_id, window_index) do update set used = allowance_usage.used + excluded.used
$$;`);
    this.addSql(`alter table "allowance_usage" drop column "ticket_allowance";`);
    this.addSql(`drop function ticket_stats_daily_rebuild();`);
    this.addSql(`drop function ticket_stats_from_deleted_facts();`);
    this.addSql(`drop function ticket_stats_from_updated_facts();`);
    this.addSql(`drop function ticket_stats_from_inserted_facts();`);
    this.addSql(`drop function ticket_stats_rollups_apply(ticket_stats_fact[], ticket_stats_fact[]);`);
    this.addSql(`drop function int_multiset_apply(int[], int[], int[]);`);
    this.addSql(`drop function stats_rollup_day(timestamptz);`);
    this.addSql(
      `drop function ticket_stats_cells(uuid, staff_team, ticket_category, plan_kind, boolean, coverage, text, text, text, text, platform_flag[], boolean);`,
    );
    this.addSql(`drop table "ticket_stats_minutes_daily";`);
    this.addSql(`drop table "ticket_stats_daily";`);
  }
}
