import { Migration } from '@mikro-orm/migrations';

export class Migration20261203141500_canned_reply extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "canned_reply" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "title" varchar(100) not null, "body" text not null, "owner_id" uuid null, "created_by_id" uuid not null, constraint "canned_reply_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "canned_reply_owner_id_title_index" on "canned_reply" ("owner_id", "title");`);
    this.addSql(
      `alter table "canned_reply" add constraint "canned_reply_owner_id_foreign" foreign key ("owner_id") references "staff_member" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "canned_reply" add constraint "canned_reply_created_by_id_foreign" foreign key ("created_by_id") references "staff_member" ("id") on update cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "canned_reply" cascade;`);
  }
}
