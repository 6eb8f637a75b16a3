import { Migration } from '@mikro-orm/migrations';

export class Migration20261203150000_ticket_satisfaction extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "ticket_satisfaction" ("ticket_id" uuid not null, "customer_id" uuid not null, "rating" smallint not null, "comment" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "ticket_satisfaction_pkey" primary key ("ticket_id"), constraint "ticket_satisfaction_rating_check" check ("rating" between 1 and 5));`,
    );
    this.addSql(`create index "ticket_satisfaction_created_at_index" on "ticket_satisfaction" ("created_at");`);
    this.addSql(
      `alter table "ticket_satisfaction" add constraint "ticket_satisfaction_ticket_id_foreign" foreign key ("ticket_id") references "ticket" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "ticket_satisfaction" add constraint "ticket_satisfaction_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "ticket_satisfaction" cascade;`);
  }
}
