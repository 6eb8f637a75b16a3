import type { EntityManager } from '@mikro-orm/postgresql';
import type { DateTime } from 'luxon';
import { requireId } from '../../common/access';
import { DomainError, UserErrorCode } from '../../common/user-error';
import { audit } from '../audit/audit';
import { AuditEvent } from '../audit/audit-event.entity';
import { MerchantApiKey } from '../merchant-key/merchant-api-key.entity';
import { SubscriptionStatus } from '../subscription/entitlement-rules';
import { Subscription } from '../subscription/subscription.entity';
import { Ticket } from '../ticket/ticket.entity';
import type { TicketService } from '../ticket/ticket.service';
import { TicketStatus } from '../ticket/ticket.enums';
import { isCustomer, type Viewer } from '../viewer/viewer';
import { DomainEventType } from '../events/domain-event';
import type { DomainEvents } from '../events/domain-events';
import { customerEvent } from '../events/event-of';
import { lockCustomer } from './customer-lock';
import { banIdentity, banLookupKeys, banLookupValues, normaliseEmail, storeDomain } from './ban-rules';
import { BannedIdentity, Customer, CustomerStatus } from './customer.entity';
import type { CustomerBanInput, CustomerCreateInput, CustomerUpdateInput } from './customer.types';

export interface CustomerServiceDeps {
  viewer: Viewer;
  now: DateTime;
  events: DomainEvents;
}

export class CustomerService {
  constructor(
    private readonly em: EntityManager,
    private readonly deps: CustomerServiceDeps,
    private readonly tickets: TicketService,
  ) {}

  async create(input: CustomerCreateInput): Promise<Customer> {
    const email = normaliseEmail(input.email);
    if (!email) throw DomainError.of(UserErrorCode.INVALID, 'email must be an email address.', ['input', 'email']);
    const storeUrl = input.storeUrl?.trim() || null;
    if (storeUrl && !storeDomain(storeUrl)) {
      throw DomainError.of(UserErrorCode.INVALID, 'storeUrl must be a web address, e.g. https://shop.example.com.', ['input', 'storeUrl']);
    }
    await this.refuseBannedIdentity(email, storeUrl);
    if (await this.em.count(Customer, { email })) {
      throw DomainError.of(UserErrorCode.TAKEN, 'A customer with this email already exists.', ['input', 'email']);
    }
    const customer = this.em.create(Customer, {
      email,
      name: input.name.trim(),
      company: input.company?.trim() || null,
      storeUrl,
      createdAt: this.deps.now.toJSDate(),
      updatedAt: this.deps.now.toJSDate(),
    });
    audit(this.em, this.deps.viewer, { customerId: customer.id, action: 'CUSTOMER_CREATED' });
    return customer;
  }

  /** A permanent ban: the same email or store domain cannot come back as a new customer. */
  private async refuseBannedIdentity(email: string, storeUrl: string | null): Promise<void> {
    const keys = banLookupKeys({ email, storeUrl });
    if (keys.length === 0) return;
    // An erased customer's ban is kept hashed (banLookupValues): looked up both ways.
    const hit = await this.em.findOne(BannedIdentity, { $or: keys.map((k) => ({ kind: k.kind, value: { $in: banLookupValues(k.kind, [k.value]) } })) });
    if (hit) {
      throw DomainError.of(UserErrorCode.BANNED, 'This email or store was banned permanently and cannot be registered again.', [
        'input',
        hit.kind === 'EMAIL' ? 'email' : 'storeUrl',
      ]);
    }
  }

  async update(input: CustomerUpdateInput): Promise<Customer> {
    const { viewer } = this.deps;
    let id: string;
    if (isCustomer(viewer)) {
      if (input.customerId && requireId(input.customerId, 'Customer', ['input', 'customerId']) !== viewer.customerId) {
        throw DomainError.of(UserErrorCode.NOT_FOUND, 'No Customer with this ID.', ['input', 'customerId']);
      }
      id = viewer.customerId;
    } else {
      id = requireId(input.customerId, 'Customer', ['input', 'customerId']);
    }
    const customer = await this.em.findOne(Customer, { id });
    if (!customer) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No Customer with this ID.', ['input', 'customerId']);
    const changes: Record<string, unknown> = {};
    let previousStoreUrl: string | null = null;
    if (input.name != null) customer.name = changes.name = input.name.trim();
    if (input.company !== undefined) customer.company = changes.company = input.company?.trim() || null;
    if (input.storeUrl !== undefined) {
      const url = input.storeUrl?.trim() || null;
      if (url && !storeDomain(url)) throw DomainError.of(UserErrorCode.INVALID, 'storeUrl must be a web address.', ['input', 'storeUrl']);
      if (url) await this.refuseBannedIdentity(customer.email, url);
      // Kept in the audit trail: a ban covers every store the customer used, not only the last.
      if (customer.storeUrl && customer.storeUrl !== url) previousStoreUrl = customer.storeUrl;
      customer.storeUrl = changes.storeUrl = url;
    }
    audit(this.em, viewer, {
      customerId: id,
      action: 'CUSTOMER_UPDATED',
      details: { fields: Object.keys(changes), ...(previousStoreUrl ? { previousStoreUrl } : {}) },
    });
    return customer;
  }

  async ban(input: CustomerBanInput): Promise<Customer> {
    const { viewer, now } = this.deps;
    const id = requireId(input.customerId, 'Customer', ['input', 'customerId']);
    // Locked like ticket creation locks it: no ticket slips in while the ban is written.
    const customer = await lockCustomer(this.em, id);
    if (!customer) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No Customer with this ID.', ['input', 'customerId']);
    if (customer.status === CustomerStatus.BANNED) {
      throw DomainError.of(UserErrorCode.BANNED, 'This customer is already banned.', ['input', 'customerId']);
    }
    customer.status = CustomerStatus.BANNED;
    customer.banReason = input.reason;
    customer.banNote = input.note;
    customer.bannedAt = now.toJSDate();

    // Keys stop working, open tickets close, the plan ends; no refund follows a ban.
    const revoked = await this.em.nativeUpdate(MerchantApiKey, { customer: id, revokedAt: null }, { revokedAt: now.toJSDate() });
    // Locked before the stored access is read (the vault's reaction to CUSTOMER_BANNED, below): a
    // ticketAccessProvide that got its ticket first commits before this goes on, so its access is seen and shredded; one that
    // comes later finds the ticket closed. FOR NO KEY UPDATE, so that rows merely pointing at a
    // ticket (the shred job's audit entries) can still be written meanwhile.
    await this.em.execute(`select id from ticket where customer_id = ? and status <> 'CLOSED' for no key update`, [id]);
    const open = await this.em.find(Ticket, { customer: id, status: { $ne: TicketStatus.CLOSED } }, { refresh: true });
    for (const ticket of open) await this.tickets.setStatus(ticket, TicketStatus.CLOSED, 'CUSTOMER_BANNED');
    await this.em.nativeUpdate(
      Subscription,
      { customer: id, status: SubscriptionStatus.ACTIVE },
      { status: SubscriptionStatus.CANCELLED, cancelledAt: now.toJSDate() },
    );
    const storeUrls = (await this.em.find(Ticket, { customer: id }, { fields: ['environment'] })).map((t) => t.environment?.storeUrl ?? null);
    const earlierStoreUrls = (await this.em.find(AuditEvent, { customer: id, action: 'CUSTOMER_UPDATED' }, { fields: ['details'] }))
      .map((e) => e.details?.previousStoreUrl)
      .filter((url): url is string => typeof url === 'string');
    storeUrls.push(...earlierStoreUrls);
    for (const key of banIdentity({ email: customer.email, storeUrl: customer.storeUrl, otherStoreUrls: storeUrls })) {
      if (!(await this.em.count(BannedIdentity, { kind: key.kind, value: key.value }))) {
        this.em.create(BannedIdentity, { kind: key.kind, value: key.value, customerId: id, reason: input.reason, createdAt: now.toJSDate() });
      }
    }
    audit(this.em, viewer, {
      customerId: id,
      action: 'CUSTOMER_BANNED',
      rule: `BAN_${input.reason}`,
      details: { reason: input.reason, note: input.note, keysRevoked: revoked, ticketsClosed: open.length },
    });
    // The vault shreds their stored store access on this event (server/app/reactions.ts).
    await this.deps.events.publish(this.em, customerEvent(DomainEventType.CUSTOMER_BANNED, id, viewer, { reason: input.reason, ticketsClosed: open.length }));
    return customer;
  }
}
