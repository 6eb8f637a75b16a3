import { toGlobalId } from '../../common/global-id';
import { type DomainEvent, DomainEventType } from '../events/domain-event';
import type { WebhookEndpoint } from './webhook.entities';

/**
 * An endpoint was disabled after failing for the whole retry window: every admin is told. Its
 * host only, never the full URL (a path or query string may carry the receiver's own token).
 */
export function endpointDisabledEvent(endpoint: WebhookEndpoint, lastFailure: string): DomainEvent {
  return {
    type: DomainEventType.WEBHOOK_ENDPOINT_DISABLED,
    ticketId: null,
    customerId: null,
    team: null,
    actor: { kind: 'SYSTEM', id: null },
    staffOnly: true,
    data: { endpointId: toGlobalId('WebhookEndpoint', endpoint.id), host: new URL(endpoint.url).host, lastFailure },
  };
}
