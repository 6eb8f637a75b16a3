import { Migration } from '@mikro-orm/migrations';

/**
 * Escalations recorded without their own message (crossed too long before the job saw them): a
 * breach waits in the partial index until one summary event claims it.
 */
export class Migration20261203211000_sla_escalation_catch_up extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "sla_escalation" add column "notified" boolean not null default true, add column "summarized_at" timestamptz null;`);
    this.addSql(`create index "sla_escalation_unsummarized_index" on "sla_escalation" ("ticket_id") where not "notified" and "summarized_at" is null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "sla_escalation_unsummarized_index";`);
    this.addSql(`alter table "sla_escalation" drop column if exists "summarized_at", drop column if exists "notified";`);
  }
}
