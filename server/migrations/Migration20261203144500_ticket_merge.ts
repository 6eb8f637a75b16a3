import { Migration } from '@mikro-orm/migrations';

export class Migration20261203144500_ticket_merge extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "ticket_merge" ("source_id" uuid not null, "target_id" uuid not null, "merged_by_id" uuid not null, "messages_moved" int not null, "merged_at" timestamptz not null, constraint "ticket_merge_pkey" primary key ("source_id"));`,
    );
    this.addSql(`create index "ticket_merge_target_id_index" on "ticket_merge" ("target_id");`);
    this.addSql(
      `alter table "ticket_merge" add constraint "ticket_merge_source_id_foreign" foreign key ("source_id") references "ticket" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "ticket_merge" add constraint "ticket_merge_target_id_foreign" foreign key ("target_id") references "ticket" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "ticket_merge" add constraint "ticket_merge_merged_by_id_foreign" foreign key ("merged_by_id") references "staff_member" ("id") on update cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "ticket_merge" cascade;`);
  }
}
