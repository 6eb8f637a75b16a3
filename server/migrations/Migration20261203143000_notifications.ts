import { Migration } from '@mikro-orm/migrations';

export class Migration20261203143000_notifications extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "notification" ("id" uuid not null, "event_id" bigint not null references "outbox_event" ("id") on delete cascade, "recipient" varchar(80) not null, "type" varchar(64) not null, "ticket_id" uuid null, "ticket_number" varchar(16) null, "title" varchar(300) not null, "body" text not null, "occurred_at" timestamptz not null, "read_at" timestamptz null, constraint "notification_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "notification" add constraint "notification_event_id_recipient_unique" unique ("event_id", "recipient");`);
    this.addSql(`create index "notification_recipient_event_id_id_index" on "notification" ("recipient", "event_id", "id");`);
    this.addSql(`create index "notification_unread_index" on "notification" ("recipient") where "read_at" is null;`);

    this.addSql(
      `create table "outbound_email" ("id" uuid not null, "event_id" bigint not null references "outbox_event" ("id") on delete cascade, "recipient" varchar(80) not null, "to_address" varchar(254) not null, "subject" varchar(300) not null, "text" text not null, "html" text not null, "status" varchar(16) not null default 'PENDING', "attempts" int not null default 0, "next_attempt_at" timestamptz not null, "last_error" varchar(500) null, "sent_at" timestamptz null, "message_id" varchar(200) not null, "created_at" timestamptz not null, constraint "outbound_email_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "outbound_email" add constraint "outbound_email_event_id_recipient_unique" unique ("event_id", "recipient");`);
    this.addSql(`create index "outbound_email_status_next_attempt_at_index" on "outbound_email" ("status", "next_attempt_at");`);

    this.addSql(
      `create table "notification_preference" ("recipient" varchar(80) not null, "email_enabled" boolean not null default true, "email_types" jsonb null, constraint "notification_preference_pkey" primary key ("recipient"));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "notification_preference";`);
    this.addSql(`drop table if exists "outbound_email";`);
    this.addSql(`drop table if exists "notification";`);
  }
}
