import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes for the SLA, platform and resolution filters of `tickets(filter:)`, so none of them
 * reads the whole ticket table: the time-independent part of "breached" as a partial index
 * (its predicate is the condition search/ticket-filters.ts writes, text for text), the reported
 * platform, OpenCart line and version as expression indexes, the flags as GIN.
 * ticket_opencart_line mirrors platform/opencart-version.ts's opencartLine (an Arastta store
 * reports Arastta's own version: no OpenCart line).
 */
export class Migration20261203143500_ticket_filter_indexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create function ticket_opencart_line(environment jsonb) returns text language sql immutable parallel safe as $$
  select case
    when environment ->> 'platform' = 'ARASTTA' or v !~ '^[0-9]{1,6}(\\.[0-9]{1,6}){1,4}$' then null
    when split_part(v, '.', 1)::int = 1 then case when split_part(v, '.', 2)::int = 5 then '1.5' end
    when split_part(v, '.', 1)::int = 2 then '2.x'
    when split_part(v, '.', 1)::int = 3 then '3.0'
    when split_part(v, '.', 1)::int = 4 then '4.x'
  end
  from (select regexp_replace(btrim(environment ->> 'opencartVersion'), '^[vV]\\s*', '') as v) as cleaned
$$;`);
    this.addSql(
      `create index "ticket_sla_breached_index" on "ticket" ("created_at", "id") where ((first_reply_at is not null and first_reply_minutes >= support_day_minutes) or (resolved_at is not null and resolution_minutes >= support_day_minutes * (case when complex then 3 else 1 end)) or (clock_running_since is null and first_reply_at is null and clock_used_minutes >= support_day_minutes) or (clock_running_since is null and resolved_at is null and clock_used_minutes >= support_day_minutes * (case when complex then 3 else 1 end)));`,
    );
    this.addSql(`create index "ticket_platform_index" on "ticket" ((environment ->> 'platform'));`);
    this.addSql(`create index "ticket_opencart_version_index" on "ticket" ((environment ->> 'opencartVersion'));`);
    this.addSql(`create index "ticket_opencart_line_index" on "ticket" (ticket_opencart_line(environment));`);
    this.addSql(`create index "ticket_platform_flags_index" on "ticket" using gin ("platform_flags");`);
    this.addSql(`create index "ticket_not_english_index" on "ticket" ("created_at", "id") where not_english;`);
    this.addSql(`create index "ticket_resolved_at_index" on "ticket" ("resolved_at");`);
    this.addSql(`create index "ticket_closed_at_index" on "ticket" ("closed_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "ticket_closed_at_index";`);
    this.addSql(`drop index "ticket_resolved_at_index";`);
    this.addSql(`drop index "ticket_not_english_index";`);
    this.addSql(`drop index "ticket_platform_flags_index";`);
    this.addSql(`drop index "ticket_opencart_line_index";`);
    this.addSql(`drop index "ticket_opencart_version_index";`);
    this.addSql(`drop index "ticket_platform_index";`);
    this.addSql(`drop index "ticket_sla_breached_index";`);
    this.addSql(`drop function ticket_opencart_line(jsonb);`);
  }
}
