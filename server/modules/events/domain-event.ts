import { registerEnumType } from 'type-graphql';

/** Everything the desk announces. Published by the service that makes the change, in its transaction. */
export enum DomainEventType {
  TICKET_FILED = 'TICKET_FILED',
  MERCHANT_REPLIED = 'MERCHANT_REPLIED',
  STAFF_REPLIED = 'STAFF_REPLIED',
  INTERNAL_NOTE_ADDED = 'INTERNAL_NOTE_ADDED',
  STATUS_CHANGED = 'STATUS_CHANGED',
  TICKET_ASSIGNED = 'TICKET_ASSIGNED',
  QUOTE_SET = 'QUOTE_SET',
  QUOTE_ANSWERED = 'QUOTE_ANSWERED',
  SURCHARGE_SET = 'SURCHARGE_SET',
  SURCHARGE_ANSWERED = 'SURCHARGE_ANSWERED',
  PORT_DECIDED = 'PORT_DECIDED',
  ACCESS_PROVIDED = 'ACCESS_PROVIDED',
  ACCESS_VERIFIED = 'ACCESS_VERIFIED',
  ACCESS_REVEALED = 'ACCESS_REVEALED',
  ACCESS_DISABLED = 'ACCESS_DISABLED',
  ACCESS_SHREDDED = 'ACCESS_SHREDDED',
  REFUND_REQUESTED = 'REFUND_REQUESTED',
  REFUND_DECIDED = 'REFUND_DECIDED',
  CUSTOMER_BANNED = 'CUSTOMER_BANNED',
  ALLOWANCE_NEARLY_USED = 'ALLOWANCE_NEARLY_USED',
  SLA_TARGET_AT_75_PERCENT = 'SLA_TARGET_AT_75_PERCENT',
  SLA_BREACHED = 'SLA_BREACHED',
  SLA_ESCALATIONS_CAUGHT_UP = 'SLA_ESCALATIONS_CAUGHT_UP',
  TICKET_MERGED = 'TICKET_MERGED',
  TICKET_RATED = 'TICKET_RATED',
  WEBHOOK_ENDPOINT_DISABLED = 'WEBHOOK_ENDPOINT_DISABLED',
}
registerEnumType(DomainEventType, {
  name: 'DomainEventType',
  description: 'Something that happened on the desk (README, "Events and notifications").',
  valuesConfig: {
    INTERNAL_NOTE_ADDED: { description: "Staff only: carries the note's message id, never its text." },
    ACCESS_REVEALED: { description: 'Staff only: stored store access was shown to a staff member.' },
    SLA_TARGET_AT_75_PERCENT: { description: "Staff only: a ticket has used 75 % of a target's support minutes." },
    SLA_BREACHED: { description: "Staff only: a ticket has used all of a target's support minutes." },
    SLA_ESCALATIONS_CAUGHT_UP: {
      description: 'Staff only: targets crossed while escalations were not running, too long ago to announce one by one (one summary).',
    },
    WEBHOOK_ENDPOINT_DISABLED: { description: 'Staff only: a webhook endpoint was disabled after 24 hours of failed deliveries.' },
  },
});

export type DomainEventActorKind = 'STAFF' | 'MERCHANT' | 'SYSTEM';

/** Facts only: ids, statuses, amounts, numbers. */
export type DomainEventData = Record<string, string | number | boolean | null>;

/**
 * One change, as its consumers (email, in-app notifications, webhooks, live subscriptions) see it.
 * `data` never holds a secret, a token, a credential or an internal note's body: an internal note's
 * event carries its message id only. `staffOnly` events never reach a merchant.
 */
export interface DomainEvent {
  type: DomainEventType;
  ticketId: string | null;
  customerId: string | null;
  /** The ticket's team (SUPPORT or DEVELOPMENT) when the event is about a ticket. */
  team: string | null;
  actor: { kind: DomainEventActorKind; id: string | null };
  staffOnly: boolean;
  data: DomainEventData;
}

/** An event as committed to the outbox: what the relay hands to every consumer. */
export interface StoredDomainEvent extends DomainEvent {
  /** The outbox row's id (a bigserial, as a decimal string): increasing in insertion order. */
  id: string;
  occurredAt: Date;
}
