import { randomUUID } from 'node:crypto';
import { BigIntType, Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { toGlobalId } from '../../common/global-id';
import { Node } from '../../common/node';
import { DomainEventType } from '../events/domain-event';

/**
 * One in-app notification for one person, written by the relay's `notifications` consumer.
 * Unique per event and recipient, so a redelivered event adds nothing.
 */
@ObjectType({ implements: Node, description: 'Something that happened that concerns the viewer (a reply, a status change, an escalation…).' })
@Entity({ tableName: 'notification' })
@Unique({ properties: ['eventId', 'recipient'] })
// Newest first is the outbox's order (several events can share an instant).
@Index({ properties: ['recipient', 'eventId', 'id'] })
export class Notification implements Node {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('Notification', this.id);
  }

  @Property({ type: new BigIntType('string') })
  eventId!: string;

  /** `customer:<id>` or `staff:<id>`. */
  @Property({ type: 'string', length: 80 })
  recipient!: string;

  @Field(() => DomainEventType)
  @Property({ type: 'string', length: 64 })
  type!: DomainEventType;

  @Property({ type: 'uuid', nullable: true })
  ticketId: string | null = null;

  @Field(() => String, { nullable: true, description: "The ticket's number, e.g. OC-000123, when it is about a ticket." })
  @Property({ type: 'string', length: 16, nullable: true })
  ticketNumber: string | null = null;

  @Field(() => String, { description: 'One line, the ticket number first.' })
  @Property({ type: 'string', length: 300 })
  title!: string;

  @Field(() => String, { description: "A few plain sentences; never a message's text, a credential or an internal note." })
  @Property({ type: 'text' })
  body!: string;

  @Field(() => Date, { description: 'When it happened.' })
  @Property({ type: 'Date', columnType: 'timestamptz' })
  occurredAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When the viewer marked it read; null while unread.' })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  readAt: Date | null = null;

  /** Filled in by the list that reads the page (one query for the page), not stored here. */
  @Field(() => OutboundEmail, {
    nullable: true,
    description: 'The email sent (or kept, when email is off) for this notification; null when the viewer gets no email for it.',
  })
  email?: OutboundEmail | null;
}

export enum OutboundEmailStatus {
  /** Waiting to be sent (or to be retried at `nextAttemptAt`). */
  PENDING = 'PENDING',
  SENT = 'SENT',
  /** Email is off (no SMTP_URL): kept and readable through the API only. */
  KEPT = 'KEPT',
}
registerEnumType(OutboundEmailStatus, {
  name: 'OutboundEmailStatus',
  valuesConfig: {
    PENDING: { description: 'Waiting to be sent, or to be tried again after a failure.' },
    SENT: { description: 'Accepted by the SMTP server.' },
    KEPT: { description: 'Email is off on this desk (no SMTP_URL): kept here, readable through the API.' },
  },
});

/** An email to one person, written with its notification; the mailer sends it (with retries). */
@ObjectType({ description: 'An email of a notification: exactly what is (or would be) sent.' })
@Entity({ tableName: 'outbound_email' })
@Unique({ properties: ['eventId', 'recipient'] })
@Index({ properties: ['status', 'nextAttemptAt'] })
export class OutboundEmail {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: new BigIntType('string') })
  eventId!: string;

  @Property({ type: 'string', length: 80 })
  recipient!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 254 })
  toAddress!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 300 })
  subject!: string;

  @Field(() => String, { description: 'The plain-text part.' })
  @Property({ type: 'text' })
  text!: string;

  @Field(() => String, { description: 'The HTML part.' })
  @Property({ type: 'text' })
  html!: string;

  @Field(() => OutboundEmailStatus)
  @Property({ type: 'string', length: 16 })
  status: OutboundEmailStatus = OutboundEmailStatus.PENDING;

  @Field(() => Int, { description: 'Attempts to send it so far.' })
  @Property({ type: 'integer' })
  attempts: number = 0;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  nextAttemptAt!: Date;

  /** Why the last attempt failed (the SMTP reply or network error, never a credential). */
  @Property({ type: 'string', length: 500, nullable: true })
  lastError: string | null = null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  sentAt: Date | null = null;

  /** The Message-ID: the same on every attempt, so a receiving server can drop a repeat. */
  @Property({ type: 'string', length: 200 })
  messageId!: string;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  createdAt!: Date;
}

/** A person's email choices; no row = every email their role gets. */
@Entity({ tableName: 'notification_preference' })
export class NotificationPreference {
  @PrimaryKey({ type: 'string', length: 80 })
  recipient!: string;

  @Property({ type: 'boolean' })
  emailEnabled: boolean = true;

  /** Event types to email; null = all of them. */
  @Property({ type: 'json', nullable: true })
  emailTypes: DomainEventType[] | null = null;
}
