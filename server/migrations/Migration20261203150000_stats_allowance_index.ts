import { Migration } from '@mikro-orm/migrations';

/**
 * supportStats' allowance section counts, for every active subscription, the tickets of its
 * current window: a count read from this index alone (no table rows) per subscription.
 */
export class Migration20261203150000_stats_allowance_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "ticket_allowance_index" on "ticket" ("subscription_id", "period_index") where "consumes_allowance";`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "ticket_allowance_index";`);
  }
}
