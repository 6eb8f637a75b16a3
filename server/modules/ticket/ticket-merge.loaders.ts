import type { EntityManager } from '@mikro-orm/postgresql';
import { keyedLoader } from '../../common/batched-connection';
import { mergesOf } from './ticket-merge';

export function ticketMergeLoaders(em: EntityManager) {
  return {
    /** Where a merged ticket went, by the merged ticket's id: a page of tickets asks once. */
    mergeOf: keyedLoader((ticketIds) => mergesOf(em, ticketIds)),
  };
}
