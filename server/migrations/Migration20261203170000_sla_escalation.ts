import { Migration } from '@mikro-orm/migrations';

/**
 * SLA escalations: one row per published escalation (ticket, target, kind), inserted with its
 * event; and the running clocks of guaranteed tickets, the only tickets the escalation job reads
 * (closed, resolved and paused ones are not in the index, so its passes do not grow with them).
 */
export class Migration20261203170000_sla_escalation extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "sla_escalation" ("ticket_id" uuid not null, "target" varchar(16) not null, "kind" varchar(16) not null, "reached_at" timestamptz null, "published_at" timestamptz not null, constraint "sla_escalation_pkey" primary key ("ticket_id", "target", "kind"));`,
    );
    this.addSql(
      `alter table "sla_escalation" add constraint "sla_escalation_ticket_id_foreign" foreign key ("ticket_id") references "ticket" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(`create index "ticket_sla_escalation_index" on "ticket" ("id") where "sla_guaranteed" and "urgency_at" < '9999-12-31 00:00:00+00';`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "ticket_sla_escalation_index";`);
    this.addSql(`drop table if exists "sla_escalation";`);
  }
}
