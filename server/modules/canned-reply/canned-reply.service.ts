import type { EntityManager } from '@mikro-orm/postgresql';
import type { DateTime } from 'luxon';
import { requireId } from '../../common/access';
import { DomainError, UserErrorCode } from '../../common/user-error';
import { Customer } from '../customer/customer.entity';
import { StaffMember } from '../staff/staff-member.entity';
import type { SupportCalendar } from '../support-hours/support-calendar';
import { nextDue } from '../ticket/ticket-clock';
import { Ticket } from '../ticket/ticket.entity';
import { isAdmin, isStaff, type Viewer } from '../viewer/viewer';
import { CannedReply } from './canned-reply.entity';
import { CANNED_REPLY_LIMITS, type CannedReplyCreateInput, type CannedReplyUpdateInput } from './canned-reply.types';
import { checkPlaceholders, formatDueAt, PLACEHOLDERS, renderPlaceholders } from './placeholders';

export interface CannedReplyServiceDeps {
  viewer: Viewer;
  now: DateTime;
  calendar: SupportCalendar;
}

/** The replies a staff member may see: the shared ones and their own. */
export function visibleCannedReplies(viewer: Viewer) {
  if (!isStaff(viewer)) return null;
  return { $or: [{ owner: null }, { owner: viewer.staffId }] };
}

/**
 * Canned replies: admins manage the shared library, every staff member their own replies.
 * Placeholders are checked on save and filled in on use.
 */
export class CannedReplyService {
  constructor(
    private readonly em: EntityManager,
    private readonly deps: CannedReplyServiceDeps,
  ) {}

  private get staffId(): string {
    const { viewer } = this.deps;
    if (!isStaff(viewer)) throw DomainError.of(UserErrorCode.FORBIDDEN, 'Canned replies are for staff.');
    return viewer.staffId;
  }

  async list(): Promise<CannedReply[]> {
    const where = visibleCannedReplies(this.deps.viewer);
    if (!where) return [];
    return this.em.find(CannedReply, where, { orderBy: [{ title: 'asc' }, { id: 'asc' }] });
  }

  async create(input: CannedReplyCreateInput): Promise<CannedReply> {
    const staffId = this.staffId;
    if (input.shared && !isAdmin(this.deps.viewer)) {
      throw DomainError.of(UserErrorCode.FORBIDDEN, 'Only admins add shared canned replies; leave shared off to keep it as your own.', ['input', 'shared']);
    }
    assertPlaceholders(input.body);
    const owner = input.shared ? null : staffId;
    // Serialises creations for one library, so racing requests cannot pass the count together.
    await this.em.execute('select pg_advisory_xact_lock(hashtext(?))', [`canned_reply:${owner ?? 'shared'}`]);
    const count = await this.em.count(CannedReply, { owner });
    const limit = owner ? CANNED_REPLY_LIMITS.personalPerStaff : CANNED_REPLY_LIMITS.shared;
    if (count >= limit) {
      throw DomainError.of(
        UserErrorCode.INVALID,
        owner
          ? `You already have ${limit} canned replies, the most one person may keep: delete one first.`
          : `There are already ${limit} shared canned replies, the most allowed: delete one first.`,
        ['input', 'shared'],
      );
    }
    const now = this.deps.now.toJSDate();
    return this.em.create(CannedReply, {
      title: input.title.trim(),
      body: input.body,
      owner: owner ? this.em.getReference(StaffMember, owner) : null,
      createdBy: this.em.getReference(StaffMember, staffId),
      createdAt: now,
      updatedAt: now,
    });
  }

  async update(input: CannedReplyUpdateInput): Promise<CannedReply> {
    const reply = await this.findManageable(input.cannedReplyId);
    if (input.title != null) reply.title = input.title.trim();
    if (input.body != null) {
      assertPlaceholders(input.body);
      reply.body = input.body;
    }
    reply.updatedAt = this.deps.now.toJSDate();
    return reply;
  }

  async delete(cannedReplyId: string): Promise<string> {
    const reply = await this.findManageable(cannedReplyId);
    this.em.remove(reply);
    return reply.globalId;
  }

  /** The reply filled in for a ticket: merchant, ticket, due time (support zone), and the agent. */
  async render(ticketId: string, cannedReplyId: string): Promise<{ cannedReply: CannedReply; body: string }> {
    const staffId = this.staffId;
    const reply = await this.findVisible(cannedReplyId, ['cannedReplyId']);
    const ticket = await this.em.findOne(Ticket, { id: requireId(ticketId, 'Ticket', ['ticketId']) });
    if (!ticket) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No ticket with this ID.', ['ticketId']);
    const [customer, agent] = await Promise.all([
      this.em.findOneOrFail(Customer, { id: ticket.customer.id }),
      this.em.findOneOrFail(StaffMember, { id: staffId }),
    ]);
    const { now, calendar } = this.deps;
    const body = renderPlaceholders(reply.body, {
      merchant_name: customer.name,
      merchant_company: customer.company ?? customer.name,
      ticket_number: ticket.number,
      ticket_subject: ticket.subject,
      due_at: formatDueAt(nextDue(ticket, now, calendar), calendar.config.zone),
      agent_name: agent.name,
    });
    return { cannedReply: reply, body };
  }

  private async findVisible(globalId: string, field: string[]): Promise<CannedReply> {
    const id = requireId(globalId, 'CannedReply', field);
    const where = visibleCannedReplies(this.deps.viewer);
    const reply = where ? await this.em.findOne(CannedReply, { $and: [where, { id }] }) : null;
    // Another agent's own replies look like no reply at all.
    if (!reply) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No canned reply with this ID.', field);
    return reply;
  }

  /** Shared replies are the admins' to change; personal ones their owner's. */
  private async findManageable(globalId: string): Promise<CannedReply> {
    const reply = await this.findVisible(globalId, ['input', 'cannedReplyId']);
    if (reply.shared && !isAdmin(this.deps.viewer)) {
      throw DomainError.of(UserErrorCode.FORBIDDEN, 'Shared canned replies are changed by admins only.', ['input', 'cannedReplyId']);
    }
    return reply;
  }
}

function assertPlaceholders(body: string): void {
  const check = checkPlaceholders(body);
  if (check.ok) return;
  const known = Object.keys(PLACEHOLDERS)
    .map((name) => `{{${name}}}`)
    .join(', ');
  const problem = check.unknown.length
    ? `Unknown placeholder${check.unknown.length > 1 ? 's' : ''} ${check.unknown.map((name) => `{{${name}}}`).join(', ')}.`
    : 'A placeholder is missing its opening {{ or closing }}.';
  throw DomainError.of(UserErrorCode.INVALID, `${problem} Use ${known}.`, ['input', 'body']);
}
