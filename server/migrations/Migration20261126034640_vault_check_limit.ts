import { Migration } from '@mikro-orm/migrations';

export class Migration20261126034640_vault_check_limit extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "access_check_window" ("customer_id" uuid not null, "started_at" timestamptz not null, "checks" int not null, constraint "access_check_window_pkey" primary key ("customer_id"));`,
    );

    this.addSql(
      `alter table "access_check_window" add constraint "access_check_window_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "access_check_window" cascade;`);
  }
}
