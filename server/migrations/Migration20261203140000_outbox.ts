import { Migration } from '@mikro-orm/migrations';

export class Migration20261203140000_outbox extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "outbox_event" ("id" bigserial primary key, "type" varchar(64) not null, "occurred_at" timestamptz not null, "recorded_at" timestamptz not null default now(), "ticket_id" uuid null, "customer_id" uuid null, "team" varchar(32) null, "actor_kind" varchar(16) not null, "actor_id" uuid null, "staff_only" boolean not null, "data" jsonb not null);`,
    );
    this.addSql(`create index "outbox_event_ticket_id_id_index" on "outbox_event" ("ticket_id", "id");`);
    // One wake-up per inserting statement, sent by PostgreSQL when (and only if) the transaction commits.
    this.addSql(
      `create function "outbox_event_notify"() returns trigger language plpgsql as $$ begin perform pg_notify('outbox_event', ''); return null; end $$;`,
    );
    this.addSql(`create trigger "outbox_event_notify" after insert on "outbox_event" for each statement execute function "outbox_event_notify"();`);
    // The relay: a consumer's watermark (every event up to it is delivered) and its deliveries above it.
    this.addSql(`create table "outbox_consumer" ("name" varchar(64) primary key, "delivered_through" bigint not null default 0);`);
    this.addSql(
      `create table "outbox_delivery" ("consumer" varchar(64) not null, "event_id" bigint not null references "outbox_event" ("id") on delete cascade, "delivered_at" timestamptz not null default now(), primary key ("consumer", "event_id"));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "outbox_delivery";`);
    this.addSql(`drop table if exists "outbox_consumer";`);
    this.addSql(`drop trigger if exists "outbox_event_notify" on "outbox_event";`);
    this.addSql(`drop function if exists "outbox_event_notify"();`);
    this.addSql(`drop table if exists "outbox_event";`);
  }
}
