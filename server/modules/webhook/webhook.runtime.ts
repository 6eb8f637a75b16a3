import type { MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/logger';
import type { DomainEvents } from '../events/domain-events';
import type { OutboxRelay } from '../events/outbox-relay';
import type { MasterKeyring } from '../vault/keyring';
import type { WebhookAddressPolicy } from './webhook-address';
import { WebhookDispatcher, type WebhookDispatcherOptions } from './webhook-dispatcher';
import { endpointDisabledEvent } from './webhook-events';

/** What the webhook mutations and the delivery loop share in one process. */
export interface WebhookRuntime {
  dispatcher: WebhookDispatcher;
  /** The vault's master keys: they seal the signing secrets. */
  keyring: MasterKeyring;
  policy: WebhookAddressPolicy;
}

export const WEBHOOK_CONSUMER = 'webhooks';

/** Feeds the dispatcher from the outbox relay: each committed event becomes its deliveries, once. */
export function registerWebhookConsumer(relay: OutboxRelay, runtime: WebhookRuntime): void {
  relay.register(WEBHOOK_CONSUMER, async (event, delivery) => {
    await runtime.dispatcher.enqueue(event, delivery.em);
  });
}

/** The delivery loop, started; `registerWebhookConsumer` feeds it from the outbox relay. */
export function startWebhooks(options: {
  orm: MikroORM;
  keyring: MasterKeyring;
  clock: Clock;
  logger: Logger;
  /** Production: https only, never this machine. */
  production: boolean;
  /** The process's domain events: an endpoint disabled after failing publishes WEBHOOK_ENDPOINT_DISABLED (admins are notified). */
  events?: DomainEvents;
  onEndpointDisabled?: WebhookDispatcherOptions['onEndpointDisabled'];
  autoStart?: boolean;
}): WebhookRuntime {
  const events = options.events;
  const policy: WebhookAddressPolicy = { allowLoopback: !options.production };
  const dispatcher = new WebhookDispatcher({
    orm: options.orm,
    keyring: options.keyring,
    clock: options.clock,
    logger: options.logger.child({ component: 'webhooks' }),
    policy,
    onEndpointDisabled:
      options.onEndpointDisabled ?? (events ? (em, endpoint, lastFailure) => events.publish(em, endpointDisabledEvent(endpoint, lastFailure)) : undefined),
  });
  if (options.autoStart !== false) dispatcher.start();
  return { dispatcher, keyring: options.keyring, policy };
}
