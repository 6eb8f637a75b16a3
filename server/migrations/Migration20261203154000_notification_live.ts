import { Migration } from '@mikro-orm/migrations';

export class Migration20261203154000_notification_live extends Migration {
  override async up(): Promise<void> {
    // Live `notificationAdded` subscribers of every process learn of a new notification when (and only if) its transaction commits.
    this.addSql(
      `create function "notification_added_notify"() returns trigger language plpgsql as $$ begin perform pg_notify('notification_added', new.recipient || ' ' || new.id::text); return null; end $$;`,
    );
    this.addSql(`create trigger "notification_added_notify" after insert on "notification" for each row execute function "notification_added_notify"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "notification_added_notify" on "notification";`);
    this.addSql(`drop function if exists "notification_added_notify"();`);
  }
}
