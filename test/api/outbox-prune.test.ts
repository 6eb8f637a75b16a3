import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/app/logger';
import { DomainEventType } from '../../server/modules/events/domain-event';
import { DomainEvents } from '../../server/modules/events/domain-events';
import { OutboxPruner } from '../../server/modules/events/outbox-prune';
import { OutboxRelay } from '../../server/modules/events/outbox-relay';
import { createTestApp, type TestApp } from '../support/test-app';

/** Delivered outbox events are deleted once past their retention, in bounded batches; undelivered ones never. */
let app: TestApp;
let relay: OutboxRelay;
let events: DomainEvents;
const seen: Record<'audit' | 'crm', string[]> = { audit: [], crm: [] };
let crmDown = true;

beforeAll(async () => {
  app = await createTestApp();
  events = new DomainEvents(() => app.now());
  // Settled at once and no pause between housekeeping rounds: the watermarks move as soon as a consumer is idle.
  relay = new OutboxRelay({
    orm: app.orm,
    logger: createLogger('silent'),
    pollIntervalMs: 3_600_000,
    retryBaseMs: 3_600_000,
    settleAfterSeconds: 0,
    housekeepingIntervalMs: 0,
  });
  relay.register('audit', async (event) => {
    seen.audit.push(event.id);
  });
  relay.register('crm', async (event) => {
    if (crmDown) throw new Error('the CRM is down');
    seen.crm.push(event.id);
  });
  await relay.start();
});

afterAll(async () => {
  await relay?.stop();
  await app?.close();
});

async function publish(count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    await app.orm.em.fork().transactional((em) =>
      events.publish(em, {
        type: DomainEventType.STATUS_CHANGED,
        ticketId: null,
        customerId: null,
        team: 'SUPPORT',
        actor: { kind: 'SYSTEM', id: null },
        staffOnly: false,
        data: { i },
      }),
    );
  }
}

const outboxIds = async () =>
  (await app.orm.em.fork().getConnection().execute<Array<{ id: string }>>('select id from outbox_event order by id')).map((r) => String(r.id));

describe('outbox pruning', () => {
  it('deletes events every consumer has once they are older than the retention, a batch at a time; keeps the rest', async () => {
    const t0 = app.now();
    await publish(5);
    const first = await outboxIds();
    await relay.drain();
    expect(seen.audit).toEqual(first);
    expect(seen.crm).toEqual([]);

    const prune = (daysLater: number) =>
      new OutboxPruner({
        orm: app.orm,
        clock: () => t0.plus({ days: daysLater }),
        logger: createLogger('silent'),
        settings: { retentionDays: 30, batchSize: 2 },
      }).runOnce();
    // One consumer has not got them yet: nothing goes, however old.
    expect(await prune(400)).toBe(0);

    crmDown = false;
    await relay.drain();
    expect(seen.crm).toEqual(first);
    // Delivered to every consumer but younger than the retention: kept.
    expect(await prune(29)).toBe(0);

    // Newer events, delivered too, stay while they are young.
    app.setNow(t0.plus({ days: 20 }));
    await publish(2);
    await relay.drain();
    const newer = (await outboxIds()).slice(5);
    expect(await prune(31)).toBe(5);
    expect(await outboxIds()).toEqual(newer);

    // The relay goes on as before: a new event is delivered once to each consumer.
    await publish(1);
    await relay.drain();
    const last = (await outboxIds()).at(-1)!;
    expect(seen.audit.filter((id) => id === last)).toHaveLength(1);
    expect(seen.crm.filter((id) => id === last)).toHaveLength(1);
    expect(seen.audit).toHaveLength(8);
  });
});
