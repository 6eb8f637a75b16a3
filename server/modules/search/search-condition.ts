/**
 * The search condition on its own (no list code), so the ticket filter input and the list's
 * filter mapping can use it without importing the ranked page (ticket-search.ts), which reads
 * through the list.
 */

/** Longest search text accepted: a few sentences; longer input says nothing more to the ranking. */
export const SEARCH_MAX_LENGTH = 200;

/** Who searches decides which document: merchants their tickets' visible text, staff internal notes too. */
export type SearchScope = 'merchant' | 'staff';

// websearch_to_tsquery accepts anything a person types ("quoted phrases", or, -not) and never fails on syntax.
export const QUERY = `websearch_to_tsquery('english', ?)`;

function matchSql(scope: SearchScope): string {
  return scope === 'staff' ? `(s.document @@ ${QUERY} or s.internal_document @@ ${QUERY})` : `s.document @@ ${QUERY}`;
}

function matchParams(search: string, scope: SearchScope): string[] {
  return scope === 'staff' ? [search, search] : [search];
}

/**
 * Tickets whose search document matches `search` (words are stemmed: "refunds" finds "refund"),
 * over the ticket table (alias `t`). Both documents have a GIN index; a merchant's condition
 * never reads internal notes.
 */
export function ticketSearchCondition(search: string, scope: SearchScope): { sql: string; params: unknown[] } {
  return { sql: `t.id in (select s.ticket_id from ticket_search s where ${matchSql(scope)})`, params: matchParams(search, scope) };
}
