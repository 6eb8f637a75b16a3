import type { EntityManager } from '@mikro-orm/postgresql';
import { keyedLoader } from '../../common/batched-connection';
import { satisfactionOf } from './satisfaction.service';

export function satisfactionLoaders(em: EntityManager) {
  return {
    /** A ticket's rating, by ticket id: a page of tickets asks once. */
    satisfaction: keyedLoader((ticketIds) => satisfactionOf(em, ticketIds)),
  };
}
