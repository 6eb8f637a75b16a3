import type { EntityManager } from '@mikro-orm/postgresql';
import type { DateTime } from 'luxon';
import { requireId } from '../../common/access';
import { DomainError, UserErrorCode } from '../../common/user-error';
import { audit } from '../audit/audit';
import { BanIdentityKind, hashedBanValue } from '../customer/ban-rules';
import { lockCustomer } from '../customer/customer-lock';
import { BannedIdentity, type Customer } from '../customer/customer.entity';
import { StaffMember } from '../staff/staff-member.entity';
import { SubscriptionStatus } from '../subscription/entitlement-rules';
import { Subscription } from '../subscription/subscription.entity';
import type { SupportCalendar } from '../support-hours/support-calendar';
import { Ticket } from '../ticket/ticket.entity';
import { TicketStatus } from '../ticket/ticket.enums';
import type { TicketService } from '../ticket/ticket.service';
import { shredRow } from '../vault/sealed-access';
import { TicketAccess } from '../vault/ticket-access.entity';
import { AccessShredReason } from '../vault/vault.enums';
import { isAdmin, type Viewer } from '../viewer/viewer';
import { CustomerErasure } from './customer-erasure.entity';
import { environmentFacts, ERASED_TEXT, pseudonymOf, scrubDetails } from './erasure-rules';
import type { CustomerEraseInput, ErasureSummary } from './personal-data.types';

export interface ErasureServiceDeps {
  viewer: Viewer;
  now: DateTime;
  calendar: SupportCalendar;
}

const AUDIT_PAGE = 500;

/**
 * Erases a customer on request, in one transaction: personal data is removed or replaced by a
 * pseudonym everywhere, while what others rely on stays: the audit trail keeps every entry
 * (with the pseudonym, its free text erased), refunds keep amounts, periods and decisions, the
 * tickets keep their numbers, dates, categories and SLA figures, and a ban keeps its keys hashed
 * so the same email or store is still refused.
 */
export class ErasureService {
  constructor(
    private readonly em: EntityManager,
    private readonly deps: ErasureServiceDeps,
    private readonly tickets: TicketService,
  ) {}

  async erase(input: CustomerEraseInput): Promise<{ customer: Customer; summary: ErasureSummary }> {
    const { viewer, now } = this.deps;
    if (!isAdmin(viewer) || viewer.kind !== 'staff') throw DomainError.of(UserErrorCode.FORBIDDEN, "Only admins erase a customer's personal data.");
    const id = requireId(input.customerId, 'Customer', ['input', 'customerId']);
    const customer = await lockCustomer(this.em, id);
    if (!customer) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No Customer with this ID.', ['input', 'customerId']);
    if (await this.em.count(CustomerErasure, { customer: id })) {
      throw DomainError.of(UserErrorCode.INVALID_TRANSITION, "This customer's personal data was already erased.", ['input', 'customerId']);
    }
    // Typed by the admin: erasure cannot be undone, so the customer must be the one meant.
    if (input.confirmEmail.trim().toLowerCase() !== customer.email) {
      throw DomainError.of(UserErrorCode.INVALID, "confirmEmail must be the customer's email address, to confirm who is erased.", ['input', 'confirmEmail']);
    }
    const at = now.toJSDate();

    // The service ends: open tickets close, plans end, stored access is destroyed, keys stop working.
    const open = await this.em.find(Ticket, { customer: id, status: { $ne: TicketStatus.CLOSED } });
    for (const ticket of open) await this.tickets.setStatus(ticket, TicketStatus.CLOSED, 'CUSTOMER_ERASED');
    const live = await this.em.find(TicketAccess, { ticket: { customer: id }, shreddedAt: null }, { populate: ['ticket'] });
    for (const access of live) {
      shredRow(access, AccessShredReason.CUSTOMER_ERASED, at);
      audit(this.em, viewer, {
        customerId: id,
        ticket: access.ticket,
        action: 'ACCESS_SHREDDED',
        rule: AccessShredReason.CUSTOMER_ERASED,
        details: { accessId: access.id, reason: AccessShredReason.CUSTOMER_ERASED },
      });
    }
    await this.em.nativeUpdate(Subscription, { customer: id, status: SubscriptionStatus.ACTIVE }, { status: SubscriptionStatus.CANCELLED, cancelledAt: at });
    await this.em.flush();

    const run = (sql: string, params: unknown[] = []) => this.em.execute(sql, params, 'run') as Promise<{ affectedRows: number }>;
    const keysRevoked = (await run(`update merchant_api_key set revoked_at = coalesce(revoked_at, ?), name = ? where customer_id = ?`, [at, ERASED_TEXT, id]))
      .affectedRows;

    // Tickets keep what the stats and refunds need; their text and the store's details go.
    const tickets = await this.em.execute<Array<{ id: string; environment: Record<string, unknown> | null }>>(
      `select id, environment from ticket where customer_id = ?`,
      [id],
    );
    for (const ticket of tickets) {
      await run(
        `update ticket set subject = ?, description = ?, environment = ?, access_waiver_reason = null, quote_note = null, port_decision_note = null, idempotency_key = null, updated_at = ? where id = ?`,
        [ERASED_TEXT, ERASED_TEXT, ticket.environment ? JSON.stringify(environmentFacts(ticket.environment)) : null, at, ticket.id],
      );
    }
    const messagesErased = (await run(`update ticket_message set body = ? where ticket_id in (select id from ticket where customer_id = ?)`, [ERASED_TEXT, id]))
      .affectedRows;
    const attachmentsDeleted = (await run(`delete from attachment where ticket_id in (select id from ticket where customer_id = ?)`, [id])).affectedRows;
    await run(`update ticket_satisfaction set comment = null where customer_id = ?`, [id]);
    // What the desk told about them: their own notifications and emails go (pending ones are never sent);
    // staff's copies keep the ticket number and lose the merchant's words (subjects are quoted in them).
    const recipient = `customer:${id}`;
    await run(`delete from notification where recipient = ?`, [recipient]);
    await run(`delete from outbound_email where recipient = ?`, [recipient]);
    await run(
      `update notification set title = coalesce(ticket_number || ' ', '') || ?, body = ? where ticket_id in (select id from ticket where customer_id = ?)`,
      [ERASED_TEXT, ERASED_TEXT, id],
    );
    await run(`update outbound_email set subject = ?, text = ?, html = ? where event_id in (select id from outbox_event where customer_id = ?)`, [
      ERASED_TEXT,
      ERASED_TEXT,
      ERASED_TEXT,
      id,
    ]);
    // Accounting keeps amounts, periods, reasons and decisions; the words go.
    await run(`update refund set details = ?, decision_note = case when decision_note is null then null else ? end where customer_id = ?`, [
      ERASED_TEXT,
      ERASED_TEXT,
      id,
    ]);

    // The ban outlives the data: its keys are kept as hashes, which still match a new sign-up.
    const banKeys = await this.em.find(BannedIdentity, { customerId: id });
    for (const key of banKeys) if (!key.value.startsWith('sha256:')) key.value = hashedBanValue(key.kind as BanIdentityKind, key.value);

    const pseudonym = pseudonymOf(id);
    customer.email = pseudonym.email;
    customer.name = pseudonym.name;
    customer.company = null;
    customer.storeUrl = null;
    if (customer.banNote) customer.banNote = ERASED_TEXT;
    customer.updatedAt = at;
    this.em.create(CustomerErasure, { customer, erasedBy: this.em.getReference(StaffMember, viewer.staffId), erasedAt: at });
    await this.em.flush();

    const auditEntriesScrubbed = await this.scrubAuditTrail(id);
    const summary: ErasureSummary = {
      ticketsErased: tickets.length,
      ticketsClosed: open.length,
      messagesErased,
      attachmentsDeleted,
      accessShredded: live.length,
      apiKeysRevoked: keysRevoked,
      auditEntriesScrubbed,
      banKept: banKeys.length > 0,
    };
    audit(this.em, viewer, { customerId: id, action: 'CUSTOMER_ERASED', rule: 'PERSONAL_DATA_ERASED_ON_REQUEST', details: { ...summary } });
    return { customer, summary };
  }

  /**
   * The append-only trail keeps every entry; only free text in their details is erased. The
   * table's trigger lets exactly that through while this transaction says it is erasing.
   */
  private async scrubAuditTrail(customerId: string): Promise<number> {
    await this.em.execute(`select set_config('support_desk.erasing', 'on', true)`);
    let scrubbed = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = await this.em.execute<Array<{ id: string; details: unknown }>>(
        `select id, details from audit_event where customer_id = ? and details is not null and id > ? order by id limit ${AUDIT_PAGE}`,
        [customerId, after],
      );
      for (const row of rows) {
        const clean = scrubDetails(row.details);
        if (JSON.stringify(clean) === JSON.stringify(row.details)) continue;
        await this.em.execute(`update audit_event set details = ? where id = ?`, [JSON.stringify(clean), row.id]);
        scrubbed += 1;
      }
      if (rows.length < AUDIT_PAGE) break;
      after = rows[rows.length - 1]!.id;
    }
    await this.em.execute(`select set_config('support_desk.erasing', 'off', true)`);
    return scrubbed;
  }
}
