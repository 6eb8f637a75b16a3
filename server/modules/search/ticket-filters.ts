import type { TicketFilter } from '../ticket/ticket-query.types';
import { ticketSearchCondition, type SearchScope } from './search-condition';

/**
 * A target missed whatever the time: a first reply or resolution that came late, or a paused
 * ticket whose open target had already used its whole budget (sla-clock's rule: used >= target).
 * The same text is the predicate of the partial index ticket_sla_breached_index (migration
 * ticket_filter_indexes), so PostgreSQL reads that index for it: keep both identical.
 */
export const BREACHED_WHATEVER_THE_TIME = (t: string) =>
  `((${t}.first_reply_at is not null and ${t}.first_reply_minutes >= ${t}.support_day_minutes)` +
  ` or (${t}.resolved_at is not null and ${t}.resolution_minutes >= ${t}.support_day_minutes * (case when ${t}.complex then 3 else 1 end))` +
  ` or (${t}.clock_running_since is null and ${t}.first_reply_at is null and ${t}.clock_used_minutes >= ${t}.support_day_minutes)` +
  ` or (${t}.clock_running_since is null and ${t}.resolved_at is null and ${t}.clock_used_minutes >= ${t}.support_day_minutes * (case when ${t}.complex then 3 else 1 end)))`;

/** One condition over the ticket table (alias `t`) with its `?` bindings: the list's SqlCondition shape. */
export interface TicketCondition {
  sql: string;
  params: unknown[];
}

/** Enum values written into the SQL text: only ever enum names. */
function enumList(values: readonly string[]): string {
  for (const value of values) if (!/^[A-Z_]+$/.test(value)) throw new RangeError(`not an enum value: ${JSON.stringify(value)}`);
  return values.map((value) => `'${value}'`).join(', ');
}

function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}

/**
 * The conditions of the search, SLA, platform and resolution filters of `tickets(filter:)`,
 * each read through an index (the GIN search documents, partial and expression indexes of
 * migration ticket_filter_indexes). `now` decides which running targets are past due.
 */
export function ticketReportFilterConditions(filter: TicketFilter | null | undefined, scope: SearchScope, now: Date): TicketCondition[] {
  if (!filter) return [];
  const conditions: TicketCondition[] = [];
  const search = filter.search?.trim();
  if (search) conditions.push(ticketSearchCondition(search, scope));
  // A running ticket's urgency_at is the due time of its open target: past it, that target is breached.
  if (filter.breached === true) conditions.push({ sql: `${BREACHED_WHATEVER_THE_TIME('t')} or t.urgency_at <= ?`, params: [now] });
  if (filter.breached === false) conditions.push({ sql: `not ${BREACHED_WHATEVER_THE_TIME('t')} and t.urgency_at > ?`, params: [now] });
  if (filter.platforms?.length) conditions.push({ sql: `(t.environment ->> 'platform') in (${enumList(filter.platforms)})`, params: [] });
  if (filter.opencartLines?.length) {
    conditions.push({ sql: `ticket_opencart_line(t.environment) in (${placeholders(filter.opencartLines)})`, params: [...filter.opencartLines] });
  }
  if (filter.opencartVersions?.length) {
    const versions = filter.opencartVersions.map((v) => v.trim());
    conditions.push({ sql: `(t.environment ->> 'opencartVersion') in (${placeholders(versions)})`, params: versions });
  }
  if (filter.flags?.length) conditions.push({ sql: `t.platform_flags && array[${enumList(filter.flags)}]::platform_flag[]`, params: [] });
  if (filter.notEnglish === true) conditions.push({ sql: 't.not_english', params: [] });
  if (filter.notEnglish === false) conditions.push({ sql: 'not t.not_english', params: [] });
  if (filter.resolvedAfter) conditions.push({ sql: 't.resolved_at >= ?', params: [filter.resolvedAfter] });
  if (filter.resolvedBefore) conditions.push({ sql: 't.resolved_at < ?', params: [filter.resolvedBefore] });
  if (filter.closedAfter) conditions.push({ sql: 't.closed_at >= ?', params: [filter.closedAfter] });
  if (filter.closedBefore) conditions.push({ sql: 't.closed_at < ?', params: [filter.closedBefore] });
  return conditions;
}
