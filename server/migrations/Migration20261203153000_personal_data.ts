import { Migration } from '@mikro-orm/migrations';

export class Migration20261203153000_personal_data extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "customer_erasure" ("customer_id" uuid not null, "erased_by_id" uuid not null, "erased_at" timestamptz not null, constraint "customer_erasure_pkey" primary key ("customer_id"));`,
    );
    this.addSql(
      `alter table "customer_erasure" add constraint "customer_erasure_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "customer_erasure" add constraint "customer_erasure_erased_by_id_foreign" foreign key ("erased_by_id") references "staff_member" ("id") on update cascade;`,
    );
    this.addSql(`alter type "access_shred_reason" add value if not exists 'CUSTOMER_ERASED';`);
    // The audit trail stays append-only, with one exception: an erasure of personal data
    // (customerErase, which sets support_desk.erasing for its own transaction) may rewrite an
    // entry's details, and nothing else of it. Deleting stays refused.
    this.addSql(`create or replace function "audit_event_append_only"() returns trigger language plpgsql as $$
      begin
        if tg_op = 'UPDATE' and current_setting('support_desk.erasing', true) = 'on'
           and new.id = old.id and new.customer_id = old.customer_id and new.ticket_id is not distinct from old.ticket_id
           and new.actor_kind = old.actor_kind and new.actor_staff_id is not distinct from old.actor_staff_id
           and new.action = old.action and new.rule is not distinct from old.rule and new.created_at = old.created_at then
          return new;
        end if;
        raise exception 'audit_event is append-only (% refused)', tg_op;
      end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`create or replace function "audit_event_append_only"() returns trigger language plpgsql as $$
      begin raise exception 'audit_event is append-only (% refused)', tg_op; end $$;`);
    this.addSql(`drop table if exists "customer_erasure" cascade;`);
  }
}
