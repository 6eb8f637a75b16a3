import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { AuditEvent } from '../audit/audit-event.entity';
import type { AccessProfile } from './access-rules';
import { openProfile, PROFILE_COLUMNS } from './sealed-access';
import { TicketAccess } from './ticket-access.entity';
import type { Vault } from './vault';

/** Batched vault lookups for one request (part of the request's loader set). */
export function vaultLoaders(em: EntityManager, vault: Vault) {
  return {
    ticketAccess: new DataLoader<string, TicketAccess | null>(async (ticketIds) => {
      const rows = await em.find(TicketAccess, { ticket: { $in: [...ticketIds] } });
      const byTicket = new Map(rows.map((row) => [row.ticket.id, row]));
      return ticketIds.map((id) => byTicket.get(id) ?? null);
    }),
    /** Opens the profile (URL, host, usernames) of each access once per request; null once shredded. */
    accessProfile: new DataLoader<TicketAccess, AccessProfile | null>(async (rows) => {
      const live = rows.filter((row) => row.live);
      if (live.length) await em.populate(live, [...PROFILE_COLUMNS] as never, { refresh: false });
      const keyring = vault.keyring;
      return rows.map((row) => (row.live && row.sealedProfile ? openProfile(row, keyring) : null));
    }),
    /** The reveal events of each ticket, newest first. */
    accessReveals: new DataLoader<string, AuditEvent[]>(async (ticketIds) => {
      const events = await em.find(AuditEvent, { ticket: { $in: [...ticketIds] }, action: 'ACCESS_REVEALED' }, { orderBy: { createdAt: 'desc', id: 'desc' } });
      return ticketIds.map((id) => events.filter((event) => event.ticket?.id === id));
    }),
  };
}
