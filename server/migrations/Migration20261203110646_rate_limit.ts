import { Migration } from '@mikro-orm/migrations';

/**
 * The store of the rate limits (server/app/rate-limit.ts): one row per caller and window,
 * shared by every server process. The columns are those rate-limiter-flexible's Postgres store expects.
 */
export class Migration20261203110646_rate_limit extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "rate_limit" ("key" varchar(255) not null, "points" int not null default 0, "expire" bigint null, constraint "rate_limit_pkey" primary key ("key"));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "rate_limit" cascade;`);
  }
}
