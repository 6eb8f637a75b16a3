import { Migration } from '@mikro-orm/migrations';

export class Migration20261126022104_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "banned_identity_kind" as enum ('EMAIL', 'STORE_DOMAIN');`);
    this.addSql(`create type "ban_reason" as enum ('ACCOUNT_FORGERY', 'FALSIFIED_DATA', 'ABUSE', 'OFFENSIVE_BEHAVIOUR', 'COPYRIGHT_INFRINGEMENT');`);
    this.addSql(`create type "customer_status" as enum ('ACTIVE', 'BANNED');`);
    this.addSql(`create type "plan_kind" as enum ('ONE_TIME_FIX', 'PREMIUM_MONTHLY');`);
    this.addSql(`create type "staff_role" as enum ('AGENT', 'ADMIN');`);
    this.addSql(`create type "staff_team" as enum ('SUPPORT', 'DEVELOPMENT');`);
    this.addSql(`create type "subscription_status" as enum ('ACTIVE', 'CANCELLED', 'EXPIRED', 'REFUNDED');`);
    this.addSql(`create type "refund_reason" as enum ('SERVICE_NOT_DELIVERED', 'STOLEN_CARD', 'OTHER');`);
    this.addSql(`create type "refund_status" as enum ('PENDING', 'APPROVED', 'REJECTED');`);
    this.addSql(
      `create type "refund_rule" as enum ('STOLEN_CARD_NO_QUESTIONS', 'CURRENT_PERIOD_ONLY', 'ONE_PER_PERIOD', 'ACCESS_WITHHELD', 'THIRD_PARTY_NOT_COOPERATING', 'PROMISE_BROKEN', 'NO_PROMISE_BROKEN', 'ADMIN_DECISION');`,
    );
    this.addSql(
      `create type "ticket_category" as enum ('INSTALLATION_SETUP', 'STORE_CONFIGURATION', 'SYSTEM_CONFIGURATION', 'MODULE_CONFIGURATION', 'SHIPPING_CONFIGURATION', 'PAYMENT_PROVIDER_CONFIGURATION', 'LANGUAGE_CONFIGURATION', 'MODULE_CONSULTATION', 'BUG_FIX', 'ISSUE_PROFILING', 'COMPLEX_CUSTOMISATION', 'CUSTOM_EXTENSION_DEVELOPMENT', 'THIRD_PARTY_EXTENSION_IMPROVEMENT', 'FRONT_END_CHANGE', 'THEME_CUSTOMISATION', 'PAYMENT_METHOD_CHANGE', 'NEW_FUNCTIONALITY', 'SERVER_CONFIGURATION', 'EXTERNAL_CONFIGURATION');`,
    );
    this.addSql(`create type "coverage" as enum ('COVERED', 'CUSTOM_DEVELOPMENT', 'OUTSIDE_AGREEMENT');`);
    this.addSql(`create type "ticket_status" as enum ('AWAITING_ACCESS', 'OPEN', 'IN_PROGRESS', 'WAITING_ON_CUSTOMER', 'RESOLVED', 'CLOSED');`);
    this.addSql(`create type "ticket_priority" as enum ('LOW', 'NORMAL', 'HIGH', 'URGENT');`);
    this.addSql(`create type "platform_flag" as enum ('LEGACY_VERSION', 'NON_NATIVE_PORT', 'WRONG_MODULE_VERSION', 'UNKNOWN_VERSION');`);
    this.addSql(`create type "access_state" as enum ('MISSING', 'PROVIDED', 'WAIVED');`);
    this.addSql(`create type "quote_status" as enum ('PENDING', 'ACCEPTED', 'DECLINED');`);
    this.addSql(`create type "port_decision" as enum ('ACCEPT', 'ACCEPT_WITH_SURCHARGE', 'DENY');`);
    this.addSql(`create type "author_kind" as enum ('CUSTOMER', 'STAFF', 'SYSTEM');`);
    this.addSql(
      `create table "banned_identity" ("id" uuid not null, "kind" "banned_identity_kind" not null, "value" varchar(2048) not null, "customer_id" uuid not null, "reason" "ban_reason" not null, "created_at" timestamptz not null default now(), constraint "banned_identity_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "banned_identity" add constraint "banned_identity_kind_value_unique" unique ("kind", "value");`);

    this.addSql(
      `create table "customer" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "email" varchar(254) not null, "name" varchar(120) not null, "company" varchar(120) null, "store_url" varchar(2048) null, "status" "customer_status" not null default 'ACTIVE', "ban_reason" "ban_reason" null, "ban_note" text null, "banned_at" timestamptz null, constraint "customer_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "customer" add constraint "customer_email_unique" unique ("email");`);

    this.addSql(
      `create table "merchant_api_key" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "customer_id" uuid not null, "name" varchar(120) not null, "token_hash" varchar(64) not null, "prefix" varchar(16) not null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, constraint "merchant_api_key_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "merchant_api_key_token_hash_index" on "merchant_api_key" ("token_hash");`);

    this.addSql(
      `create table "plan" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "kind" "plan_kind" not null, "name" varchar(120) not null, "description" text not null, "price_amount" int not null, "currency" varchar(3) not null default 'USD', "ticket_allowance" int not null, "contract_months" int not null, "guaranteed_reply" boolean not null default false, "development_team_access" boolean not null default false, "active" boolean not null default true, constraint "plan_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "plan" add constraint "plan_kind_unique" unique ("kind");`);

    this.addSql(
      `create table "staff_member" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "email" varchar(254) not null, "name" varchar(120) not null, "role" "staff_role" not null default 'AGENT', "team" "staff_team" not null default 'SUPPORT', "token_hash" varchar(64) not null, "active" boolean not null default true, "last_seen_at" timestamptz null, constraint "staff_member_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "staff_member" add constraint "staff_member_email_unique" unique ("email");`);
    this.addSql(`create index "staff_member_token_hash_index" on "staff_member" ("token_hash");`);

    this.addSql(
      `create table "subscription" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "customer_id" uuid not null, "plan_id" uuid not null, "contract_start" timestamptz not null, "months" int not null, "status" "subscription_status" not null default 'ACTIVE', "payment_reference" varchar(200) null, "price_amount" int not null, "currency" varchar(3) not null, "cancelled_at" timestamptz null, constraint "subscription_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "subscription_customer_id_status_index" on "subscription" ("customer_id", "status");`);

    this.addSql(
      `create table "refund" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "subscription_id" uuid not null, "customer_id" uuid not null, "period_index" int not null, "period_start" timestamptz not null, "period_end" timestamptz not null, "amount" int not null, "currency" varchar(3) not null, "reason" "refund_reason" not null, "details" text not null, "status" "refund_status" not null default 'PENDING', "rule" "refund_rule" not null, "decided_by_id" uuid null, "decided_at" timestamptz null, "decision_note" text null, constraint "refund_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "refund" add constraint "refund_subscription_id_period_index_unique" unique ("subscription_id", "period_index");`);

    this.addSql(
      `create table "ticket" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "serial" int not null, "customer_id" uuid not null, "subscription_id" uuid not null, "subject" varchar(200) not null, "description" text not null, "category" "ticket_category" not null, "coverage" "coverage" not null, "status" "ticket_status" not null default 'AWAITING_ACCESS', "priority" "ticket_priority" not null default 'NORMAL', "assignee_id" uuid null, "team" "staff_team" not null default 'SUPPORT', "complex" boolean not null default false, "environment" jsonb null, "platform_flags" "platform_flag"[] not null, "fix_guaranteed" boolean not null default true, "sla_guaranteed" boolean not null default false, "not_english" boolean not null default false, "consumes_allowance" boolean not null default true, "period_index" int null, "clock_used_minutes" int not null default 0, "clock_running_since" timestamptz null, "urgency_at" timestamptz not null default '9999-12-31T00:00:00Z', "first_reply_at" timestamptz null, "first_reply_minutes" int null, "resolved_at" timestamptz null, "resolution_minutes" int null, "closed_at" timestamptz null, "access_state" "access_state" not null default 'MISSING', "access_waiver_reason" text null, "access_disabled_at" timestamptz null, "quote_amount" int null, "quote_currency" varchar(3) null, "quote_note" text null, "quote_status" "quote_status" null, "port_decision" "port_decision" null, "port_decision_note" text null, "surcharge_amount" int null, "surcharge_status" "quote_status" null, "access_withheld" boolean not null default false, "third_party_blocked" boolean not null default false, "idempotency_key" varchar(100) null, "customer_last_read_at" timestamptz null, "last_activity_at" timestamptz not null default now(), constraint "ticket_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "ticket" add constraint "ticket_serial_unique" unique ("serial");`);
    this.addSql(`create index "ticket_subscription_id_period_index_index" on "ticket" ("subscription_id", "period_index");`);
    this.addSql(`create index "ticket_status_priority_urgency_at_index" on "ticket" ("status", "priority", "urgency_at");`);
    this.addSql(`create index "ticket_customer_id_created_at_index" on "ticket" ("customer_id", "created_at");`);
    this.addSql(`alter table "ticket" add constraint "ticket_customer_id_idempotency_key_unique" unique ("customer_id", "idempotency_key");`);

    this.addSql(
      `create table "audit_event" ("id" uuid not null, "customer_id" uuid not null, "ticket_id" uuid null, "actor_kind" "author_kind" not null, "actor_staff_id" uuid null, "action" varchar(64) not null, "rule" varchar(64) null, "details" jsonb null, "created_at" timestamptz not null default now(), constraint "audit_event_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "audit_event_customer_id_created_at_index" on "audit_event" ("customer_id", "created_at");`);
    this.addSql(`create index "audit_event_ticket_id_created_at_index" on "audit_event" ("ticket_id", "created_at");`);

    this.addSql(
      `create table "ticket_message" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "ticket_id" uuid not null, "author_kind" "author_kind" not null, "author_customer_id" uuid null, "author_staff_id" uuid null, "body" text not null, "internal" boolean not null default false, "not_english" boolean not null default false, constraint "ticket_message_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "ticket_message_ticket_id_created_at_index" on "ticket_message" ("ticket_id", "created_at");`);

    this.addSql(
      `alter table "merchant_api_key" add constraint "merchant_api_key_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "subscription" add constraint "subscription_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade;`,
    );
    this.addSql(`alter table "subscription" add constraint "subscription_plan_id_foreign" foreign key ("plan_id") references "plan" ("id") on update cascade;`);

    this.addSql(
      `alter table "refund" add constraint "refund_subscription_id_foreign" foreign key ("subscription_id") references "subscription" ("id") on update cascade;`,
    );
    this.addSql(`alter table "refund" add constraint "refund_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade;`);
    this.addSql(
      `alter table "refund" add constraint "refund_decided_by_id_foreign" foreign key ("decided_by_id") references "staff_member" ("id") on update cascade on delete set null;`,
    );

    this.addSql(`alter table "ticket" add constraint "ticket_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade;`);
    this.addSql(
      `alter table "ticket" add constraint "ticket_subscription_id_foreign" foreign key ("subscription_id") references "subscription" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "ticket" add constraint "ticket_assignee_id_foreign" foreign key ("assignee_id") references "staff_member" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "audit_event" add constraint "audit_event_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "audit_event" add constraint "audit_event_ticket_id_foreign" foreign key ("ticket_id") references "ticket" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "audit_event" add constraint "audit_event_actor_staff_id_foreign" foreign key ("actor_staff_id") references "staff_member" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "ticket_message" add constraint "ticket_message_ticket_id_foreign" foreign key ("ticket_id") references "ticket" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "ticket_message" add constraint "ticket_message_author_customer_id_foreign" foreign key ("author_customer_id") references "customer" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "ticket_message" add constraint "ticket_message_author_staff_id_foreign" foreign key ("author_staff_id") references "staff_member" ("id") on update cascade on delete set null;`,
    );

    // Human ticket numbers (OC-000001, …): a sequence, so concurrent inserts never collide.
    this.addSql(`create sequence "ticket_serial_seq" start 1;`);

    // The audit trail is append-only: history cannot be rewritten, even by the application.
    this.addSql(`create function "audit_event_append_only"() returns trigger language plpgsql as $$
      begin raise exception 'audit_event is append-only (% refused)', tg_op; end $$;`);
    this.addSql(`create trigger "audit_event_no_update" before update or delete on "audit_event"
      for each row execute function "audit_event_append_only"();`);
  }
}
