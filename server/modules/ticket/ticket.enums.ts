import { registerEnumType } from 'type-graphql';

export enum TicketStatus {
  AWAITING_ACCESS = 'AWAITING_ACCESS',
  OPEN = 'OPEN',
  IN_PROGRESS = 'IN_PROGRESS',
  WAITING_ON_CUSTOMER = 'WAITING_ON_CUSTOMER',
  RESOLVED = 'RESOLVED',
  CLOSED = 'CLOSED',
}
registerEnumType(TicketStatus, {
  name: 'TicketStatus',
  valuesConfig: {
    AWAITING_ACCESS: { description: 'Waiting for the merchant to supply store-admin and FTP access; the SLA clock is paused.' },
    OPEN: { description: 'Waiting on support; the SLA clock runs during support hours.' },
    IN_PROGRESS: { description: 'Support is working on it; the SLA clock runs during support hours.' },
    WAITING_ON_CUSTOMER: { description: 'Waiting for the merchant to answer; the SLA clock is paused.' },
    RESOLVED: { description: 'Support considers the matter fixed; the merchant should disable the temporary access.' },
    CLOSED: { description: 'Finished, or denied; nothing more happens.' },
  },
});

/** Declared from least to most urgent: PostgreSQL sorts a native enum in declaration order. */
export enum TicketPriority {
  LOW = 'LOW',
  NORMAL = 'NORMAL',
  HIGH = 'HIGH',
  URGENT = 'URGENT',
}
registerEnumType(TicketPriority, { name: 'TicketPriority' });

export enum AccessState {
  MISSING = 'MISSING',
  PROVIDED = 'PROVIDED',
  WAIVED = 'WAIVED',
}
registerEnumType(AccessState, {
  name: 'AccessState',
  valuesConfig: {
    MISSING: { description: 'No working store-admin and FTP access yet: work cannot start.' },
    PROVIDED: { description: 'The merchant supplied store-admin and FTP access.' },
    WAIVED: { description: 'Staff waived the access requirement, with a recorded reason.' },
  },
});

export enum AuthorKind {
  CUSTOMER = 'CUSTOMER',
  STAFF = 'STAFF',
  SYSTEM = 'SYSTEM',
}
registerEnumType(AuthorKind, { name: 'AuthorKind' });

export enum TicketOrder {
  NEWEST = 'NEWEST',
  OLDEST = 'OLDEST',
  MOST_URGENT = 'MOST_URGENT',
  RECENTLY_UPDATED = 'RECENTLY_UPDATED',
  RELEVANCE = 'RELEVANCE',
}
registerEnumType(TicketOrder, {
  name: 'TicketOrder',
  valuesConfig: {
    NEWEST: { description: 'Newest first.' },
    OLDEST: { description: 'Oldest first.' },
    MOST_URGENT: { description: 'Highest priority first, then the earliest due time; paused and finished tickets last.' },
    RECENTLY_UPDATED: { description: 'Most recently changed first.' },
    RELEVANCE: { description: 'Best match of `filter.search` first (subject above description above messages); only with a search.' },
  },
});
