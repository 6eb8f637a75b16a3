import { Migration } from '@mikro-orm/migrations';

export class Migration20261203122300_ticket_withdrawn extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "ticket" add column "withdrawn_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "ticket" drop column "withdrawn_at";`);
  }
}
