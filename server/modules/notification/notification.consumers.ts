import type { EntityManager } from '@mikro-orm/postgresql';
import { toGlobalId } from '../../common/global-id';
import { Customer } from '../customer/customer.entity';
import { CustomerErasure } from '../personal-data/customer-erasure.entity';
import type { DomainEventType, StoredDomainEvent } from '../events/domain-event';
import type { OutboxRelay } from '../events/outbox-relay';
import { StaffMember, StaffRole } from '../staff/staff-member.entity';
import { Ticket } from '../ticket/ticket.entity';
import { renderEmail, ticketUrl } from './email-template';
import { Notification, NotificationPreference, OutboundEmail, OutboundEmailStatus } from './notification.entity';
import { describe, factsNeeded, recipientKey, recipientsOf, type NotificationFacts, type Recipient } from './notification-rules';

export interface NotificationSettings {
  /** Emails are sent (SMTP_URL set); otherwise they are kept, readable through the API. */
  emailEnabled: boolean;
  /** TICKET_URL_TEMPLATE: the link in emails. */
  ticketUrlTemplate: string;
  /** Called after emails were queued, to wake the mailer. */
  onEmailQueued?: () => void;
}

/** The relay consumers of this module: in-app notifications and emails, from the same rules. */
export function registerNotificationConsumers(relay: OutboxRelay, settings: NotificationSettings): void {
  relay.register('notifications', async (event, { em }) => {
    const facts = await factsOf(em, event);
    const recipients = recipientsOf(event, facts);
    if (recipients.length === 0) return;
    const text = describe(event, facts);
    for (const recipient of recipients) {
      em.create(Notification, {
        eventId: event.id,
        recipient: recipientKey(recipient),
        type: event.type,
        ticketId: facts.ticket?.id ?? null,
        ticketNumber: facts.ticket?.number ?? null,
        title: text.title,
        body: text.body,
        occurredAt: event.occurredAt,
      } as never);
    }
  });

  relay.register('email', async (event, { em, idempotencyKey, afterCommit }) => {
    const facts = await factsOf(em, event);
    const recipients = recipientsOf(event, facts);
    if (recipients.length === 0) return;
    const text = describe(event, facts);
    const link = ticketUrl(settings.ticketUrlTemplate, facts.ticket ? { number: facts.ticket.number, globalId: toGlobalId('Ticket', facts.ticket.id) } : null);
    let queued = 0;
    for (const recipient of recipients) {
      const person = await addressOf(em, recipient);
      if (!person || !(await wantsEmail(em, recipient, event.type))) continue;
      const content = renderEmail({ notification: text, recipientName: person.name, ticketUrl: link, ticketNumber: facts.ticket?.number ?? null });
      const key = recipientKey(recipient);
      em.create(OutboundEmail, {
        eventId: event.id,
        recipient: key,
        toAddress: person.email,
        ...content,
        status: settings.emailEnabled ? OutboundEmailStatus.PENDING : OutboundEmailStatus.KEPT,
        nextAttemptAt: event.occurredAt,
        // Stable across retries and redeliveries: a receiving server can drop a repeat.
        messageId: `<${idempotencyKey.replace(':', '.')}.${key.replace(':', '.')}@opencart-support-desk>`,
        createdAt: event.occurredAt,
      } as never);
      queued += 1;
    }
    // After the commit: the mailer reads committed rows.
    if (queued && settings.emailEnabled && settings.onEmailQueued) afterCommit(settings.onEmailQueued);
  });
}

async function factsOf(em: EntityManager, event: StoredDomainEvent): Promise<NotificationFacts> {
  const ticket = event.ticketId ? await em.findOne(Ticket, { id: event.ticketId }) : null;
  // A disabled staff member stays the assignee of their tickets but can read nothing: the ticket's
  // news goes to its team, as while nobody is assigned, instead of to nobody.
  const assignee = ticket?.assignee ? await em.findOne(StaffMember, { id: ticket.assignee.id, active: true }, { fields: ['id'] }) : null;
  const needs = factsNeeded(event.type, !!assignee);
  const team = ticket?.team ?? event.team;
  const teamStaff = needs.team && team ? await em.find(StaffMember, { team: team as never, active: true }, { fields: ['id'] }) : [];
  const admins = needs.admins ? await em.find(StaffMember, { role: StaffRole.ADMIN, active: true }, { fields: ['id'] }) : [];
  return {
    ticket: ticket ? { id: ticket.id, number: ticket.number, subject: ticket.subject, assigneeId: assignee?.id ?? null, team: ticket.team } : null,
    teamStaffIds: teamStaff.map((s) => s.id),
    adminIds: admins.map((s) => s.id),
  };
}

async function addressOf(em: EntityManager, recipient: Recipient): Promise<{ email: string; name: string } | null> {
  if (recipient.kind === 'MERCHANT') {
    const customer = await em.findOne(Customer, { id: recipient.customerId });
    // An erased customer's address is a pseudonym: nothing is mailed to it.
    if (!customer || (await em.count(CustomerErasure, { customer: customer.id })) > 0) return null;
    return { email: customer.email, name: customer.name };
  }
  const staff = await em.findOne(StaffMember, { id: recipient.staffId, active: true });
  return staff ? { email: staff.email, name: staff.name } : null;
}

async function wantsEmail(em: EntityManager, recipient: Recipient, type: DomainEventType): Promise<boolean> {
  const preference = await em.findOne(NotificationPreference, { recipient: recipientKey(recipient) });
  if (!preference) return true;
  return preference.emailEnabled && (preference.emailTypes === null || preference.emailTypes.includes(type));
}
