import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../common/clock';
import { DomainError, UserErrorCode } from '../../common/user-error';
import type { DomainEventType } from '../events/domain-event';
import type { MasterKeyring } from '../vault/keyring';
import { checkWebhookUrl, type WebhookAddressPolicy } from './webhook-address';
import { RETRY_WINDOW_HOURS } from './webhook-retry';
import { sealWebhookSecret } from './webhook-secret';
import { newWebhookSecret } from './webhook-signature';
import { WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint } from './webhook.entities';

/** Endpoints one desk may have: each event is sent to every one of them. */
export const MAX_WEBHOOK_ENDPOINTS = 20;

export interface EndpointChanges {
  url?: string | null;
  eventTypes?: DomainEventType[] | null;
  description?: string | null;
  enabled?: boolean | null;
}

/** Admins' management of webhook endpoints; runs inside the caller's transaction. */
export class WebhookService {
  constructor(
    private readonly em: EntityManager,
    private readonly keyring: MasterKeyring,
    private readonly clock: Clock,
    private readonly policy: WebhookAddressPolicy,
    /** Told when a delivery is due again at once (the dispatcher looks for it without waiting). */
    private readonly onRedelivered: () => void = () => {},
  ) {}

  /** A new endpoint and its signing secret, which is returned only here (and by rotateSecret). */
  async create(
    input: { url: string; eventTypes: DomainEventType[]; description?: string | null },
    createdBy: string,
  ): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    await this.assertUrl(input.url);
    this.assertEventTypes(input.eventTypes);
    if ((await this.em.count(WebhookEndpoint, {})) >= MAX_WEBHOOK_ENDPOINTS) {
      throw DomainError.of(UserErrorCode.INVALID, `At most ${MAX_WEBHOOK_ENDPOINTS} endpoints: delete one first.`, ['input']);
    }
    const secret = newWebhookSecret();
    const endpoint = new WebhookEndpoint();
    Object.assign(endpoint, {
      url: input.url,
      eventTypes: [...new Set(input.eventTypes)],
      description: input.description?.trim() || null,
      createdBy,
      ...sealWebhookSecret(this.keyring, endpoint.id, secret),
    });
    this.em.persist(endpoint);
    return { endpoint, secret };
  }

  async update(id: string, changes: EndpointChanges): Promise<WebhookEndpoint> {
    const endpoint = await this.find(id);
    if (changes.url != null) {
      await this.assertUrl(changes.url);
      endpoint.url = changes.url;
    }
    if (changes.eventTypes != null) {
      this.assertEventTypes(changes.eventTypes);
      endpoint.eventTypes = [...new Set(changes.eventTypes)];
    }
    if (changes.description !== undefined) endpoint.description = changes.description?.trim() || null;
    if (changes.enabled === false && endpoint.enabled) {
      endpoint.enabled = false;
      endpoint.disabledAt = this.clock().toJSDate();
      endpoint.disabledReason = 'Disabled by an admin.';
    } else if (changes.enabled === true) {
      // Deliveries that waited while it was off go out now, with a fresh 24 hours.
      endpoint.enabled = true;
      endpoint.disabledAt = null;
      endpoint.disabledReason = null;
      await this.em.nativeUpdate(
        WebhookDelivery,
        { endpoint: endpoint.id, status: WebhookDeliveryStatus.PENDING },
        { nextAttemptAt: this.clock().toJSDate(), retryUntil: this.retryUntil() },
      );
    }
    return endpoint;
  }

  async delete(id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.find(id);
    this.em.remove(endpoint);
    return endpoint;
  }

  async rotateSecret(id: string): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const endpoint = await this.find(id);
    const secret = newWebhookSecret();
    Object.assign(endpoint, sealWebhookSecret(this.keyring, endpoint.id, secret));
    return { endpoint, secret };
  }

  /** Sends a delivery again (failed, or delivered and lost by the receiver): same id and body, a fresh 24 hours of retries. */
  async redeliver(deliveryId: string): Promise<WebhookDelivery> {
    const delivery = await this.em.findOne(WebhookDelivery, { id: deliveryId }, { populate: ['endpoint'] });
    if (!delivery) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No WebhookDelivery with this ID.', ['input', 'deliveryId']);
    if (delivery.status === WebhookDeliveryStatus.PENDING) {
      throw DomainError.of(UserErrorCode.INVALID_TRANSITION, 'This delivery is still being retried.', ['input', 'deliveryId']);
    }
    if (!delivery.endpoint.enabled) {
      throw DomainError.of(UserErrorCode.INVALID_TRANSITION, 'Its endpoint is disabled: enable it first.', ['input', 'deliveryId']);
    }
    delivery.status = WebhookDeliveryStatus.PENDING;
    delivery.nextAttemptAt = this.clock().toJSDate();
    delivery.retryUntil = this.retryUntil();
    delivery.deliveredAt = null;
    this.onRedelivered();
    return delivery;
  }

  private retryUntil(): Date {
    return this.clock().plus({ hours: RETRY_WINDOW_HOURS }).toJSDate();
  }

  private async find(id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.em.findOne(WebhookEndpoint, { id });
    if (!endpoint) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No WebhookEndpoint with this ID.', ['input', 'endpointId']);
    return endpoint;
  }

  private async assertUrl(url: string): Promise<void> {
    const problem = await checkWebhookUrl(url, this.policy);
    if (problem) throw DomainError.of(UserErrorCode.INVALID, problem.message, ['input', 'url']);
  }

  private assertEventTypes(types: DomainEventType[]): void {
    if (types.length === 0) throw DomainError.of(UserErrorCode.INVALID, 'Choose at least one event type.', ['input', 'eventTypes']);
  }
}
