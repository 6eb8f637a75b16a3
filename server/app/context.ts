import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import type { TransactionScope } from '../common/transaction';
import type { DomainEvents } from '../modules/events/domain-events';
import type { SupportCalendar } from '../modules/support-hours/support-calendar';
import type { Viewer } from '../modules/viewer/viewer';
import type { LiveHub } from '../modules/live/live-hub';
import type { WebhookRuntime } from '../modules/webhook/webhook.runtime';
import type { Loaders } from './loaders';
import type { Services } from './services';

/** Everything a resolver may use, built once per request by `createRequestContext` (request-context.ts). */
export interface AppContext extends TransactionScope<AppContext> {
  requestId: string;
  viewer: Viewer;
  /** This request's own EntityManager fork (inside a declared transaction: the transaction's). */
  em: EntityManager;
  loaders: Loaders;
  /** The request's services, on `em` (built when first used). */
  readonly services: Services;
  clock: Clock;
  calendar: SupportCalendar;
  /** Domain events: services publish into the outbox through it, in the request's transaction. */
  events: DomainEvents;
  /** Webhook endpoints' keys and address rules; unset where webhooks do not run. */
  webhooks?: WebhookRuntime;
  /** Set on live operations (subscriptions over WebSocket): this process's feed of committed events. */
  live?: LiveHub;
  log: Logger;
  /** This context moved onto one transaction; `@Transactional` mutations get it as their `@Ctx()`. */
  transaction<T>(work: (tx: AppContext) => Promise<T>): Promise<T>;
}
