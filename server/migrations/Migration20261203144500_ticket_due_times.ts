import { Migration } from '@mikro-orm/migrations';

/**
 * Support analytics (supportStats): the due times of a running ticket's targets, stored when the
 * clock changes, so "past due" is a comparison in SQL; and the backlog read from an index of
 * the unfinished tickets only.
 */
export class Migration20261203144500_ticket_due_times extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "ticket" add column "running_first_reply_due_at" timestamptz null, add column "running_resolution_due_at" timestamptz null;`);
    // Running tickets already carry the due time that matters next; the resolution due time of
    // a ticket still waiting for its first reply is filled at its next clock change.
    this.addSql(`update "ticket" set "running_first_reply_due_at" = "urgency_at" where "clock_running_since" is not null and "first_reply_at" is null;`);
    this.addSql(
      `update "ticket" set "running_resolution_due_at" = "urgency_at" where "clock_running_since" is not null and "first_reply_at" is not null and "resolved_at" is null;`,
    );
    this.addSql(`create index "ticket_backlog_index" on "ticket" ("status") where "status" not in ('RESOLVED', 'CLOSED');`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "ticket_backlog_index";`);
    this.addSql(`alter table "ticket" drop column "running_first_reply_due_at", drop column "running_resolution_due_at";`);
  }
}
