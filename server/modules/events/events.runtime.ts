import type { MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/logger';
import { Mailer } from '../notification/mailer';
import { registerNotificationConsumers } from '../notification/notification.consumers';
import { DomainEvents } from './domain-events';
import { DEFAULT_OUTBOX_PRUNE_SETTINGS, OutboxPruner, type OutboxPruneSettings } from './outbox-prune';
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
  mail: MailSettings;
  /** Deleting delivered events (OUTBOX_RETENTION_DAYS, OUTBOX_PRUNE_BATCH); runs where the relay runs. */
  prune?: OutboxPruneSettings;
}

export interface MailSettings {
  /** SMTP_URL; null: email is off, messages are kept and readable through the API. */
  smtpUrl: string | null;
  /** MAIL_FROM. */
  from: string;
  /** TICKET_URL_TEMPLATE: the link to a ticket in emails ({number}, {id}). */
  ticketUrlTemplate: string;
}

/** The mail settings from the configuration (SMTP_URL, MAIL_FROM, TICKET_URL_TEMPLATE). */
export function mailSettingsFrom(config: { SMTP_URL?: string; MAIL_FROM: string; TICKET_URL_TEMPLATE: string }): MailSettings {
  return { smtpUrl: config.SMTP_URL ?? null, from: config.MAIL_FROM, ticketUrlTemplate: config.TICKET_URL_TEMPLATE };
}

export interface EventRuntime {
  events: DomainEvents;
  relay: OutboxRelay;
  /** Sends queued emails; null when email is off. */
  mailer: Mailer | null;
  /** Deletes delivered events past their retention (started with the relay). */
  pruner: OutboxPruner;
  stop(): Promise<void>;
}

/** Domain events and their relay for one process: started after the migrations, stopped before the pool closes. */
export async function startEventRuntime(options: EventRuntimeOptions): Promise<EventRuntime> {
  const events = createDomainEvents(options.clock);
  const relay = new OutboxRelay({ orm: options.orm, logger: options.logger });
  const { smtpUrl, from, ticketUrlTemplate } = options.mail;
  const mailer = smtpUrl ? new Mailer({ orm: options.orm, logger: options.logger, clock: options.clock, smtpUrl, from }) : null;
  if (!mailer) options.logger.info('email is off (no SMTP_URL): notification emails are kept and readable through the API (viewer.notifications { email })');
  registerNotificationConsumers(relay, { emailEnabled: mailer !== null, ticketUrlTemplate, onEmailQueued: () => mailer?.wake() });
  for (const add of options.consumers ?? []) add(relay);
  const pruner = new OutboxPruner({ orm: options.orm, clock: options.clock, logger: options.logger, settings: options.prune ?? DEFAULT_OUTBOX_PRUNE_SETTINGS });
  if (options.relayEnabled) {
    await relay.start();
    mailer?.start();
    pruner.start();
  } else {
    options.logger.info('outbox relay off in this process (OUTBOX_RELAY_ENABLED=false): events are delivered by another process');
  }
  return {
    events,
    relay,
    mailer,
    pruner,
    stop: async () => {
      await pruner.stop();
      await relay.stop();
      await mailer?.stop();
    },
  };
}
