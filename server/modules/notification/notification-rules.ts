import { DomainEventType, type StoredDomainEvent } from '../events/domain-event';

/** Who is told: a merchant account, or one staff member. */
export type Recipient = { kind: 'MERCHANT'; customerId: string } | { kind: 'STAFF'; staffId: string };

export const recipientKey = (recipient: Recipient): string =>
  recipient.kind === 'MERCHANT' ? `customer:${recipient.customerId}` : `staff:${recipient.staffId}`;

/** What the rules need to know about the ticket and the staff, read by the consumer. */
export interface NotificationFacts {
  ticket: { id: string; number: string; subject: string; assigneeId: string | null; team: string } | null;
  /** Active staff of the ticket's team. */
  teamStaffIds: string[];
  /** Active admins. */
  adminIds: string[];
}

/** Events a merchant is told about (never a staff-only one). */
export const MERCHANT_EVENTS: readonly DomainEventType[] = [
  DomainEventType.STAFF_REPLIED,
  DomainEventType.STATUS_CHANGED,
  DomainEventType.QUOTE_SET,
  DomainEventType.SURCHARGE_SET,
  DomainEventType.REFUND_DECIDED,
];

/** Events staff are told about. */
export const STAFF_EVENTS: readonly DomainEventType[] = [
  DomainEventType.TICKET_FILED,
  DomainEventType.MERCHANT_REPLIED,
  DomainEventType.SLA_TARGET_AT_75_PERCENT,
  DomainEventType.SLA_BREACHED,
  DomainEventType.SLA_ESCALATIONS_CAUGHT_UP,
  DomainEventType.WEBHOOK_ENDPOINT_DISABLED,
];

/**
 * Who gets what (README, "Notifications"). Merchants: staff replies, status changes (a
 * resolution carries the "disable the access you gave" reminder), quotes, surcharges, refund
 * decisions. Staff: new tickets of their team, merchant replies on tickets assigned to them,
 * escalations (the assignee at 75 % of a target, or the team while nobody is assigned; every
 * admin and the assignee on a breach). Admins: a webhook endpoint disabled after failing. Nobody is told of their own action; a staff-only event
 * never reaches a merchant.
 */
export function recipientsOf(event: StoredDomainEvent, facts: NotificationFacts): Recipient[] {
  const staff = (ids: Array<string | null | undefined>): Recipient[] =>
    [...new Set(ids.filter((id): id is string => !!id))]
      .filter((id) => !(event.actor.kind === 'STAFF' && event.actor.id === id))
      .map((staffId) => ({ kind: 'STAFF', staffId }));
  const assignee = facts.ticket?.assigneeId ?? null;
  switch (event.type) {
    case DomainEventType.TICKET_FILED:
      return staff(facts.teamStaffIds);
    case DomainEventType.MERCHANT_REPLIED:
      return staff([assignee]);
    case DomainEventType.SLA_TARGET_AT_75_PERCENT:
      return staff(assignee ? [assignee] : facts.teamStaffIds);
    case DomainEventType.SLA_BREACHED:
      return staff([...facts.adminIds, assignee]);
    case DomainEventType.SLA_ESCALATIONS_CAUGHT_UP:
    case DomainEventType.WEBHOOK_ENDPOINT_DISABLED:
      return staff(facts.adminIds);
    default:
      break;
  }
  if (event.staffOnly || !event.customerId || !MERCHANT_EVENTS.includes(event.type)) return [];
  if (event.actor.kind === 'MERCHANT') return [];
  return [{ kind: 'MERCHANT', customerId: event.customerId }];
}

export interface NotificationText {
  /** One line: the ticket number first, e.g. "OC-000123: support replied". */
  title: string;
  /** A few plain sentences; never a message's text, a credential, a token or an internal note. */
  body: string;
}

const ticketLabel = (facts: NotificationFacts) => (facts.ticket ? `${facts.ticket.number} "${facts.ticket.subject}"` : 'your ticket');
const words = (value: unknown) =>
  String(value ?? '')
    .toLowerCase()
    .replace(/_/g, ' ');

/** The words of a notification (in-app and email alike), from the event's facts only. */
export function describe(event: StoredDomainEvent, facts: NotificationFacts): NotificationText {
  const number = facts.ticket?.number ?? null;
  const title = (text: string) => (number ? `${number}: ${text}` : text);
  const label = ticketLabel(facts);
  const target = event.data.target === 'RESOLUTION' ? 'resolution' : 'first reply';
  const amount = event.data.amount ? ` of ${event.data.amount}` : '';
  switch (event.type) {
    case DomainEventType.TICKET_FILED:
      return { title: title('new ticket'), body: `A new ticket was filed: ${label} (${words(event.data.category) || 'uncategorised'}).` };
    case DomainEventType.MERCHANT_REPLIED:
      return { title: title('the merchant replied'), body: `The merchant replied on ${label}. Open the ticket to read it.` };
    case DomainEventType.STAFF_REPLIED:
      return { title: title('support replied'), body: `Support replied on ${label}. Open the ticket to read the answer.` };
    case DomainEventType.STATUS_CHANGED: {
      const reminder =
        event.data.to === 'RESOLVED' ? ' Please disable the temporary store-admin and FTP access you gave us now, then confirm it on the ticket.' : '';
      return { title: title(`now ${words(event.data.to)}`), body: `${label} moved from ${words(event.data.from)} to ${words(event.data.to)}.${reminder}` };
    }
    case DomainEventType.QUOTE_SET:
      return {
        title: title('a quote is waiting for you'),
        body: `Support sent a quote${amount} for ${label}. Accept or decline it on the ticket; work starts once it is accepted.`,
      };
    case DomainEventType.SURCHARGE_SET:
      return {
        title: title('a surcharge is waiting for you'),
        body: `Support asked for a surcharge${amount} on ${label}. Accept or decline it on the ticket.`,
      };
    case DomainEventType.REFUND_DECIDED:
      return { title: `Refund ${words(event.data.decision)}`, body: `Your refund request was ${words(event.data.decision)}.` };
    case DomainEventType.SLA_TARGET_AT_75_PERCENT:
      return {
        title: title(`75 % of the ${target} time used`),
        body: `${label} has used 75 % of its ${target} time (${event.data.usedMinutes} of ${event.data.targetMinutes} support minutes); it is due at ${event.data.dueAt}.`,
      };
    case DomainEventType.SLA_BREACHED:
      return {
        title: title(`${target} target breached`),
        body: `${label} has used all of its ${target} time (${event.data.targetMinutes} support minutes), due at ${event.data.dueAt}.`,
      };
    case DomainEventType.SLA_ESCALATIONS_CAUGHT_UP:
      return {
        title: `${event.data.breached} guaranteed targets were breached while escalations were not running`,
        body: `Escalations were not running (a first start, or the desk was stopped): ${event.data.breached} guaranteed targets were breached more than ${event.data.catchUpMinutes} minutes before they were seen, the earliest at ${event.data.earliestReachedAt ?? 'an unknown time'}. They were recorded without one message each; the staff queue shows their tickets first, by urgency.`,
      };
    case DomainEventType.WEBHOOK_ENDPOINT_DISABLED:
      return {
        title: `Webhook endpoint disabled: ${event.data.host}`,
        body: `The webhook endpoint at ${event.data.host} was disabled after 24 hours of failed deliveries (last: ${event.data.lastFailure}). Events are no longer sent to it: fix the receiver, enable it again with webhookEndpointUpdate, then send the failed deliveries again with webhookDeliveryRedeliver.`,
      };
    default:
      return { title: title(words(event.type)), body: `${label}: ${words(event.type)}.` };
  }
}
