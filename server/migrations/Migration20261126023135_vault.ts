import { Migration } from '@mikro-orm/migrations';

export class Migration20261126023135_vault extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "file_protocol" as enum ('FTP', 'FTPS', 'SFTP');`);
    this.addSql(`create type "file_auth_method" as enum ('PASSWORD', 'PRIVATE_KEY');`);
    this.addSql(`create type "access_verification_outcome" as enum ('OK', 'AUTH_FAILED', 'UNREACHABLE');`);
    this.addSql(`create type "access_shred_reason" as enum ('RESOLVED_DELAY_ELAPSED', 'ACCESS_DISABLED', 'WITHDRAWN', 'CUSTOMER_BANNED');`);
    this.addSql(
      `create table "ticket_access" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "ticket_id" uuid not null, "generation" int not null default 0, "protocol" "file_protocol" not null, "auth_method" "file_auth_method" not null, "master_key_id" varchar(32) null, "wrapped_data_key" bytea null, "sealed_profile" bytea null, "sealed_secrets" bytea null, "provided_at" timestamptz not null, "verification_outcome" "access_verification_outcome" null, "verified_at" timestamptz null, "revealed_count" int not null default 0, "last_revealed_at" timestamptz null, "shred_after" timestamptz null, "shredded_at" timestamptz null, "shred_reason" "access_shred_reason" null, constraint "ticket_access_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "ticket_access" add constraint "ticket_access_ticket_id_unique" unique ("ticket_id");`);
    this.addSql(`create index "ticket_access_shredded_at_shred_after_index" on "ticket_access" ("shredded_at", "shred_after");`);

    this.addSql(
      `alter table "ticket_access" add constraint "ticket_access_ticket_id_foreign" foreign key ("ticket_id") references "ticket" ("id") on update cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "ticket_access" cascade;`);

    this.addSql(`drop type "file_protocol";`);
    this.addSql(`drop type "file_auth_method";`);
    this.addSql(`drop type "access_verification_outcome";`);
    this.addSql(`drop type "access_shred_reason";`);
  }
}
