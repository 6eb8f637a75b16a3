import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/app/logger';
import { DomainEventType, type DomainEvent, type StoredDomainEvent } from '../../server/modules/events/domain-event';
import { DomainEvents } from '../../server/modules/events/domain-events';
import { OutboxRelay, type RelayHandler } from '../../server/modules/events/outbox-relay';
import { createTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let events: DomainEvents;
const relays: OutboxRelay[] = [];
beforeAll(async () => {
  app = await createTestApp();
  events = new DomainEvents(() => app.now());
  await app.orm.em.fork().execute('create table relay_effect (key text primary key, event_id bigint not null)');
});
afterAll(async () => {
  for (const relay of relays) await relay.stop();
  await app?.close();
});

function relay(settings: Partial<ConstructorParameters<typeof OutboxRelay>[0]> = {}): OutboxRelay {
  // No safety poll: every delivery below is woken by NOTIFY (or by drain()).
  const created = new OutboxRelay({ orm: app.orm, logger: createLogger('silent'), pollIntervalMs: 3_600_000, retryBaseMs: 5, ...settings });
  relays.push(created);
  return created;
}

let serial = 0;
async function publish(count: number, type = DomainEventType.STATUS_CHANGED): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    serial += 1;
    const event: DomainEvent = {
      type,
      ticketId: null,
      customerId: null,
      team: 'SUPPORT',
      actor: { kind: 'SYSTEM', id: null },
      staffOnly: false,
      data: { serial },
    };
    await app.orm.em.fork().transactional((em) => events.publish(em, event));
  }
  const rows = await app.orm.em.fork().execute<{ id: string }[]>('select id from outbox_event order by id desc limit ?', [count]);
  ids.push(...rows.map((r) => String(r.id)).reverse());
  return ids;
}

/** A consumer that records what it got and resolves once it has seen `ids`. */
function collector(seen: StoredDomainEvent[]) {
  const waiting: Array<{ ids: string[]; resolve: () => void }> = [];
  const handler: RelayHandler = async (event) => {
    seen.push(event);
    for (const w of [...waiting])
      if (w.ids.every((id) => seen.some((e) => e.id === id))) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve();
      }
  };
  const until = (ids: string[]) =>
    new Promise<void>((resolve) => {
      if (ids.every((id) => seen.some((e) => e.id === id))) resolve();
      else waiting.push({ ids, resolve });
    });
  return { handler, until };
}

describe('the outbox relay', () => {
  it('hands each committed event, woken by NOTIFY, once to a consumer shared by two processes, in order', async () => {
    const seen: StoredDomainEvent[] = [];
    const { handler, until } = collector(seen);
    const one = relay();
    const two = relay();
    one.register('test.shared', handler);
    two.register('test.shared', handler);
    await one.start();
    await two.start();
    const ids = await publish(25);
    await until(ids);
    await one.drain();
    await two.drain();
    const mine = seen.filter((e) => ids.includes(e.id)).map((e) => e.id);
    expect(mine).toEqual(ids);
    const event = seen.find((e) => e.id === ids[0])!;
    expect(event).toMatchObject({ type: 'STATUS_CHANGED', team: 'SUPPORT', actor: { kind: 'SYSTEM', id: null }, staffOnly: false });
    expect(event.occurredAt.toISOString()).toBe(app.now().toUTC().toISO());
    await one.stop();
    await two.stop();
  });

  it('commits what a handler writes with the delivery record; a failing handler is retried and later events wait for it', async () => {
    const order: string[] = [];
    let failuresLeft = 2;
    const r = relay();
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const ids = await publish(3, DomainEventType.TICKET_ASSIGNED);
    r.register('test.effects', async (event, delivery) => {
      if (!ids.includes(event.id)) return;
      await delivery.em.execute('insert into relay_effect (key, event_id) values (?, ?)', [delivery.idempotencyKey, event.id]);
      if (event.id === ids[1] && failuresLeft > 0) {
        failuresLeft -= 1;
        throw new Error('mail server down');
      }
      order.push(event.id);
      if (order.length === ids.length) done();
    });
    await r.start();
    await finished;
    await r.stop(); // lets the last delivery's transaction finish
    expect(order).toEqual(ids);
    expect(failuresLeft).toBe(0);
    const effects = await app.orm.em.fork().execute<{ key: string }[]>('select key from relay_effect order by event_id');
    expect(effects.map((e) => e.key)).toEqual(ids.map((id) => `test.effects:${id}`));
  });

  it('keeps its records bounded: settled deliveries fold into a watermark and are never offered again', async () => {
    const seen: StoredDomainEvent[] = [];
    const { handler, until } = collector(seen);
    const r = relay({ settleAfterSeconds: 0 });
    r.register('test.watermark', handler);
    const ids = await publish(5);
    await r.start();
    await until(ids);
    await r.drain();
    const [consumer] = await app.orm.em
      .fork()
      .execute<{ delivered_through: string }[]>("select delivered_through from outbox_consumer where name = 'test.watermark'");
    expect(String(consumer!.delivered_through)).toBe(ids.at(-1));
    const [left] = await app.orm.em.fork().execute<{ n: string }[]>("select count(*) n from outbox_delivery where consumer = 'test.watermark'");
    expect(Number(left!.n)).toBe(0);
    const more = await publish(1);
    await until(more);
    await r.drain();
    expect(seen.map((e) => e.id).filter((id) => [...ids, ...more].includes(id))).toEqual([...ids, ...more]);
    await r.stop();
  });

  it('refuses a consumer name twice or one that is not a plain name', () => {
    const r = relay();
    r.register('email', async () => {});
    expect(() => r.register('email', async () => {})).toThrow(/already registered/);
    expect(() => r.register("x'; drop", async () => {})).toThrow(/consumer name/);
  });
});
