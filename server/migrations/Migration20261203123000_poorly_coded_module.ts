import { Migration } from '@mikro-orm/migrations';

export class Migration20261203123000_poorly_coded_module extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter type "platform_flag" add value if not exists 'POORLY_CODED_MODULE';`);
  }

  override async down(): Promise<void> {
    // PostgreSQL cannot drop an enum value; tickets carrying it lose it instead.
    this.addSql(`update "ticket" set "platform_flags" = array_remove("platform_flags", 'POORLY_CODED_MODULE');`);
  }
}
