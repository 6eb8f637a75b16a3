import type { EntityManager } from '@mikro-orm/postgresql';
import { childrenLoader } from '../../common/batched-connection';
import { NO_ROW } from '../viewer/owner.scope';
import type { Viewer } from '../viewer/viewer';
import { Refund } from './refund.entity';
import { refundScope } from './refund.scope';

export function refundLoaders(em: EntityManager, viewer: Viewer) {
  return {
    refundsBySubscription: childrenLoader(
      em,
      Refund,
      'subscription',
      { createdAt: 'desc' },
      (refundScope(viewer) ?? { id: NO_ROW }) as Record<string, unknown>,
    ),
  };
}
