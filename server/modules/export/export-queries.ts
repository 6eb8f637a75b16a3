import type { FilterQuery } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../common/logger';
import { readSide } from '../../common/read-side';
import { Refund } from '../refund/refund.entity';
import { BREACHED_WHATEVER_THE_TIME } from '../search/ticket-filters';

/** Rows of one read, keyed by column name. */
export type ExportPage = Array<Record<string, unknown>>;

/** A condition over `ticket t` with its `?` bindings (the ticket list's conditions). */
interface TicketCondition {
  sql: string;
  params: unknown[];
}

export const TICKET_COLUMNS = [
  'number',
  'created_at',
  'subject',
  'status',
  'category',
  'coverage',
  'priority',
  'team',
  'customer_email',
  'customer_name',
  'assignee_email',
  'platform',
  'opencart_version',
  'opencart_line',
  'php_version',
  'flags',
  'not_english',
  'sla_guaranteed',
  'first_reply_at',
  'first_reply_support_minutes',
  'resolved_at',
  'resolution_support_minutes',
  'closed_at',
  'sla_breached_before_now',
] as const;

// Instants as ISO 8601 text from PostgreSQL itself (exact, with the offset).
const iso = (column: string) => `to_json(${column}) #>> '{}'`;

const TICKET_SELECT = `
  t.id as key_id, t.created_at::text as key_created_at,
  'OC-' || lpad(t.serial::text, 6, '0') as number, ${iso('t.created_at')} as created_at, t.subject, t.status, t.category, t.coverage, t.priority, t.team,
  c.email as customer_email, c.name as customer_name, a.email as assignee_email,
  t.environment ->> 'platform' as platform, t.environment ->> 'opencartVersion' as opencart_version,
  ticket_opencart_line(t.environment) as opencart_line, t.environment ->> 'phpVersion' as php_version,
  array_to_string(t.platform_flags::text[], ' ') as flags, t.not_english, t.sla_guaranteed,
  ${iso('t.first_reply_at')} as first_reply_at, t.first_reply_minutes as first_reply_support_minutes,
  ${iso('t.resolved_at')} as resolved_at, t.resolution_minutes as resolution_support_minutes, ${iso('t.closed_at')} as closed_at,
  ${BREACHED_WHATEVER_THE_TIME('t')} as sla_breached_before_now`;

/**
 * The tickets the conditions select, oldest first, one keyset page per statement (index
 * ticket_created_at_id_index): nothing is held but the page being written.
 */
export async function* ticketPages(orm: MikroORM, conditions: readonly TicketCondition[], pageSize: number, log?: Logger): AsyncGenerator<ExportPage> {
  const reads = readSide(orm.em, log);
  let after: { createdAt: string; id: string } | null = null;
  for (;;) {
    const where = [...conditions];
    if (after) where.push({ sql: '(t.created_at, t.id) > (?::timestamptz, ?::uuid)', params: [after.createdAt, after.id] });
    const sql = `select ${TICKET_SELECT}
      from "ticket" t join "customer" c on c.id = t.customer_id left join "staff_member" a on a.id = t.assignee_id
      where ${where.map((c) => `(${c.sql})`).join(' and ') || 'true'}
      order by t.created_at, t.id limit ?`;
    const rows = (await reads.execute(sql, [...where.flatMap((c) => c.params), pageSize])) as ExportPage;
    if (rows.length === 0) return;
    const last = rows.at(-1)!;
    after = { createdAt: String(last.key_created_at), id: String(last.key_id) };
    yield rows;
    if (rows.length < pageSize) return;
  }
}

export const REFUND_COLUMNS = [
  'requested_at',
  'customer_email',
  'customer_name',
  'period_start',
  'period_end',
  'amount',
  'currency',
  'reason',
  'status',
  'rule',
  'decided_at',
  'decided_by_email',
] as const;

/** The refunds the filters select, oldest first, in keyset pages read without an identity map. */
export async function* refundPages(orm: MikroORM, filters: FilterQuery<Refund>[], pageSize: number, log?: Logger): AsyncGenerator<ExportPage> {
  const reads = readSide(orm.em, log);
  let after: { createdAt: Date; id: string } | null = null;
  for (;;) {
    const where: FilterQuery<Refund>[] = [...filters];
    if (after) where.push({ $or: [{ createdAt: { $gt: after.createdAt } }, { createdAt: after.createdAt, id: { $gt: after.id } }] });
    const refunds = await reads.run((connectionType) =>
      orm.em.fork().find(
        Refund,
        { $and: where },
        {
          populate: ['customer', 'decidedBy'],
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
          limit: pageSize,
          disableIdentityMap: true,
          connectionType,
        },
      ),
    );
    if (refunds.length === 0) return;
    const last = refunds.at(-1)!;
    after = { createdAt: last.createdAt, id: last.id };
    yield refunds.map((refund) => ({
      requested_at: refund.createdAt,
      customer_email: refund.customer.email,
      customer_name: refund.customer.name,
      period_start: refund.periodStart,
      period_end: refund.periodEnd,
      // Minor units, as stored: 1999 is 19.99.
      amount: refund.amount,
      currency: refund.currency,
      reason: refund.reason,
      status: refund.status,
      rule: refund.rule,
      decided_at: refund.decidedAt ?? null,
      decided_by_email: refund.decidedBy?.email ?? null,
    }));
    if (refunds.length < pageSize) return;
  }
}
