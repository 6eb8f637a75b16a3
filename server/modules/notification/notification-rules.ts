import { Money } from '../../common/money';
import { DomainEventType, type StoredDomainEvent } from '../events/domain-event';
import { RATING_MAX } from '../satisfaction/satisfaction-rules';

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
  DomainEventType.PORT_DECIDED,
  DomainEventType.ACCESS_VERIFIED,
  DomainEventType.ACCESS_SHREDDED,
  DomainEventType.REFUND_DECIDED,
  DomainEventType.ALLOWANCE_NEARLY_USED,
  DomainEventType.TICKET_MERGED,
];

/** The ticket's assignee is told; while nobody is assigned, the staff of the ticket's team. */
export const ASSIGNEE_OR_TEAM_EVENTS: readonly DomainEventType[] = [
  DomainEventType.MERCHANT_REPLIED,
  DomainEventType.QUOTE_ANSWERED,
  DomainEventType.SURCHARGE_ANSWERED,
  DomainEventType.ACCESS_PROVIDED,
  DomainEventType.ACCESS_VERIFIED,
  DomainEventType.ACCESS_DISABLED,
  DomainEventType.TICKET_RATED,
  DomainEventType.SLA_TARGET_AT_75_PERCENT,
];

/** Every admin is told. */
export const ADMIN_EVENTS: readonly DomainEventType[] = [
  DomainEventType.REFUND_REQUESTED,
  DomainEventType.CUSTOMER_BANNED,
  DomainEventType.SLA_BREACHED,
  DomainEventType.SLA_ESCALATIONS_CAUGHT_UP,
  DomainEventType.WEBHOOK_ENDPOINT_DISABLED,
];

/** A staff member's id (a UUID), as an assignment's `to` holds it. */
const STAFF_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Merchants are told of these even when their own action set them off (a filing uses the allowance). */
const MERCHANT_TOLD_OF_OWN = new Set<DomainEventType>([DomainEventType.ALLOWANCE_NEARLY_USED]);

/**
 * Who gets what (README, "Who is told"). Every event type reaches someone. Merchants: staff
 * replies, status changes (a resolution carries the "disable the access you gave" reminder),
 * quotes, surcharges, port decisions, checks and destruction of the access they gave, refund
 * decisions, their allowance nearly used, merges. Staff: new tickets of their team; on their
 * tickets (the team's while nobody is assigned) merchant replies, answers to quotes and
 * surcharges, access given, checked or disabled, ratings, the 75 % escalation; internal notes and
 * access reveals by colleagues on their tickets; a ticket assigned to them. Admins (and the assignee): breaches;
 * admins: refund requests, bans, the escalation catch-up, a webhook endpoint disabled. Nobody is
 * told of their own action; a staff-only event never reaches a merchant.
 */
export function recipientsOf(event: StoredDomainEvent, facts: NotificationFacts): Recipient[] {
  const staffIds: Array<string | null | undefined> = [];
  const assignee = facts.ticket?.assigneeId ?? null;
  switch (event.type) {
    case DomainEventType.TICKET_FILED:
      staffIds.push(...facts.teamStaffIds);
      break;
    case DomainEventType.INTERNAL_NOTE_ADDED:
    case DomainEventType.ACCESS_REVEALED:
    case DomainEventType.SLA_BREACHED:
      staffIds.push(assignee);
      break;
    case DomainEventType.TICKET_ASSIGNED:
      staffIds.push(typeof event.data.to === 'string' && STAFF_ID.test(event.data.to) ? event.data.to : null);
      break;
    default:
      break;
  }
  if (ASSIGNEE_OR_TEAM_EVENTS.includes(event.type)) staffIds.push(...(assignee ? [assignee] : facts.teamStaffIds));
  if (ADMIN_EVENTS.includes(event.type)) staffIds.push(...facts.adminIds);
  const recipients: Recipient[] = [...new Set(staffIds.filter((id): id is string => !!id))]
    .filter((id) => !(event.actor.kind === 'STAFF' && event.actor.id === id))
    .map((staffId) => ({ kind: 'STAFF', staffId }));

  const ownAction = event.actor.kind === 'MERCHANT' && !MERCHANT_TOLD_OF_OWN.has(event.type);
  if (!event.staffOnly && event.customerId && MERCHANT_EVENTS.includes(event.type) && !ownAction) {
    recipients.push({ kind: 'MERCHANT', customerId: event.customerId });
  }
  return recipients;
}

/** Which facts the rules need for an event: the team's staff, the admins. */
export function factsNeeded(type: DomainEventType, assigned: boolean): { team: boolean; admins: boolean } {
  return {
    team: type === DomainEventType.TICKET_FILED || (ASSIGNEE_OR_TEAM_EVENTS.includes(type) && !assigned),
    admins: ADMIN_EVENTS.includes(type),
  };
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

/** " of $49.00" from an event's amountMinor and currency, or nothing. */
function money(data: StoredDomainEvent['data']): string {
  if (typeof data.amountMinor !== 'number' || typeof data.currency !== 'string') return '';
  try {
    return ` of ${Money.of(data.amountMinor, data.currency).formatted}`;
  } catch {
    return '';
  }
}

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
    case DomainEventType.INTERNAL_NOTE_ADDED:
      return { title: title('an internal note was added'), body: `An internal note was added on ${label}. Open the ticket to read it.` };
    case DomainEventType.TICKET_ASSIGNED:
      return { title: title('assigned to you'), body: `${label} was assigned to you.` };
    case DomainEventType.QUOTE_ANSWERED:
    case DomainEventType.SURCHARGE_ANSWERED: {
      const what = event.type === DomainEventType.QUOTE_ANSWERED ? 'quote' : 'surcharge';
      const answer = event.data.accepted === true ? 'accepted' : 'declined';
      const next = event.data.accepted === true ? ' Work can go on.' : '';
      return { title: title(`the ${what} was ${answer}`), body: `The merchant ${answer} the ${what} for ${label}.${next}` };
    }
    case DomainEventType.PORT_DECIDED: {
      const decided: Record<string, string> = {
        ACCEPT: "Support will work on it on your store's platform.",
        ACCEPT_WITH_SURCHARGE: "Support can work on it on your store's platform for a surcharge, which waits for your answer on the ticket.",
        DENY: "Support cannot work on it on your store's platform: it is not a supported port of OpenCart.",
      };
      return {
        title: title(`platform ${event.data.decision === 'DENY' ? 'not supported' : 'accepted'}`),
        body: `${label} is on a port of OpenCart. ${decided[String(event.data.decision)] ?? `Support decided: ${words(event.data.decision)}.`}`,
      };
    }
    case DomainEventType.ACCESS_PROVIDED:
      return {
        title: title('store access given'),
        body: `Store access was given${event.data.replaced === true ? ' again (replacing the earlier one)' : ''} for ${label}. Staff see it only by opening it on the ticket.`,
      };
    case DomainEventType.ACCESS_VERIFIED: {
      const outcome: Record<string, string> = {
        OK: 'the login worked.',
        AUTH_FAILED: 'the server refused the login. Please check the username and password and give the access again on the ticket.',
        UNREACHABLE: 'the server could not be reached. Please check the host and port and give the access again on the ticket.',
      };
      return {
        title: title(event.data.outcome === 'OK' ? 'the store access works' : 'the store access does not work'),
        body: `The store access given for ${label} was checked: ${outcome[String(event.data.outcome)] ?? `${words(event.data.outcome)}.`}`,
      };
    }
    case DomainEventType.ACCESS_REVEALED:
      return {
        title: title('stored access opened'),
        body: `The stored ${words(event.data.field) || 'access'} of ${label} was opened by staff (each opening is in the audit trail).`,
      };
    case DomainEventType.ACCESS_DISABLED:
      return { title: title('the merchant disabled the access'), body: `The merchant confirmed that the temporary access given for ${label} is disabled.` };
    case DomainEventType.ACCESS_SHREDDED: {
      const why: Record<string, string> = {
        RESOLVED_DELAY_ELAPSED: 'the ticket was resolved some days ago',
        ACCESS_DISABLED: 'you confirmed it is disabled',
        WITHDRAWN: 'you withdrew it',
        CUSTOMER_BANNED: 'the account was closed',
        CUSTOMER_ERASED: 'your data was erased',
      };
      return {
        title: title('your store access was destroyed'),
        body: `Our copy of the store access you gave for ${label} was destroyed (${why[String(event.data.reason)] ?? words(event.data.reason)}); nobody can open it any more.`,
      };
    }
    case DomainEventType.REFUND_REQUESTED:
      return {
        title: 'Refund requested',
        body: `A merchant asked for a refund${money(event.data)} (${words(event.data.reason) || 'no reason given'}). Decide it with refundDecide.`,
      };
    case DomainEventType.CUSTOMER_BANNED:
      return {
        title: 'A customer was banned',
        body: `A customer account was banned (${words(event.data.reason)}); ${Number(event.data.ticketsClosed ?? 0)} open tickets were closed and its stored access destroyed.`,
      };
    case DomainEventType.ALLOWANCE_NEARLY_USED:
      return {
        title: `${event.data.remaining} of your ${event.data.limit} tickets left this period`,
        body: `With ${event.data.number ?? 'your latest ticket'}, ${event.data.remaining} of the ${event.data.limit} tickets your plan includes this period are left.`,
      };
    case DomainEventType.TICKET_MERGED:
      return {
        title: title(`${event.data.mergedTicketNumber} was merged into it`),
        body: `${event.data.mergedTicketNumber} was merged into ${label}: its messages are on ${facts.ticket?.number ?? 'this ticket'} now, and it is closed.`,
      };
    case DomainEventType.TICKET_RATED:
      return {
        title: title(`rated ${event.data.rating}`),
        body: `The merchant rated ${label} ${event.data.rating} of ${RATING_MAX}${event.data.withComment === true ? ', with a comment' : ''}.`,
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
