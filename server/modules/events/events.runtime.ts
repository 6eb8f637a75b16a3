import type { MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../../app/clock';
import type { Logger } from '../../app/logger';
import { DomainEvents } from './domain-events';
import { OutboxRelay } from './outbox-relay';

/**
 * The process's DomainEvents with its in-transaction reactions (`events.on(...)`: register
 * cross-module reactions here, so every app built on this process reacts the same way).
 */
export function createDomainEvents(clock: Clock): DomainEvents {
  return new DomainEvents(clock);
}

export interface EventRuntimeOptions {
  orm: MikroORM;
  logger: Logger;
  clock: Clock;
  /** Run the relay in this process (off: this process only publishes; another one delivers). */
  relayEnabled: boolean;
  /** Consumers to add before the relay starts (webhooks, live subscriptions: `relay.register`). */
  consumers?: Array<(relay: OutboxRelay) => void>;
}

export interface EventRuntime {
  events: DomainEvents;
  relay: OutboxRelay;
  stop(): Promise<void>;
}

/** Domain events and their relay for one process: started after the migrations, stopped before the pool closes. */
export async function startEventRuntime(options: EventRuntimeOptions): Promise<EventRuntime> {
  const events = createDomainEvents(options.clock);
  const relay = new OutboxRelay({ orm: options.orm, logger: options.logger });
  for (const add of options.consumers ?? []) add(relay);
  if (options.relayEnabled) await relay.start();
  else options.logger.info('outbox relay off in this process (OUTBOX_RELAY_ENABLED=false): events are delivered by another process');
  return { events, relay, stop: () => relay.stop() };
}
