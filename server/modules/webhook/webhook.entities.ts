import { BigIntType, Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity';
import { toGlobalId } from '../../common/global-id';
import { DomainEventType } from '../events/domain-event';

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
}
registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  valuesConfig: {
    PENDING: { description: 'Waiting for its first attempt or a retry.' },
    DELIVERED: { description: 'The endpoint answered 2xx.' },
    FAILED: { description: 'Retried for 24 hours without a 2xx answer; an admin may deliver it again.' },
  },
});

@ObjectType({ description: 'An address of another system that receives the desk\'s events, signed (README, "Webhooks").' })
@Entity()
export class WebhookEndpoint extends BaseEntity<'enabled' | 'description' | 'disabledAt' | 'disabledReason'> {
  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('WebhookEndpoint', this.id);
  }

  @Field(() => String)
  @Property({ type: 'string', length: 2048 })
  url!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 200, nullable: true })
  description: string | null = null;

  @Field(() => [DomainEventType], { description: 'The events sent to it.' })
  @Property({ type: 'string[]', columnType: 'text[]' })
  eventTypes!: DomainEventType[];

  @Field(() => Boolean, { description: 'False once disabled by an admin, or after 24 hours of failed deliveries.' })
  @Property({ type: 'boolean' })
  enabled: boolean = true;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  disabledAt: Date | null = null;

  @Field(() => String, { nullable: true, description: 'Why it was disabled.' })
  @Property({ type: 'string', length: 300, nullable: true })
  disabledReason: string | null = null;

  /** The signing secret, sealed with its own data key (the vault's envelope). */
  @Property({ type: 'blob' })
  secretBox!: Buffer;

  @Property({ type: 'blob' })
  wrappedKey!: Buffer;

  @Property({ type: 'string', length: 32 })
  masterKeyId!: string;

  @Property({ type: 'uuid', nullable: true })
  createdBy: string | null = null;
}

@ObjectType({ description: 'One event sent to one endpoint, with every attempt.' })
@Entity()
@Unique({ properties: ['endpoint', 'eventId'] })
@Index({ properties: ['status', 'nextAttemptAt'] })
@Index({ properties: ['endpoint', 'createdAt'] })
export class WebhookDelivery extends BaseEntity<'status' | 'attemptCount' | 'lastStatusCode' | 'deliveredAt'> {
  @Field(() => ID, { name: 'id', description: 'Also sent as the X-Support-Desk-Delivery header: the same on every retry.' })
  get globalId(): string {
    return toGlobalId('WebhookDelivery', this.id);
  }

  @ManyToOne(() => WebhookEndpoint, { deleteRule: 'cascade' })
  endpoint!: WebhookEndpoint;

  /** The outbox event's id: one delivery per endpoint and event, however often the relay hands it over. */
  @Field(() => String, { description: "The event's id, as in the body." })
  @Property({ type: new BigIntType('string') })
  eventId!: string;

  @Field(() => DomainEventType)
  @Property({ type: 'string', length: 64 })
  eventType!: DomainEventType;

  /** The exact bytes sent: retries and redeliveries send the same body. */
  @Field(() => String, { description: 'The JSON body sent.' })
  @Property({ type: 'text' })
  body!: string;

  @Field(() => WebhookDeliveryStatus)
  @Enum({ items: () => WebhookDeliveryStatus, nativeEnumName: 'webhook_delivery_status' })
  status: WebhookDeliveryStatus = WebhookDeliveryStatus.PENDING;

  @Field(() => Int, { description: 'Attempts made so far (each listed in `attempts`).' })
  @Property({ type: 'integer', fieldName: 'attempts' })
  attemptCount: number = 0;

  @Field(() => Date, { nullable: true, description: 'When the next attempt is due (pending deliveries).' })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  /** Retries stop after this instant: 24 hours after the first attempt (or an admin's redelivery). */
  @Property({ type: 'Date', columnType: 'timestamptz' })
  retryUntil!: Date;

  @Field(() => Int, { nullable: true, description: 'HTTP status of the last attempt; null when none answered.' })
  @Property({ type: 'integer', nullable: true })
  lastStatusCode: number | null = null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  deliveredAt: Date | null = null;
}

@ObjectType({ description: 'One HTTP request of a delivery.' })
@Entity()
@Index({ properties: ['delivery', 'attemptedAt'] })
export class WebhookAttempt extends BaseEntity {
  @ManyToOne(() => WebhookDelivery, { deleteRule: 'cascade' })
  delivery!: WebhookDelivery;

  @Field(() => Date)
  @Property({ type: 'Date', columnType: 'timestamptz' })
  attemptedAt!: Date;

  @Field(() => Int, { nullable: true, description: 'The HTTP status answered; null when there was no answer (see `error`).' })
  @Property({ type: 'integer', nullable: true })
  statusCode!: number | null;

  @Field(() => Int, { description: 'From sending the request to the end of the answer, in milliseconds.' })
  @Property({ type: 'integer' })
  durationMs!: number;

  @Field(() => String, { nullable: true, description: 'TIMEOUT, UNREACHABLE or PRIVATE_ADDRESS when there was no answer.' })
  @Property({ type: 'string', length: 32, nullable: true })
  error!: string | null;
}
