import type { EntityManager } from '@mikro-orm/postgresql';
import { childrenLoader } from '../../common/batched-connection';
import { Refund } from './refund.entity';

export function refundLoaders(em: EntityManager) {
  return {
    refundsBySubscription: childrenLoader(em, Refund, 'subscription', { createdAt: 'desc' }),
  };
}
