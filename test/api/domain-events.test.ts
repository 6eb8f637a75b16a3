import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainEventType, type DomainEvent } from '../../server/modules/events/domain-event';
import { DomainEvents } from '../../server/modules/events/domain-events';
import { Customer } from '../../server/modules/customer/customer.entity';
import { createTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

const banned = (customerId: string): DomainEvent => ({
  type: DomainEventType.CUSTOMER_BANNED,
  ticketId: null,
  customerId,
  team: null,
  actor: { kind: 'STAFF', id: null },
  staffOnly: true,
  data: { reason: 'FRAUD' },
});

async function outboxRows(customerId: string) {
  return app.orm.em
    .fork()
    .getConnection()
    .execute<{ type: string; staff_only: boolean; data: unknown; actor_kind: string; occurred_at: Date }[]>(
      'select type, staff_only, data, actor_kind, occurred_at from outbox_event where customer_id = ? order by id',
      [customerId],
    );
}

function newCustomer(em: EntityManager): Customer {
  return em.create(Customer, { email: `c-${Math.random().toString(36).slice(2)}@shop.test`, name: 'Shop', storeUrl: 'https://shop.example.com' } as never);
}

describe('domain events: the transactional outbox', () => {
  it('writes a published event with the change that caused it, stamped by the app clock', async () => {
    const events = new DomainEvents(() => app.now());
    let customerId = '';
    await app.orm.em.fork().transactional(async (em) => {
      const customer = newCustomer(em);
      customerId = customer.id;
      await events.publish(em, banned(customer.id));
    });
    const rows = await outboxRows(customerId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ type: 'CUSTOMER_BANNED', staff_only: true, actor_kind: 'STAFF', data: { reason: 'FRAUD' } });
    expect(new Date(rows[0]!.occurred_at).toISOString()).toBe(app.now().toUTC().toISO());
  });

  it('leaves no event when the change rolls back', async () => {
    const events = new DomainEvents(() => app.now());
    let customerId = '';
    await expect(
      app.orm.em.fork().transactional(async (em) => {
        const customer = newCustomer(em);
        customerId = customer.id;
        await events.publish(em, banned(customer.id));
        await em.flush();
        throw new Error('refused later in the same request');
      }),
    ).rejects.toThrow('refused later');
    expect(await outboxRows(customerId)).toHaveLength(0);
    expect(await app.orm.em.fork().count(Customer, { id: customerId })).toBe(0);
  });

  it('runs in-transaction handlers on the same transaction: their writes commit with the change, their failure undoes it', async () => {
    const events = new DomainEvents(() => app.now());
    const seen: string[] = [];
    events.on(DomainEventType.CUSTOMER_BANNED, async (em, event) => {
      seen.push(event.customerId!);
      const customer = await em.findOneOrFail(Customer, event.customerId!);
      customer.name = 'Banned shop';
    });
    let kept = '';
    await app.orm.em.fork().transactional(async (em) => {
      const customer = newCustomer(em);
      kept = customer.id;
      await em.flush();
      await events.publish(em, banned(customer.id));
    });
    expect(seen).toEqual([kept]);
    expect((await app.orm.em.fork().findOneOrFail(Customer, kept)).name).toBe('Banned shop');

    events.on(DomainEventType.CUSTOMER_BANNED, async () => {
      throw new Error('the vault could not shred');
    });
    let undone = '';
    await expect(
      app.orm.em.fork().transactional(async (em) => {
        const customer = newCustomer(em);
        undone = customer.id;
        await em.flush();
        await events.publish(em, banned(customer.id));
      }),
    ).rejects.toThrow('could not shred');
    expect(await app.orm.em.fork().count(Customer, { id: undone })).toBe(0);
    expect(await outboxRows(undone)).toHaveLength(0);
  });

  it('refuses to publish outside a transaction, where the event could outlive or miss its change', async () => {
    const events = new DomainEvents(() => app.now());
    await expect(events.publish(app.orm.em.fork() as EntityManager, banned('00000000-0000-4000-8000-000000000000'))).rejects.toThrow(/outside a transaction/);
  });
});
