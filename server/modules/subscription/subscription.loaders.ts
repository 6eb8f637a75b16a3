import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { childrenLoader } from '../../common/batched-connection';
import { placeholders } from '../../common/sql';
import { Ticket } from '../ticket/ticket.entity';
import { SubscriptionStatus } from './entitlement-rules';
import { Subscription } from './subscription.entity';

/**
 * Allowance-consuming tickets per subscription and period, batched. Key: "<subscriptionId>:<periodIndex>",
 * or "<subscriptionId>:*" for the whole purchase (one-time fix).
 */
export function subscriptionLoaders(em: EntityManager) {
  return {
    activeSubscriptionsByCustomer: childrenLoader(em, Subscription, 'customer', { contractStart: 'asc' }, { status: SubscriptionStatus.ACTIVE }),
    ticketsBySubscription: childrenLoader(em, Ticket, 'subscription', { createdAt: 'asc' }),
    ticketsUsed: new DataLoader<string, number>(async (keys) => {
      const ids = [...new Set(keys.map((k) => k.split(':')[0]!))];
      const rows = await em.execute(
        `select subscription_id, period_index, count(*)::int as n from ticket
          where subscription_id in (${placeholders(ids)}) and consumes_allowance = true
          group by subscription_id, period_index`,
        ids,
      );
      const counts = new Map<string, number>();
      for (const row of rows as Array<{ subscription_id: string; period_index: number | null; n: number }>) {
        counts.set(`${row.subscription_id}:${row.period_index}`, Number(row.n));
        counts.set(`${row.subscription_id}:*`, (counts.get(`${row.subscription_id}:*`) ?? 0) + Number(row.n));
      }
      return keys.map((key) => counts.get(key) ?? 0);
    }),
  };
}
