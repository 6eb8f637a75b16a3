import { describe, expect, it } from 'vitest';
import { type DomainEventActorKind, DomainEventType, type StoredDomainEvent } from '../../server/modules/events/domain-event';
import { factsNeeded, recipientKey, recipientsOf, type NotificationFacts } from '../../server/modules/notification/notification-rules';

const ASSIGNEE = '11111111-1111-4111-8111-111111111111';
const TEAMMATE = '22222222-2222-4222-8222-222222222222';
const ADMIN = '33333333-3333-4333-8333-333333333333';
const CUSTOMER = '44444444-4444-4444-8444-444444444444';

const facts = (assigneeId: string | null): NotificationFacts => ({
  ticket: { id: 't', number: 'OC-000042', subject: 'Blank checkout', assigneeId, team: 'DEVELOPMENT' },
  teamStaffIds: [ASSIGNEE, TEAMMATE],
  adminIds: [ADMIN],
});

const STAFF_ONLY = new Set(['INTERNAL_NOTE_ADDED', 'ACCESS_REVEALED', 'CUSTOMER_BANNED', 'TICKET_ASSIGNED', 'SLA_TARGET_AT_75_PERCENT', 'SLA_BREACHED']);

function event(type: DomainEventType, actor: { kind: DomainEventActorKind; id: string | null }, data: StoredDomainEvent['data'] = {}): StoredDomainEvent {
  return {
    id: '1',
    type,
    occurredAt: new Date('2026-03-03T10:00:00Z'),
    ticketId: 't',
    customerId: CUSTOMER,
    team: 'DEVELOPMENT',
    actor,
    staffOnly: STAFF_ONLY.has(type),
    data,
  };
}

const told = (e: StoredDomainEvent, f: NotificationFacts) => recipientsOf(e, f).map(recipientKey).sort();
const SYSTEM = { kind: 'SYSTEM' as const, id: null };
const merchant = `customer:${CUSTOMER}`;
const staff = (id: string) => `staff:${id}`;

describe('who is told (README "Who is told")', () => {
  it.each([
    // type, actor, assigned?, data, who is told
    ['a merchant reply reaches the assignee', DomainEventType.MERCHANT_REPLIED, { kind: 'MERCHANT', id: CUSTOMER }, true, {}, [staff(ASSIGNEE)]],
    [
      '… the whole team while nobody is assigned (nobody misses it)',
      DomainEventType.MERCHANT_REPLIED,
      { kind: 'MERCHANT', id: CUSTOMER },
      false,
      {},
      [staff(ASSIGNEE), staff(TEAMMATE)],
    ],
    ['a merchant answer reaches the assignee', DomainEventType.QUOTE_ANSWERED, { kind: 'MERCHANT', id: CUSTOMER }, true, {}, [staff(ASSIGNEE)]],
    [
      '… the whole team while nobody is assigned',
      DomainEventType.SURCHARGE_ANSWERED,
      { kind: 'MERCHANT', id: CUSTOMER },
      false,
      {},
      [staff(ASSIGNEE), staff(TEAMMATE)],
    ],
    [
      "a colleague's internal note reaches the assignee, never the merchant",
      DomainEventType.INTERNAL_NOTE_ADDED,
      { kind: 'STAFF', id: TEAMMATE },
      true,
      {},
      [staff(ASSIGNEE)],
    ],
    ["the assignee's own note reaches nobody", DomainEventType.INTERNAL_NOTE_ADDED, { kind: 'STAFF', id: ASSIGNEE }, true, {}, []],
    ['an assignment reaches the new assignee', DomainEventType.TICKET_ASSIGNED, { kind: 'STAFF', id: ADMIN }, true, { to: TEAMMATE }, [staff(TEAMMATE)]],
    ['… not when they assigned themselves', DomainEventType.TICKET_ASSIGNED, { kind: 'STAFF', id: TEAMMATE }, true, { to: TEAMMATE }, []],
    ['… nobody when it is taken away, or `to` is not a staff id', DomainEventType.TICKET_ASSIGNED, SYSTEM, true, { to: 'IN_PROGRESS' }, []],
    [
      'a check of the access reaches the merchant and the assignee',
      DomainEventType.ACCESS_VERIFIED,
      { kind: 'STAFF', id: TEAMMATE },
      true,
      { outcome: 'OK' },
      [merchant, staff(ASSIGNEE)],
    ],
    ['… not the one who checked', DomainEventType.ACCESS_VERIFIED, { kind: 'STAFF', id: ASSIGNEE }, true, { outcome: 'OK' }, [merchant]],
    ['the destroyed access reaches the merchant', DomainEventType.ACCESS_SHREDDED, SYSTEM, true, { reason: 'RESOLVED_DELAY_ELAPSED' }, [merchant]],
    [
      '… not when their own confirmation destroyed it',
      DomainEventType.ACCESS_SHREDDED,
      { kind: 'MERCHANT', id: CUSTOMER },
      true,
      { reason: 'ACCESS_DISABLED' },
      [],
    ],
    [
      'the allowance nearly used reaches the merchant whose filing used it',
      DomainEventType.ALLOWANCE_NEARLY_USED,
      { kind: 'MERCHANT', id: CUSTOMER },
      true,
      {},
      [merchant],
    ],
    ['a refund request reaches every admin', DomainEventType.REFUND_REQUESTED, { kind: 'MERCHANT', id: CUSTOMER }, true, {}, [staff(ADMIN)]],
    ['a ban reaches the admins but the one who banned', DomainEventType.CUSTOMER_BANNED, { kind: 'STAFF', id: ADMIN }, true, {}, []],
    ['a breach reaches every admin and the assignee, never the merchant', DomainEventType.SLA_BREACHED, SYSTEM, true, {}, [staff(ADMIN), staff(ASSIGNEE)]],
    ['a rating reaches the assignee', DomainEventType.TICKET_RATED, { kind: 'MERCHANT', id: CUSTOMER }, true, { rating: 5 }, [staff(ASSIGNEE)]],
  ] as const)('%s', (_name, type, actor, assigned, data, expected) => {
    expect(told(event(type, actor, data as StoredDomainEvent['data']), facts(assigned ? ASSIGNEE : null))).toEqual([...expected].sort());
  });

  it('every event type reaches someone when a system job or another person causes it', () => {
    for (const type of Object.values(DomainEventType)) {
      const e = event(type, SYSTEM, { to: ASSIGNEE });
      expect({ type, told: recipientsOf(e, facts(ASSIGNEE)).length > 0 }).toEqual({ type, told: true });
    }
  });

  it('a staff-only event never reaches a merchant', () => {
    for (const type of Object.values(DomainEventType)) {
      const e = { ...event(type, SYSTEM, { to: ASSIGNEE }), staffOnly: true };
      expect(told(e, facts(ASSIGNEE))).not.toContain(merchant);
    }
  });

  it('reads the team only when the rules need it (a new ticket, or nobody assigned), the admins for their events', () => {
    expect(factsNeeded(DomainEventType.TICKET_FILED, true)).toEqual({ team: true, admins: false });
    expect(factsNeeded(DomainEventType.ACCESS_PROVIDED, true)).toEqual({ team: false, admins: false });
    expect(factsNeeded(DomainEventType.ACCESS_PROVIDED, false)).toEqual({ team: true, admins: false });
    expect(factsNeeded(DomainEventType.REFUND_REQUESTED, false)).toEqual({ team: false, admins: true });
  });
});
