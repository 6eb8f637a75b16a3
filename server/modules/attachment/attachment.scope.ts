import type { FilterQuery } from '@mikro-orm/core';
import type { Viewer } from '../viewer/viewer';
import type { Attachment } from './attachment.entity';

/**
 * The attachments a viewer may see, like the tickets and messages they belong to: staff all,
 * a merchant those of their own tickets that are not on internal notes, nobody else any.
 */
export function attachmentScope(viewer: Viewer): FilterQuery<Attachment> | null {
  if (viewer.kind === 'staff') return {};
  if (viewer.kind === 'customer') return { internal: false, ticket: { customer: viewer.customerId } };
  return null;
}
