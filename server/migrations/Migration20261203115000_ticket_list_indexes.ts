import { Migration } from '@mikro-orm/migrations';

/**
 * An index for every ordering and filter of `tickets`, so that no page gets slower as tickets
 * pile up: each ordering ends with the id (the cursor's tie-breaker), MOST_URGENT reads the
 * priorities from the top, and the overdue filter (and its count) reads the range of due times
 * up to now, which holds only tickets whose clock runs (the others sort at 9999-12-31).
 */
export class Migration20261203115000_ticket_list_indexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "ticket_most_urgent_index" on "ticket" ("priority" desc, "urgency_at", "id");`);
    this.addSql(`create index "ticket_urgency_at_index" on "ticket" ("urgency_at");`);
    this.addSql(`create index "ticket_created_at_id_index" on "ticket" ("created_at", "id");`);
    this.addSql(`create index "ticket_updated_at_id_index" on "ticket" ("updated_at", "id");`);
    this.addSql(`create index "ticket_assignee_id_created_at_id_index" on "ticket" ("assignee_id", "created_at", "id");`);
    this.addSql(`create index "ticket_customer_id_created_at_id_index" on "ticket" ("customer_id", "created_at", "id");`);
    this.addSql(`drop index "ticket_customer_id_created_at_index";`);
    // Counts filtered by category or team read an index instead of the table.
    this.addSql(`create index "ticket_category_index" on "ticket" ("category");`);
    this.addSql(`create index "ticket_team_index" on "ticket" ("team");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "ticket_team_index";`);
    this.addSql(`drop index "ticket_category_index";`);
    this.addSql(`create index "ticket_customer_id_created_at_index" on "ticket" ("customer_id", "created_at");`);
    this.addSql(`drop index "ticket_customer_id_created_at_id_index";`);
    this.addSql(`drop index "ticket_assignee_id_created_at_id_index";`);
    this.addSql(`drop index "ticket_updated_at_id_index";`);
    this.addSql(`drop index "ticket_created_at_id_index";`);
    this.addSql(`drop index "ticket_urgency_at_index";`);
    this.addSql(`drop index "ticket_most_urgent_index";`);
  }
}
