import { QueryOrder } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type { Viewer } from '../viewer/viewer';
import { attachmentScope } from './attachment.scope';
import { Attachment } from './attachment.entity';

/** One query per page for the files of its tickets or messages, in the viewer's scope; never the bytes. */
function groupedLoader(em: EntityManager, viewer: Viewer, key: 'ticket' | 'message'): DataLoader<string, Attachment[]> {
  return new DataLoader<string, Attachment[]>(async (ids) => {
    const scope = attachmentScope(viewer);
    if (!scope) return ids.map(() => []);
    const rows = await em.find(
      Attachment,
      { $and: [scope, { [key]: { $in: [...ids] } }] },
      // A ticket's own files before its replies' files sent at the same instant (a ticket is filed before it is answered).
      { orderBy: [{ createdAt: 'asc' }, { message: QueryOrder.ASC_NULLS_FIRST }, { position: 'asc' }, { id: 'asc' }] },
    );
    const byParent = new Map<string, Attachment[]>();
    for (const row of rows) {
      const parent = key === 'ticket' ? row.ticket.id : row.message?.id;
      if (parent) byParent.set(parent, [...(byParent.get(parent) ?? []), row]);
    }
    return ids.map((id) => byParent.get(id) ?? []);
  });
}

export function attachmentLoaders(em: EntityManager, viewer: Viewer) {
  return {
    attachmentsOfTicket: groupedLoader(em, viewer, 'ticket'),
    attachmentsOfMessage: groupedLoader(em, viewer, 'message'),
  };
}
