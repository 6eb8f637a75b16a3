import { Migration } from '@mikro-orm/migrations';

export class Migration20261203143000_attachments extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "attachment" (
      "id" uuid not null,
      "ticket_id" uuid not null,
      "message_id" uuid null,
      "internal" boolean not null default false,
      "file_name" varchar(255) not null,
      "content_type" varchar(100) not null,
      "byte_size" int not null check ("byte_size" > 0),
      "redactions" int not null default 0,
      "position" smallint not null default 0,
      "storage" varchar(20) not null,
      "sha256" varchar(64) not null,
      "uploader_kind" "author_kind" not null,
      "uploader_customer_id" uuid null,
      "uploader_staff_id" uuid null,
      "created_at" timestamptz not null default now(),
      constraint "attachment_pkey" primary key ("id"));`);
    this.addSql(`create index "attachment_ticket_id_created_at_index" on "attachment" ("ticket_id", "created_at");`);
    this.addSql(`create index "attachment_message_id_index" on "attachment" ("message_id");`);
    this.addSql(
      `alter table "attachment" add constraint "attachment_ticket_id_foreign" foreign key ("ticket_id") references "ticket" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "attachment" add constraint "attachment_message_id_foreign" foreign key ("message_id") references "ticket_message" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "attachment" add constraint "attachment_uploader_customer_id_foreign" foreign key ("uploader_customer_id") references "customer" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "attachment" add constraint "attachment_uploader_staff_id_foreign" foreign key ("uploader_staff_id") references "staff_member" ("id") on update cascade on delete set null;`,
    );

    // The bytes apart, so listing attachments never reads them.
    this.addSql(`create table "attachment_content" (
      "attachment_id" uuid not null,
      "bytes" bytea not null,
      constraint "attachment_content_pkey" primary key ("attachment_id"));`);
    this.addSql(
      `alter table "attachment_content" add constraint "attachment_content_attachment_id_foreign" foreign key ("attachment_id") references "attachment" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "attachment_content" cascade;`);
    this.addSql(`drop table if exists "attachment" cascade;`);
  }
}
