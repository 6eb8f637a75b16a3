import { Migration } from '@mikro-orm/migrations';

/** The record of CSV exports (who, what, when, how many rows), and an index for refund periods. */
export class Migration20261203151000_data_export extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "data_export" ("id" uuid not null, "staff_member_id" uuid not null, "kind" varchar(32) not null, "period_from" timestamptz not null, "period_to" timestamptz not null, "filter" jsonb null, "started_at" timestamptz not null, "finished_at" timestamptz null, "row_count" int null, constraint "data_export_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "data_export_staff_member_id_started_at_index" on "data_export" ("staff_member_id", "started_at");`);
    this.addSql(
      `alter table "data_export" add constraint "data_export_staff_member_id_foreign" foreign key ("staff_member_id") references "staff_member" ("id") on update cascade;`,
    );
    this.addSql(`create index "refund_created_at_id_index" on "refund" ("created_at", "id");`);
    this.addSql(`create index "refund_decided_at_index" on "refund" ("decided_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "refund_decided_at_index";`);
    this.addSql(`drop index "refund_created_at_id_index";`);
    this.addSql(`drop table "data_export";`);
  }
}
