/** The requests the bench times, as GraphQL documents for the API (the baseline answers the same paths). */

export type ScenarioName = 'staff-queue' | 'most-urgent-unfiltered' | 'overdue' | 'merchant-list' | 'node';

export interface Scenario {
  name: ScenarioName;
  /** Who asks: a staff token or a merchant's API key. */
  caller: 'staff' | 'merchant';
  query: string;
  variables?: Record<string, unknown>;
}

export const OPEN_STATUSES = ['AWAITING_ACCESS', 'OPEN', 'IN_PROGRESS', 'WAITING_ON_CUSTOMER'] as const;

/** The staff queue: what an agent's screen shows, open tickets most urgent first. */
export const STAFF_QUEUE = `{
  tickets(first: 50, orderBy: MOST_URGENT, filter: { statuses: [${OPEN_STATUSES.join(', ')}] }) {
    totalCount
    edges { node {
      number subject status priority firstReplyDueAt resolutionDueAt
      customer { name email }
      subscription { status plan { name kind } }
      assignee { name team }
      sla { running usedMinutes firstReply { dueAt remainingMinutes breached } resolution { dueAt remainingMinutes breached } }
      lastMessage { body createdAt }
    } }
  }
}`;

/** The README's playground example: every ticket, most urgent first, with the count. */
export const MOST_URGENT_UNFILTERED = `{
  tickets(first: 20, orderBy: MOST_URGENT) {
    totalCount
    edges { node { number subject status customer { name } sla { firstReply { dueAt remainingMinutes breached } } } }
  }
}`;

export const OVERDUE = `{
  tickets(first: 50, orderBy: MOST_URGENT, filter: { overdue: true }) {
    totalCount
    edges { node { number subject priority firstReplyDueAt resolutionDueAt customer { name } assignee { name } } }
  }
}`;

/** A merchant's own tickets in their OpenCart admin, newest first. */
export const MERCHANT_LIST = `{
  tickets(first: 20) {
    totalCount
    edges { node { number subject status createdAt firstReplyDueAt lastMessage { body createdAt } } }
  }
}`;

/** One ticket with its conversation. */
export const NODE = `query($id: ID!) {
  node(id: $id) {
    ... on Ticket {
      number subject status description
      customer { name }
      messages(first: 10) { totalCount nodes { body createdAt author { displayName } } }
    }
  }
}`;

export function scenarios(ticketGlobalId: string): Scenario[] {
  return [
    { name: 'staff-queue', caller: 'staff', query: STAFF_QUEUE },
    { name: 'most-urgent-unfiltered', caller: 'staff', query: MOST_URGENT_UNFILTERED },
    { name: 'overdue', caller: 'staff', query: OVERDUE },
    { name: 'merchant-list', caller: 'merchant', query: MERCHANT_LIST },
    { name: 'node', caller: 'staff', query: NODE, variables: { id: ticketGlobalId } },
  ];
}
