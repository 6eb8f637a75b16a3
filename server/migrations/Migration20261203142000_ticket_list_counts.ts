import { Migration } from '@mikro-orm/migrations';

/**
 * Exact ticket counts by status without counting a million rows, and an index per list that
 * only reads the tickets it can show.
 *
 * `ticket_status_tally` holds signed deltas per status, written by statement triggers in the
 * writer's own transaction (so a count is exact and never sees a rolled-back change), summed by
 * the list's `totalCount`. Writers only insert rows, so they never wait on each other for a
 * shared counter row; now and then a writer folds the deltas into one row per status (one
 * folder at a time, under an advisory lock, skipped by the others), which keeps the table at a
 * few dozen rows.
 *
 * Partial indexes in MOST_URGENT order: the open tickets (the staff queue) and the tickets whose
 * clock runs (overdue), so neither walks past the resolved tickets of the same priority.
 */
export class Migration20261203142000_ticket_list_counts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "ticket_status_tally" ("id" bigserial primary key, "status" "ticket_status" not null, "n" bigint not null);`);
    this.addSql(`create index "ticket_status_tally_status_index" on "ticket_status_tally" ("status");`);
    this.addSql(`insert into "ticket_status_tally" ("status", "n") select "status", count(*) from "ticket" group by "status";`);
    this.addSql(`
create function ticket_status_tally_fold() returns void language plpgsql as $$
begin
  -- Under REPEATABLE READ the delete could meet rows another folder already removed.
  if current_setting('transaction_isolation') = 'read committed' and pg_try_advisory_xact_lock(hashtext('ticket_status_tally_fold')) then
    with gone as (delete from ticket_status_tally returning status, n)
    insert into ticket_status_tally (status, n) select status, sum(n) from gone group by status having sum(n) <> 0;
  end if;
end $$;`);
    this.addSql(`
create function ticket_status_tally_insert() returns trigger language plpgsql as $$
begin
  insert into ticket_status_tally (status, n) select status, count(*) from inserted_rows group by status;
  if random() < 0.02 then perform ticket_status_tally_fold(); end if;
  return null;
end $$;`);
    this.addSql(`
create function ticket_status_tally_update() returns trigger language plpgsql as $$
begin
  insert into ticket_status_tally (status, n)
  select status, sum(n) from (
    select status, -1 as n from old_rows union all select status, 1 as n from new_rows
  ) moved group by status having sum(n) <> 0;
  if random() < 0.02 then perform ticket_status_tally_fold(); end if;
  return null;
end $$;`);
    this.addSql(`
create function ticket_status_tally_delete() returns trigger language plpgsql as $$
begin
  insert into ticket_status_tally (status, n) select status, -count(*) from deleted_rows group by status;
  return null;
end $$;`);
    this.addSql(`
create function ticket_status_tally_truncate() returns trigger language plpgsql as $$
begin
  delete from ticket_status_tally;
  return null;
end $$;`);
    this.addSql(
      `create trigger "ticket_status_tally_insert" after insert on "ticket" referencing new table as inserted_rows for each statement execute function ticket_status_tally_insert();`,
    );
    this.addSql(
      `create trigger "ticket_status_tally_update" after update on "ticket" referencing old table as old_rows new table as new_rows for each statement execute function ticket_status_tally_update();`,
    );
    this.addSql(
      `create trigger "ticket_status_tally_delete" after delete on "ticket" referencing old table as deleted_rows for each statement execute function ticket_status_tally_delete();`,
    );
    this.addSql(`create trigger "ticket_status_tally_truncate" after truncate on "ticket" for each statement execute function ticket_status_tally_truncate();`);

    this.addSql(
      `create index "ticket_open_most_urgent_index" on "ticket" ("priority" desc, "urgency_at", "id") where "status" in ('AWAITING_ACCESS', 'OPEN', 'IN_PROGRESS', 'WAITING_ON_CUSTOMER');`,
    );
    this.addSql(
      `create index "ticket_running_most_urgent_index" on "ticket" ("priority" desc, "urgency_at", "id") where "urgency_at" < '9999-12-31 00:00:00+00';`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "ticket_running_most_urgent_index";`);
    this.addSql(`drop index "ticket_open_most_urgent_index";`);
    this.addSql(`drop trigger "ticket_status_tally_truncate" on "ticket";`);
    this.addSql(`drop trigger "ticket_status_tally_delete" on "ticket";`);
    this.addSql(`drop trigger "ticket_status_tally_update" on "ticket";`);
    this.addSql(`drop trigger "ticket_status_tally_insert" on "ticket";`);
    this.addSql(`drop function ticket_status_tally_truncate();`);
    this.addSql(`drop function ticket_status_tally_delete();`);
    this.addSql(`drop function ticket_status_tally_update();`);
    this.addSql(`drop function ticket_status_tally_insert();`);
    this.addSql(`drop function ticket_status_tally_fold();`);
    this.addSql(`drop table "ticket_status_tally";`);
  }
}
