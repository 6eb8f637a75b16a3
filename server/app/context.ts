import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { SupportCalendar } from '../modules/support-hours/support-calendar';
import type { DomainEvents } from '../modules/events/domain-events';
import type { Viewer } from '../modules/viewer/viewer';
import type { WebhookRuntime } from '../modules/webhook/webhook.runtime';
import type { Clock } from './clock';
import type { Loaders } from './loaders';

/** Everything a resolver may use, built once per request in `http.ts`. */
export interface AppContext {
  requestId: string;
  viewer: Viewer;
  /** This request's own EntityManager fork. */
  em: EntityManager;
  loaders: Loaders;
  clock: Clock;
  calendar: SupportCalendar;
  /** Domain events: services publish into the outbox through it, in the request's transaction. */
  events: DomainEvents;
  /** Webhook endpoints' keys and address rules; unset where webhooks do not run. */
  webhooks?: WebhookRuntime;
  log: Logger;
}
