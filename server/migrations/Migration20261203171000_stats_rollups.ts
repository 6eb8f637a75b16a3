import { Migration } from '@mikro-orm/migrations';

/**
 * Roll-ups for supportStats, kept by triggers in the writer's own transaction, so every way of
 * writing a ticket (the API, a merge, an erasure, bulk SQL) keeps them exact:
 *
 * - `ticket_stats_fact`: one narrow row per ticket with what the dashboard groups and filters
 *   by, already derived (plan kind, platform, OpenCart line and version, PHP version, what the
 *   ticket waits for, the parts of each SLA target's state that do not depend on the clock).
 *   Period sections read it through a covering index on `created_at` (index-only), the backlog
 *   through a partial covering index of the unfinished tickets; exact per-ticket values keep the
 *   medians exact.
 * - `allowance_usage`: tickets counted against each allowance window (a Premium month, or a
 *   one-time fix's whole purchase), with the window's local bounds, so "at the limit now" reads
 *   the windows still open instead of counting for every subscription.
 *
 * Back-fill: the tables are filled while tickets are only read; the triggers are created after
 * (their lock blocks writes to tickets, not reads, until commit), then the tickets written
 * meanwhile (by `updated_at`) are refreshed again, so writes wait only for that short catch-up.
 * `stats_rollups_rebuild()` refills both from scratch with set-based SQL (a bulk load that ran
 * without triggers calls it).
 */
export class Migration20261203171000_stats_rollups extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "ticket_stats_fact" (
  "ticket_id" uuid not null,
  "created_at" timestamptz not null,
  "customer_id" uuid not null,
  "subscription_id" uuid not null,
  "status" "ticket_status" not null,
  "team" "staff_team" not null,
  "assignee_id" uuid null,
  "category" "ticket_category" not null,
  "coverage" "coverage" not null,
  "plan_kind" "plan_kind" not null,
  "sla_guaranteed" boolean not null,
  "platform" text not null,
  "opencart_line" text null,
  "opencart_version" text null,
  "php_version" text null,
  "platform_flags" "platform_flag"[] not null,
  "not_english" boolean not null,
  "first_reply_minutes" int null,
  "resolution_minutes" int null,
  "first_reply_settled" text null,
  "first_reply_due_at" timestamptz null,
  "resolution_settled" text null,
  "resolution_due_at" timestamptz null,
  "waiting" text not null,
  constraint "ticket_stats_fact_pkey" primary key ("ticket_id"),
  constraint "ticket_stats_fact_ticket_id_foreign" foreign key ("ticket_id") references "ticket" ("id") on update cascade on delete cascade);`);

    // One function derives a fact row from the ticket: the same expressions as the API's
    // (opencartLine() in platform/opencart-version.ts, the ticket's `sla` view).
    this.addSql(`
create function ticket_stats_fact_refresh(ticket_ids uuid[]) returns void language sql as $$
  insert into ticket_stats_fact
  select t.id, t.created_at, t.customer_id, t.subscription_id, t.status, t.team, t.assignee_id, t.category, t.coverage, p.kind, t.sla_guaranteed,
         coalesce(t.environment->>'platform', 'UNKNOWN'),
         (case when e.version ~ '^1\\.5(\\.[0-9]+){0,3}$' then '1.5'
               when e.version ~ '^2(\\.[0-9]+){1,4}$' then '2.x'
               when e.version ~ '^3(\\.[0-9]+){1,4}$' then '3.0'
               when e.version ~ '^4(\\.[0-9]+){1,4}$' then '4.x' end),
         e.version,
         substring(t.environment->>'phpVersion' from '^[0-9]+\\.[0-9]+'),
         t.platform_flags, t.not_english, t.first_reply_minutes, t.resolution_minutes,
         fr.settled, (case when fr.settled is null and t.clock_running_since is not null then t.running_first_reply_due_at end),
         res.settled, (case when res.settled is null and t.clock_running_since is not null then t.running_resolution_due_at end),
         (case when t.status = 'AWAITING_ACCESS' then 'ACCESS'
               when t.surcharge_status = 'PENDING' or ('NON_NATIVE_PORT' = any(t.platform_flags) and t.port_decision is null) then 'PORT_DECISION'
               when t.quote_status = 'PENDING' then 'QUOTE'
               when t.status = 'WAITING_ON_CUSTOMER' then 'CUSTOMER'
               else 'SUPPORT' end)
    -- Ids joined (not searched one by one in the array), so a bulk refresh is one hash join.
    from (select distinct id from unnest(ticket_ids) as changed(id)) changed
    join ticket t on t.id = changed.id
    join subscription s on s.id = t.subscription_id
    join plan p on p.id = s.plan_id
    cross join lateral (select nullif(regexp_replace(btrim(t.environment->>'opencartVersion'), '^[vV] *', ''), '') as version) e
    -- Reached (met or late), or used up on a stopped clock: settled whatever the time; a running clock's due time is compared at query time.
    cross join lateral (select (case when t.first_reply_at is not null then (case when t.first_reply_minutes < t.support_day_minutes then 'MET' else 'BREACHED' end)
                                     when t.clock_running_since is null and t.clock_used_minutes >= t.support_day_minutes then 'BREACHED' end) as settled) fr
    cross join lateral (select t.support_day_minutes * (case when t.complex then 3 else 1 end) as target) rt
    cross join lateral (select (case when t.resolved_at is not null then (case when t.resolution_minutes < rt.target then 'MET' else 'BREACHED' end)
                                     when t.clock_running_since is null and t.clock_used_minutes >= rt.target then 'BREACHED' end) as settled) res
  on conflict (ticket_id) do update set
    created_at = excluded.created_at, customer_id = excluded.customer_id, subscription_id = excluded.subscription_id, status = excluded.status,
    team = excluded.team, assignee_id = excluded.assignee_id, category = excluded.category, coverage = excluded.coverage, plan_kind = excluded.plan_kind,
    sla_guaranteed = excluded.sla_guaranteed, platform = excluded.platform, opencart_line = excluded.opencart_line, opencart_version = excluded.opencart_version,
    php_version = excluded.php_version, platform_flags = excluded.platform_flags, not_english = excluded.not_english,
    first_reply_minutes = excluded.first_reply_minutes, resolution_minutes = excluded.resolution_minutes,
    first_reply_settled = excluded.first_reply_settled, first_reply_due_at = excluded.first_reply_due_at,
    resolution_settled = excluded.resolution_settled, resolution_due_at = excluded.resolution_due_at, waiting = excluded.waiting
  -- Most ticket writes (activity times, read marks) change nothing here: no new row version then.
  where (ticket_stats_fact.*) is distinct from (excluded.*);
$$;`);

    this.addSql(`create table "allowance_usage" (
  "subscription_id" uuid not null,
  "window_index" int not null,
  "window_start" timestamp not null,
  "window_end" timestamp not null,
  "used" int not null,
  constraint "allowance_usage_pkey" primary key ("subscription_id", "window_index"),
  constraint "allowance_usage_subscription_id_foreign" foreign key ("subscription_id") references "subscription" ("id") on update cascade on delete cascade);`);
    this.addSql(`create index "allowance_usage_window_end_index" on "allowance_usage" ("window_end") include ("window_start", "used", "window_index");`);

    // A window is a Premium month (window_index = the ticket's period_index) or a one-time fix's
    // whole purchase (-1); bounds in the contract zone, months added to the start as billing-period.ts does.
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
    // Deltas, added under the window row's lock: concurrent filings never lose a count.
    this.addSql(`
create function allowance_usage_apply(changes jsonb) returns void language sql as $$
  insert into allowance_usage (subscription_id, window_index, window_start, window_end, used)
  select * from allowance_usage_windows(changes)
  on conflict (subscription_id, window_index) do update set used = allowance_usage.used + excluded.used
$$;`);
    this.addSql(`
create function allowance_usage_rebuild(subscription_ids uuid[]) returns void language plpgsql as $$
begin
  delete from allowance_usage u using unnest(subscription_ids) as changed(id) where u.subscription_id = changed.id;
  perform allowance_usage_apply(coalesce((
    select jsonb_agg(jsonb_build_object('subscription_id', t.subscription_id, 'period_index', t.period_index, 'n', t.n))
      from (select t.subscription_id, t.period_index, count(*) as n
              from (select distinct id from unnest(subscription_ids) as changed(id)) changed join ticket t on t.subscription_id = changed.id
             where t.consumes_allowance group by t.subscription_id, t.period_index) t), '[]'));
end $$;`);

    this.addSql(`
create function stats_rollups_from_tickets() returns trigger language plpgsql as $$
begin
  if tg_op <> 'DELETE' then
    perform ticket_stats_fact_refresh(array(select id from new_rows));
  end if;
  perform allowance_usage_apply(coalesce((
    select jsonb_agg(jsonb_build_object('subscription_id', d.subscription_id, 'period_index', d.period_index, 'n', d.n))
      from (select subscription_id, period_index, sum(n) as n from (
              select subscription_id, period_index, -1 as n from old_rows where consumes_allowance
              union all select subscription_id, period_index, 1 from new_rows where consumes_allowance) moved
             group by subscription_id, period_index having sum(n) <> 0) d), '[]'));
  return null;
end $$;`);
    // Transition tables must exist for every event: an empty stand-in where PostgreSQL gives none.
    this.addSql(`
create function stats_rollups_from_inserted() returns trigger language plpgsql as $$
begin
  perform ticket_stats_fact_refresh(array(select id from new_rows));
  perform allowance_usage_apply(coalesce((
    select jsonb_agg(jsonb_build_object('subscription_id', d.subscription_id, 'period_index', d.period_index, 'n', d.n))
      from (select subscription_id, period_index, count(*) as n from new_rows where consumes_allowance group by subscription_id, period_index) d), '[]'));
  return null;
end $$;`);
    this.addSql(`
create function stats_rollups_from_deleted() returns trigger language plpgsql as $$
begin
  perform allowance_usage_apply(coalesce((
    select jsonb_agg(jsonb_build_object('subscription_id', d.subscription_id, 'period_index', d.period_index, 'n', -d.n))
      from (select subscription_id, period_index, count(*) as n from old_rows where consumes_allowance group by subscription_id, period_index) d), '[]'));
  return null;
end $$;`);
    this.addSql(`
create function stats_rollups_from_subscription() returns trigger language plpgsql as $$
begin
  perform ticket_stats_fact_refresh(array(select id from ticket where subscription_id = new.id));
  perform allowance_usage_rebuild(array[new.id]);
  return null;
end $$;`);
    this.addSql(`
create function stats_rollups_from_plan() returns trigger language plpgsql as $$
begin
  perform ticket_stats_fact_refresh(array(select t.id from ticket t join subscription s on s.id = t.subscription_id where s.plan_id = new.id));
  perform allowance_usage_rebuild(array(select id from subscription where plan_id = new.id));
  return null;
end $$;`);
    this.addSql(`
create function stats_rollups_rebuild() returns void language plpgsql as $$
begin
  delete from ticket_stats_fact;
  perform ticket_stats_fact_refresh(array(select id from ticket));
  delete from allowance_usage;
  perform allowance_usage_rebuild(array(select id from subscription));
end $$;`);

    // Filled before the triggers exist (tickets only read), then the catch-up under the trigger lock.
    this.addSql(`select stats_rollups_rebuild();`);
    this.addSql(
      `create trigger "stats_rollups_insert" after insert on "ticket" referencing new table as new_rows for each statement execute function stats_rollups_from_inserted();`,
    );
    this.addSql(
      `create trigger "stats_rollups_update" after update on "ticket" referencing old table as old_rows new table as new_rows for each statement execute function stats_rollups_from_tickets();`,
    );
    this.addSql(
      `create trigger "stats_rollups_delete" after delete on "ticket" referencing old table as old_rows for each statement execute function stats_rollups_from_deleted();`,
    );
    this.addSql(
      `create trigger "stats_rollups_subscription" after update of plan_id, contract_start, months on "subscription" for each row when (old.plan_id is distinct from new.plan_id or old.contract_start is distinct from new.contract_start or old.months is distinct from new.months) execute function stats_rollups_from_subscription();`,
    );
    this.addSql(
      `create trigger "stats_rollups_plan" after update of kind on "plan" for each row when (old.kind is distinct from new.kind) execute function stats_rollups_from_plan();`,
    );
    this.addSql(`
do $$
declare changed uuid[] := array(select id from ticket where updated_at >= transaction_timestamp() - interval '1 minute');
begin
  perform ticket_stats_fact_refresh(changed);
  perform allowance_usage_rebuild(array(select distinct t.subscription_id from unnest(changed) as c(id) join ticket t on t.id = c.id));
end $$;`);

    // Period sections: index-only over the period's rows (created_at), every column they read included.
    this.addSql(`create index "ticket_stats_fact_created_at_index" on "ticket_stats_fact" ("created_at") include (
  "status", "team", "assignee_id", "category", "coverage", "plan_kind", "sla_guaranteed", "platform", "opencart_line", "opencart_version", "php_version",
  "platform_flags", "not_english", "first_reply_minutes", "resolution_minutes", "first_reply_settled", "first_reply_due_at", "resolution_settled",
  "resolution_due_at", "customer_id");`);
    // The backlog: only unfinished tickets, with what it groups and filters by.
    this.addSql(`create index "ticket_stats_fact_backlog_index" on "ticket_stats_fact" ("created_at") include (
  "status", "team", "assignee_id", "waiting", "category", "plan_kind", "platform", "opencart_line") where "status" not in ('RESOLVED', 'CLOSED');`);
    // Refunds and bans of a period.
    this.addSql(`create index "refund_created_at_index" on "refund" ("created_at");`);
    this.addSql(`create index "customer_banned_at_index" on "customer" ("banned_at") where "status" = 'BANNED';`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "customer_banned_at_index";`);
    this.addSql(`drop index "refund_created_at_index";`);
    this.addSql(`drop trigger "stats_rollups_plan" on "plan";`);
    this.addSql(`drop trigger "stats_rollups_subscription" on "subscription";`);
    this.addSql(`drop trigger "stats_rollups_delete" on "ticket";`);
    this.addSql(`drop trigger "stats_rollups_update" on "ticket";`);
    this.addSql(`drop trigger "stats_rollups_insert" on "ticket";`);
    this.addSql(`drop function stats_rollups_rebuild();`);
    this.addSql(`drop function stats_rollups_from_plan();`);
    this.addSql(`drop function stats_rollups_from_subscription();`);
    this.addSql(`drop function stats_rollups_from_deleted();`);
    this.addSql(`drop function stats_rollups_from_inserted();`);
    this.addSql(`drop function stats_rollups_from_tickets();`);
    this.addSql(`drop function allowance_usage_rebuild(uuid[]);`);
    this.addSql(`drop function allowance_usage_apply(jsonb);`);
    this.addSql(`drop function allowance_usage_windows(jsonb);`);
    this.addSql(`drop table "allowance_usage";`);
    this.addSql(`drop function ticket_stats_fact_refresh(uuid[]);`);
    this.addSql(`drop table "ticket_stats_fact";`);
  }
}
