import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../common/logger';
import type { Viewer } from '../modules/viewer/viewer';
import type { AppContext } from './context';
import { createLoaders, type Loaders } from './loaders';
import { createServices, type AppWiring, type Services } from './services';

export interface RequestParts {
  requestId: string;
  viewer: Viewer;
  /** A fork of the app's EntityManager, for this request only. */
  em: EntityManager;
  log: Logger;
}

/** The one place a request's context is put together: viewer, EntityManager, loaders, services. */
export function createRequestContext(wiring: AppWiring, request: RequestParts): AppContext {
  return contextOn(wiring, request, createLoaders(request.em, request.viewer, wiring.vault), request.em);
}

function contextOn(wiring: AppWiring, request: RequestParts, loaders: Loaders, em: EntityManager): AppContext {
  let services: Services | undefined;
  return {
    requestId: request.requestId,
    viewer: request.viewer,
    em,
    // The request's loaders stay: what they cached is the request's view, as before the transaction.
    loaders,
    get services() {
      // Built on first use, so their "now" is the moment the work starts.
      return (services ??= createServices(wiring, em, request.viewer));
    },
    clock: wiring.clock,
    calendar: wiring.calendar,
    events: wiring.events,
    webhooks: wiring.webhooks,
    log: request.log,
    transaction: (work) => em.transactional((tx) => work(contextOn(wiring, request, loaders, tx as EntityManager))),
  };
}
