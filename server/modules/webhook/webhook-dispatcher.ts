import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/logger';
import { toGlobalId } from '../../common/global-id';
import type { StoredDomainEvent } from '../events/domain-event';
import type { MasterKeyring } from '../vault/keyring';
import { addressAllowed, checkedLookup, RefusedAddressError, type WebhookAddressPolicy } from './webhook-address';
import { nextAttemptAt, RETRY_WINDOW_HOURS } from './webhook-retry';
import { openWebhookSecret } from './webhook-secret';
import { signWebhook, WEBHOOK_HEADERS } from './webhook-signature';
import { WebhookAttempt, WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint } from './webhook.entities';

export interface WebhookDispatcherOptions {
  orm: MikroORM;
  keyring: MasterKeyring;
  clock: Clock;
  logger: Logger;
  policy: WebhookAddressPolicy;
  /** Longest wait for an endpoint's answer. */
  timeoutMs?: number;
  /** Deliveries attempted at once. */
  batchSize?: number;
  /** How often due retries are looked for. */
  pollMs?: number;
  /** Told, in the transaction that disables it, when an endpoint is disabled after 24 hours of failures (admins are notified through it). */
  onEndpointDisabled?: (em: EntityManager, endpoint: WebhookEndpoint, lastFailure: string) => Promise<void>;
}

/** The JSON body of a delivery: the event with global IDs, as the API shows them. */
export function webhookBody(event: StoredDomainEvent): string {
  const actorType = event.actor.kind === 'STAFF' ? 'StaffMember' : event.actor.kind === 'MERCHANT' ? 'Customer' : null;
  return JSON.stringify({
    id: event.id,
    type: event.type,
    occurredAt: DateTime.fromJSDate(event.occurredAt, { zone: 'utc' }).toISO(),
    ticketId: event.ticketId ? toGlobalId('Ticket', event.ticketId) : null,
    customerId: event.customerId ? toGlobalId('Customer', event.customerId) : null,
    team: event.team,
    actor: { kind: event.actor.kind, id: event.actor.id && actorType ? toGlobalId(actorType, event.actor.id) : null },
    staffOnly: event.staffOnly,
    data: event.data,
  });
}

interface Outcome {
  statusCode: number | null;
  durationMs: number;
  error: 'TIMEOUT' | 'UNREACHABLE' | 'PRIVATE_ADDRESS' | null;
}

interface Claimed {
  id: string;
  endpoint_id: string;
}

/**
 * Sends webhook deliveries: one per endpoint and event (made by `enqueue`, the relay's
 * consumer), each signed, retried with exponential back-off for 24 hours, every attempt
 * recorded. Several processes may run it on one database: a delivery is claimed (leased)
 * before it is sent, so two processes never send it at the same moment.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;
  private readonly timeoutMs: number;
  private readonly batchSize: number;

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.batchSize = options.batchSize ?? 10;
  }

  /**
   * Relay consumer: a delivery for every enabled endpoint that wants this event type, written
   * through the relay's transaction (`em`) so it commits with the relay's delivery record; the
   * unique (endpoint, event) pair makes a repeat a no-op.
   */
  async enqueue(event: StoredDomainEvent, em: EntityManager = this.options.orm.em.fork()): Promise<number> {
    const now = this.options.clock().toJSDate();
    const retryUntil = DateTime.fromJSDate(now).plus({ hours: RETRY_WINDOW_HOURS }).toJSDate();
    const result = await em.execute<{ affectedRows?: number; rowCount?: number }>(
      `insert into webhook_delivery (id, created_at, updated_at, endpoint_id, event_id, event_type, body, status, attempts, next_attempt_at, retry_until)
       select gen_random_uuid(), ?, ?, e.id, ?, ?, ?, 'PENDING', 0, ?, ?
       from webhook_endpoint e where e.enabled and ? = any(e.event_types)
       on conflict (endpoint_id, event_id) do nothing`,
      [now, now, event.id, event.type, webhookBody(event), now, retryUntil, event.type],
      'run',
    );
    const added = Number(result.affectedRows ?? result.rowCount ?? 0);
    if (added > 0) this.wake(200);
    return added;
  }

  /** One round: claims the due deliveries (at most a batch), sends them, records the outcomes. */
  async runDue(): Promise<number> {
    const now = this.options.clock();
    const lease = now.plus({ milliseconds: this.timeoutMs * 2 + 5_000 }).toJSDate();
    const claimed = await this.options.orm.em
      .fork()
      .getConnection()
      .execute<Claimed[]>(
        `update webhook_delivery d set next_attempt_at = ?
       where d.id in (
         select d2.id from webhook_delivery d2 join webhook_endpoint e on e.id = d2.endpoint_id
         where d2.status = 'PENDING' and e.enabled and d2.next_attempt_at <= ?
         order by d2.next_attempt_at limit ? for update of d2 skip locked)
       returning d.id, d.endpoint_id`,
        [lease, now.toJSDate(), this.batchSize],
      );
    await Promise.all(claimed.map((row) => this.attempt(row.id)));
    return claimed.length;
  }

  private async attempt(deliveryId: string): Promise<void> {
    const em = this.options.orm.em.fork();
    const delivery = await em.findOneOrFail(WebhookDelivery, { id: deliveryId }, { populate: ['endpoint'] });
    const endpoint = delivery.endpoint;
    const attemptedAt = this.options.clock();
    const outcome = await this.send(endpoint, delivery, Math.floor(attemptedAt.toSeconds()));
    // The same EntityManager as the read (not a transactional fork): the loaded rows are changed in place.
    await em.begin();
    try {
      await this.record(em, delivery, endpoint, attemptedAt, outcome);
      await em.commit();
    } catch (error) {
      await em.rollback();
      throw error;
    }
  }

  private async record(em: EntityManager, delivery: WebhookDelivery, endpoint: WebhookEndpoint, attemptedAt: DateTime, outcome: Outcome): Promise<void> {
    em.create(WebhookAttempt, { delivery, attemptedAt: attemptedAt.toJSDate(), ...outcome });
    delivery.attemptCount += 1;
    delivery.lastStatusCode = outcome.statusCode;
    if (outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300) {
      delivery.status = WebhookDeliveryStatus.DELIVERED;
      delivery.deliveredAt = attemptedAt.toJSDate();
      delivery.nextAttemptAt = null;
      return;
    }
    const next = nextAttemptAt(attemptedAt, delivery.attemptCount, DateTime.fromJSDate(delivery.retryUntil));
    delivery.nextAttemptAt = next?.toJSDate() ?? null;
    if (next) return;
    delivery.status = WebhookDeliveryStatus.FAILED;
    if (!endpoint.enabled) return;
    endpoint.enabled = false;
    endpoint.disabledAt = attemptedAt.toJSDate();
    const lastFailure = outcome.statusCode ? `HTTP ${outcome.statusCode}` : (outcome.error ?? 'no answer');
    endpoint.disabledReason = `Deliveries failed for ${RETRY_WINDOW_HOURS} hours (last: ${lastFailure}).`;
    this.options.logger.warn({ endpointId: endpoint.id, deliveryId: delivery.id }, 'webhook endpoint disabled after 24 hours of failed deliveries');
    await this.options.onEndpointDisabled?.(em, endpoint, lastFailure);
  }

  /** One signed POST; nothing the endpoint answered is kept but its status code. */
  private async send(endpoint: WebhookEndpoint, delivery: WebhookDelivery, timestamp: number): Promise<Outcome> {
    const started = process.hrtime.bigint();
    const elapsed = () => Number((process.hrtime.bigint() - started) / 1_000_000n);
    const url = new URL(endpoint.url);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // Literal addresses skip DNS, so the lookup below never sees them: check them here.
    if (isIP(host) && !addressAllowed(host, this.options.policy)) return { statusCode: null, durationMs: 0, error: 'PRIVATE_ADDRESS' };
    const secret = openWebhookSecret(this.options.keyring, endpoint.id, endpoint);
    const body = Buffer.from(delivery.body, 'utf8');
    const headers = {
      'content-type': 'application/json',
      'content-length': String(body.length),
      'user-agent': 'OpenCart-Support-Desk-Webhooks/1',
      [WEBHOOK_HEADERS.event]: delivery.eventType,
      [WEBHOOK_HEADERS.delivery]: delivery.globalId,
      [WEBHOOK_HEADERS.timestamp]: String(timestamp),
      [WEBHOOK_HEADERS.signature]: signWebhook(secret, timestamp, delivery.body),
    };
    return new Promise<Outcome>((resolve) => {
      const request = (url.protocol === 'https:' ? https : http).request(
        url,
        { method: 'POST', headers, lookup: checkedLookup(this.options.policy), timeout: this.timeoutMs, agent: false },
        (response) => {
          // Drain the answer (bounded by the timeout) so the timing covers it; its content is not kept.
          response.on('data', () => {});
          response.on('end', () => resolve({ statusCode: response.statusCode ?? null, durationMs: elapsed(), error: null }));
          response.on('error', () => resolve({ statusCode: response.statusCode ?? null, durationMs: elapsed(), error: null }));
        },
      );
      request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
      request.on('error', (error: NodeJS.ErrnoException) => {
        const code = error instanceof RefusedAddressError ? 'PRIVATE_ADDRESS' : error.code === 'TIMEOUT' ? 'TIMEOUT' : 'UNREACHABLE';
        resolve({ statusCode: null, durationMs: elapsed(), error: code });
      });
      request.end(body);
    });
  }

  /** Looks for due deliveries every `pollMs` (and at once after `enqueue`) until stopped. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** A round soon (new or re-sent deliveries); the delay lets the caller's transaction commit first. */
  wake(delayMs = 0): void {
    if (!this.stopped && !this.running) this.schedule(delayMs);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.running || this.stopped) return;
    let sent = 0;
    this.running = this.runDue().then(
      (n) => (sent = n),
      (error: unknown) => this.options.logger.error({ err: error }, 'webhook delivery round failed'),
    );
    await this.running;
    this.running = undefined;
    if (!this.stopped) this.schedule(sent === this.batchSize ? 0 : (this.options.pollMs ?? 1_000));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
