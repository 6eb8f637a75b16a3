import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { attachmentLoaders } from '../modules/attachment/attachment.loaders';
import { Customer } from '../modules/customer/customer.entity';
import { Plan } from '../modules/plan/plan.entity';
import { StaffMember } from '../modules/staff/staff-member.entity';
import { Subscription } from '../modules/subscription/subscription.entity';
import { ticketLoaders } from '../modules/ticket/ticket.loaders';
import { subscriptionLoaders } from '../modules/subscription/subscription.loaders';
import { vaultLoaders } from '../modules/vault/vault.loaders';
import { customerLoaders } from '../modules/customer/customer.loaders';
import { refundLoaders } from '../modules/refund/refund.loaders';
import { personalDataLoaders } from '../modules/personal-data/personal-data.loaders';
import { satisfactionLoaders } from '../modules/satisfaction/satisfaction.loaders';
import { ticketMergeLoaders } from '../modules/ticket/ticket-merge.loaders';
import type { Vault } from '../modules/vault/vault';
import type { Viewer } from '../modules/viewer/viewer';

type WithId = { id: string };

/** One query for every id asked for in the same tick; results in the request's identity map. */
export function byIdLoader<T extends WithId>(em: EntityManager, entity: new () => T): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = (await em.find(entity as never, { id: { $in: [...ids] } } as never)) as T[];
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** A fresh set per request: batching and caching never cross requests or viewers. */
export function createLoaders(em: EntityManager, viewer: Viewer, vault: Vault) {
  return {
    customer: byIdLoader(em, Customer),
    staff: byIdLoader(em, StaffMember),
    plan: byIdLoader(em, Plan),
    subscription: byIdLoader(em, Subscription),
    ...ticketLoaders(em, viewer),
    ...subscriptionLoaders(em),
    ...vaultLoaders(em, vault),
    ...customerLoaders(em),
    ...refundLoaders(em, viewer),
    ...attachmentLoaders(em, viewer),
    ...satisfactionLoaders(em),
    ...ticketMergeLoaders(em),
    ...personalDataLoaders(em),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
