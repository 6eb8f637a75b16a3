import { Migration } from '@mikro-orm/migrations';

export class Migration20261126041646_ticket_support_day extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "ticket" add column "support_day_minutes" int not null default 540;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "ticket" drop column "support_day_minutes";`);
  }
}
