import type { MikroORM } from '@mikro-orm/postgresql';

/**
 * Database objects that migrations write by hand and no entity describes: tables kept by
 * triggers, partial and covering indexes, checks, foreign keys and columns of SQL-only tables.
 * The schema diff knows only the entities, so it would drop every one of them; migration:create
 * leaves out each statement that names one (`table` narrows a column's name to its table).
 * Add here whatever a hand-written migration creates.
 */
export const HAND_WRITTEN: readonly { name: string; table?: string }[] = [
  // Tables without an entity.
  { name: 'ticket_status_tally' },
  { name: 'ticket_status_tally_status_index' },
  { name: 'ticket_stats_fact' },
  { name: 'allowance_usage' },
  { name: 'ticket_stats_daily' },
  { name: 'ticket_stats_minutes_daily' },
  { name: 'ticket_stats_minutes' },
  { name: 'outbox_consumer' },
  { name: 'outbox_delivery' },
  // Indexes (partial, covering or on expressions the entities do not declare).
  { name: 'ticket_allowance_index' },
  { name: 'ticket_backlog_index' },
  { name: 'ticket_open_most_urgent_index' },
  { name: 'ticket_running_most_urgent_index' },
  { name: 'ticket_status_priority_urgency_at_index' },
  { name: 'ticket_subscription_id_period_index_index' },
  { name: 'notification_unread_index' },
  { name: 'refund_created_at_index' },
  { name: 'customer_banned_at_index' },
  { name: 'allowance_usage_at_limit_index' },
  { name: 'ticket_stats_fact_unsettled_index' },
  { name: 'ticket_stats_fact_customer_index' },
  { name: 'ticket_sla_escalation_index' },
  { name: 'sla_escalation_unsummarized_index' },
  // Checks and foreign keys written in SQL.
  { name: 'attachment_byte_size_check' },
  { name: 'ticket_satisfaction_rating_check' },
  { name: 'notification_event_id_fkey' },
  { name: 'outbound_email_event_id_fkey' },
  // The migration made it "on delete no action", the entity says cascade (a customer is never deleted: erasure keeps the row).
  { name: 'customer_erasure_customer_id_foreign' },
  // Columns written in SQL only.
  { name: 'recorded_at', table: 'outbox_event' },
];

const mentions = (statement: string, identifier: string) => new RegExp(`(^|[^A-Za-z0-9_])${identifier}($|[^A-Za-z0-9_])`).test(statement);

/** A statement of the diff that touches a hand-written object. */
export function touchesHandWritten(statement: string): boolean {
  return HAND_WRITTEN.some((object) => mentions(statement, object.name) && (!object.table || mentions(statement, object.table)));
}

/** The statements split as MikroORM's migrator splits them (one per `;` at a line's end). */
function statements(diff: string): string[] {
  return diff
    .split(/;\n/)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}

/** What a migration would need (up) between the entities and the database of `orm`, hand-written objects left alone. */
export async function schemaDrift(orm: MikroORM): Promise<{ up: string[]; down: string[] }> {
  const diff = await orm.getSchemaGenerator().getUpdateSchemaMigrationSQL({ wrap: false, safe: false, dropTables: true });
  return {
    up: statements(diff.up).filter((statement) => !touchesHandWritten(statement)),
    down: statements(diff.down).filter((statement) => !touchesHandWritten(statement)),
  };
}
