import type { EntityManager } from '@mikro-orm/postgresql';
import { idOfType } from '../../common/global-id';
import { paginate } from '../../common/paginate';
import { DomainError, UserErrorCode } from '../../common/user-error';
import type { Viewer } from '../viewer/viewer';
import { Notification, NotificationPreference, OutboundEmail } from './notification.entity';
import type { NotificationPreferences } from './notification.types';

/** The recipient key of a signed-in viewer; null for anonymous callers. */
export function viewerRecipient(viewer: Viewer): string | null {
  if (viewer.kind === 'customer') return `customer:${viewer.customerId}`;
  if (viewer.kind === 'staff') return `staff:${viewer.staffId}`;
  return null;
}

/** The viewer's own notifications and email choices: nobody reads or marks another's. */
export class NotificationService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
    private readonly now: () => Date,
  ) {}

  private recipient(): string {
    const recipient = viewerRecipient(this.viewer);
    if (!recipient) throw DomainError.of(UserErrorCode.FORBIDDEN, 'Sign in to read notifications.');
    return recipient;
  }

  async list(args: { first: number; after?: string | null; unreadOnly: boolean }) {
    const recipient = this.recipient();
    const where = args.unreadOnly ? { recipient, readAt: null } : { recipient };
    const page = await paginate(this.em, Notification, where, args, [{ eventId: 'desc' }, { id: 'desc' }]);
    // The page's emails in one query.
    const emails = page.nodes.length ? await this.em.find(OutboundEmail, { recipient, eventId: { $in: page.nodes.map((n) => n.eventId) } }) : [];
    for (const node of page.nodes) node.email = emails.find((e) => String(e.eventId) === String(node.eventId)) ?? null;
    return { ...page, unreadCount: await this.unreadCount() };
  }

  unreadCount(): Promise<number> {
    return this.em.count(Notification, { recipient: this.recipient(), readAt: null });
  }

  /** IDs that are not the viewer's notifications are refused like IDs that do not exist. */
  async markRead(ids: string[]): Promise<{ notifications: Notification[]; unreadCount: number }> {
    const recipient = this.recipient();
    const rawIds = ids.map((id, i) => {
      const raw = idOfType(id, 'Notification');
      if (!raw) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No notification with this ID.', ['input', 'ids', String(i)]);
      return raw;
    });
    const found = await this.em.find(Notification, { id: { $in: rawIds }, recipient });
    const missing = rawIds.findIndex((id) => !found.some((n) => n.id === id));
    if (missing >= 0) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No notification with this ID.', ['input', 'ids', String(missing)]);
    for (const notification of found) notification.readAt ??= this.now();
    await this.em.flush();
    return { notifications: rawIds.map((id) => found.find((n) => n.id === id)!), unreadCount: await this.unreadCount() };
  }

  /** A ticket that is not the viewer's simply has none of the viewer's notifications: nothing is marked. */
  async markAllRead(before: Date | null, ticketGlobalId: string | null = null): Promise<{ unreadCount: number }> {
    const recipient = this.recipient();
    const ticketId = ticketGlobalId === null ? null : idOfType(ticketGlobalId, 'Ticket');
    if (ticketGlobalId !== null && !ticketId) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No ticket with this ID.', ['input', 'ticketId']);
    await this.em.nativeUpdate(
      Notification,
      { recipient, readAt: null, ...(before ? { occurredAt: { $lte: before } } : {}), ...(ticketId ? { ticketId } : {}) },
      { readAt: this.now() },
    );
    return { unreadCount: await this.unreadCount() };
  }

  async preferences(): Promise<NotificationPreferences> {
    const row = await this.em.findOne(NotificationPreference, { recipient: this.recipient() });
    return { emailEnabled: row?.emailEnabled ?? true, emailEventTypes: row?.emailTypes ?? null };
  }

  async updatePreferences(input: {
    emailEnabled?: boolean | null;
    emailEventTypes?: string[] | null;
    allEventTypes?: boolean | null;
  }): Promise<NotificationPreferences> {
    const recipient = this.recipient();
    if (input.allEventTypes && input.emailEventTypes) {
      throw DomainError.of(UserErrorCode.INVALID, 'Give either emailEventTypes or allEventTypes, not both.', ['input', 'allEventTypes']);
    }
    const row = (await this.em.findOne(NotificationPreference, { recipient })) ?? this.em.create(NotificationPreference, { recipient } as never);
    if (input.emailEnabled != null) row.emailEnabled = input.emailEnabled;
    if (input.emailEventTypes) row.emailTypes = [...new Set(input.emailEventTypes)] as never;
    if (input.allEventTypes) row.emailTypes = null;
    await this.em.flush();
    return { emailEnabled: row.emailEnabled, emailEventTypes: row.emailTypes };
  }
}
