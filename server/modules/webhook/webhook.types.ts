import { ArrayMaxSize, IsOptional, MaxLength } from 'class-validator';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../common/connection';
import { UserError } from '../../common/user-error';
import { DomainEventType } from '../events/domain-event';
import { WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint } from './webhook.entities';

export const WebhookEndpointConnection = ConnectionType(WebhookEndpoint, 'WebhookEndpoint');
export const WebhookDeliveryConnection = ConnectionType(WebhookDelivery, 'WebhookDelivery');

@InputType()
export class WebhookEndpointCreateInput {
  @Field(() => String, { description: 'https:// address (http:// to this machine in development only); public addresses only.' })
  @MaxLength(2048)
  url!: string;

  @Field(() => [DomainEventType], { description: 'The events to send to it.' })
  @ArrayMaxSize(100)
  eventTypes!: DomainEventType[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  description?: string | null;
}

@InputType()
export class WebhookEndpointUpdateInput {
  @Field(() => ID)
  endpointId!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2048)
  url?: string | null;

  @Field(() => [DomainEventType], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(100)
  eventTypes?: DomainEventType[] | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  description?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'false disables it; true enables it again and sends what waited, with a fresh 24 hours of retries.' })
  @IsOptional()
  enabled?: boolean | null;
}

@InputType()
export class WebhookEndpointIdInput {
  @Field(() => ID)
  endpointId!: string;
}

@InputType()
export class WebhookDeliveryRedeliverInput {
  @Field(() => ID)
  deliveryId!: string;
}

@InputType()
export class WebhookDeliveryFilter {
  @Field(() => WebhookDeliveryStatus, { nullable: true })
  @IsOptional()
  status?: WebhookDeliveryStatus | null;
}

@ObjectType()
export class WebhookEndpointPayload {
  @Field(() => WebhookEndpoint, { nullable: true })
  endpoint?: WebhookEndpoint | null;

  @Field(() => String, {
    nullable: true,
    description: 'The signing secret (HMAC-SHA256 key). Shown only in this response, on creation and rotation: store it now.',
  })
  secret?: string | null;

  @Field(() => [UserError])
  userErrors: UserError[] = [];
}

@ObjectType()
export class WebhookDeliveryPayload {
  @Field(() => WebhookDelivery, { nullable: true })
  delivery?: WebhookDelivery | null;

  @Field(() => [UserError])
  userErrors: UserError[] = [];
}
