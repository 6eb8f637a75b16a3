import { Migration } from '@mikro-orm/migrations';

export class Migration20261126025607_refund_one_per_month extends Migration {
  override async up(): Promise<void> {
    // One refund per month, but a rejected request does not count: a later stolen-card claim
    // (or a better-founded request) for the same month must still be possible.
    this.addSql(`alter table "refund" drop constraint "refund_subscription_id_period_index_unique";`);
    this.addSql(
      `create unique index "refund_subscription_id_period_index_unique" on "refund" ("subscription_id", "period_index") where "status" <> 'REJECTED';`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "refund_subscription_id_period_index_unique";`);
    this.addSql(`alter table "refund" add constraint "refund_subscription_id_period_index_unique" unique ("subscription_id", "period_index");`);
  }
}
