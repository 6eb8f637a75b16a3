import { Migration } from '@mikro-orm/migrations';

export class Migration20261203210000_credential_revoked extends Migration {
  override async up(): Promise<void> {
    // Every process's open WebSockets learn at commit that a credential stopped holding (a key revoked,
    // a customer banned, a staff member disabled or given a new token), whichever code path made the change.
    this.addSql(
      `create function "credential_revoked_notify"() returns trigger language plpgsql as $$
       declare subject text;
       begin
         if tg_table_name = 'merchant_api_key' then
           if tg_op = 'DELETE' then subject := 'key:' || old.id::text;
           elsif new.revoked_at is not null and old.revoked_at is null then subject := 'key:' || new.id::text; end if;
         elsif tg_table_name = 'customer' then
           if tg_op = 'DELETE' then subject := 'customer:' || old.id::text;
           elsif new.status::text = 'BANNED' and old.status::text <> 'BANNED' then subject := 'customer:' || new.id::text; end if;
         elsif tg_table_name = 'staff_member' then
           if tg_op = 'DELETE' then subject := 'staff:' || old.id::text;
           elsif (old.active and not new.active) or new.token_hash <> old.token_hash then subject := 'staff:' || new.id::text; end if;
         end if;
         if subject is not null then perform pg_notify('credential_revoked', subject); end if;
         return null;
       end $$;`,
    );
    for (const table of ['merchant_api_key', 'customer', 'staff_member']) {
      this.addSql(
        `create trigger "credential_revoked_notify" after update or delete on "${table}" for each row execute function "credential_revoked_notify"();`,
      );
    }
  }

  override async down(): Promise<void> {
    for (const table of ['merchant_api_key', 'customer', 'staff_member']) this.addSql(`drop trigger if exists "credential_revoked_notify" on "${table}";`);
    this.addSql(`drop function if exists "credential_revoked_notify"();`);
  }
}
