import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError, UserErrorCode } from '../../common/user-error';
import { ATTACHMENT_LIMITS } from './attachment-limits';

export interface AttachmentTotals {
  files: number;
  bytes: number;
}

export const MiB = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
export const exactly = (bytes: number) => `${bytes.toLocaleString('en-US')} bytes`;

/** Files and bytes a ticket carries now, its messages' files included (count under the ticket's row lock). */
export async function attachmentTotals(em: EntityManager, ticketId: string): Promise<AttachmentTotals> {
  const [row] = await em.execute<Array<{ files: string; bytes: string }>>(
    'select count(*) as files, coalesce(sum(byte_size), 0) as bytes from attachment where ticket_id = ?',
    [ticketId],
  );
  return { files: Number(row?.files ?? 0), bytes: Number(row?.bytes ?? 0) };
}

/**
 * Merging moves every file of the duplicate to the ticket merged into, and that ticket keeps
 * its limits like any other: a merge that would take it over them is refused, with both
 * tickets' numbers, so staff can decide what to do instead.
 */
export async function refuseMergeOverLimits(
  em: EntityManager,
  source: { id: string; number: string },
  target: { id: string; number: string },
  field: string[],
): Promise<void> {
  const from = await attachmentTotals(em, source.id);
  const into = await attachmentTotals(em, target.id);
  if (from.files === 0) return;
  const files = from.files + into.files;
  const bytes = from.bytes + into.bytes;
  const nothingMerged = 'Nothing was merged: keep both tickets, or answer on one and close the other with a reply that points to it.';
  if (files > ATTACHMENT_LIMITS.ticketFiles) {
    throw DomainError.of(
      UserErrorCode.ATTACHMENT_LIMIT_REACHED,
      `${target.number} has ${into.files} files and ${source.number} ${from.files}: merged, ${target.number} would have ${files}, and a ticket may have at most ${ATTACHMENT_LIMITS.ticketFiles}. ${nothingMerged}`,
      field,
    );
  }
  if (bytes > ATTACHMENT_LIMITS.ticketBytes) {
    throw DomainError.of(
      UserErrorCode.ATTACHMENT_LIMIT_REACHED,
      `${target.number} carries ${exactly(into.bytes)} of files and ${source.number} ${exactly(from.bytes)}: merged, ${target.number} would carry ${exactly(bytes)}, and a ticket may carry at most ${exactly(ATTACHMENT_LIMITS.ticketBytes)} (${MiB(ATTACHMENT_LIMITS.ticketBytes)}). ${nothingMerged}`,
      field,
    );
  }
}
