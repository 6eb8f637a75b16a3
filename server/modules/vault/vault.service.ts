import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DateTime } from 'luxon';
import { DomainError, UserErrorCode } from '../../common/user-error';
import { audit } from '../audit/audit';
import { DomainEventType } from '../events/domain-event';
import type { DomainEvents } from '../events/domain-events';
import { ticketEvent } from '../events/event-of';
import type { Ticket } from '../ticket/ticket.entity';
import { TicketStatus } from '../ticket/ticket.enums';
import { isAdmin, isCustomer, isStaff, type Viewer } from '../viewer/viewer';
import { AccessCheckWindow } from './access-check-window.entity';
import { admitCheck, checkAccess, mayReveal, shredAfterFor, type AccessFields } from './access-rules';
import { openProfile, openSecrets, PROFILE_COLUMNS, SEALED_COLUMNS, sealInto, shredRow } from './sealed-access';
import { TicketAccess } from './ticket-access.entity';
import type { Vault } from './vault';
import { AccessSecretField, AccessShredReason, type AccessVerificationOutcome } from './vault.enums';
import type { FileLogin, LoginCheck } from './verifier';

export interface VaultServiceDeps {
  viewer: Viewer;
  now: DateTime;
  /** The app's master keys, shred delay, job queue and login-check settings. */
  vault: Vault;
  /** Access given, checked, revealed and shredded is announced through it (never the secrets). */
  events: DomainEvents;
}

export interface VerificationAttempt {
  ticketId: string;
  accessId: string;
  generation: number;
  login: FileLogin;
}

const SHRED_REASON_TEXT: Record<AccessShredReason, string> = {
  [AccessShredReason.RESOLVED_DELAY_ELAPSED]: 'some days after the ticket was resolved',
  [AccessShredReason.ACCESS_DISABLED]: 'when the merchant confirmed it was disabled',
  [AccessShredReason.WITHDRAWN]: 'when the merchant withdrew it',
  [AccessShredReason.CUSTOMER_BANNED]: 'when the account was banned',
  [AccessShredReason.CUSTOMER_ERASED]: "when the customer's personal data was erased",
};

/**
 * Store access for tickets: seal, replace, withdraw, reveal, check, shred. Every method runs
 * inside the caller's transaction and throws DomainError for a refusal. It is handed the
 * ticket, found and locked by the caller (TicketAccessService), which also moves the ticket
 * on: the vault knows nothing of the ticket's life cycle beyond its status.
 */
export class VaultService {
  constructor(
    private readonly em: EntityManager,
    private readonly deps: VaultServiceDeps,
  ) {}

  private get vault(): Vault {
    return this.deps.vault;
  }

  private accessOf(ticket: Ticket, options: { lock?: boolean; sealed?: readonly string[] } = {}): Promise<TicketAccess | null> {
    return this.em.findOne(
      TicketAccess,
      { ticket: ticket.id },
      {
        ...(options.sealed ? { populate: options.sealed as never } : {}),
        ...(options.lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {}),
      },
    );
  }

  // ---------- giving access ----------

  /**
   * Seals the access for the ticket under a new data key, replacing (and so destroying) any
   * earlier one. The caller then marks the ticket's access provided.
   */
  async store(ticket: Ticket, fields: AccessFields, base: string[]): Promise<TicketAccess> {
    const check = checkAccess(fields, base);
    if (!check.ok) throw DomainError.of(UserErrorCode.INVALID, check.message, check.field);
    const now = this.deps.now.toJSDate();
    const existing = await this.accessOf(ticket, { lock: true });
    const replaced = Boolean(existing && existing.live);
    const row = existing ?? new TicketAccess();
    row.ticket = ticket;
    row.providedAt = now;
    row.verificationOutcome = null;
    row.verifiedAt = null;
    row.revealedCount = 0;
    row.lastRevealedAt = null;
    row.shredAfter = null;
    row.shreddedAt = null;
    row.shredReason = null;
    row.updatedAt = now;
    sealInto(row, check.access, this.vault.keyring);
    this.em.persist(row);
    audit(this.em, this.deps.viewer, {
      customerId: ticket.customer.id,
      ticket,
      action: replaced ? 'ACCESS_REPLACED' : 'ACCESS_PROVIDED',
      details: { accessId: row.id, protocol: row.protocol, authMethod: row.authMethod },
    });
    await this.deps.events.publish(this.em, ticketEvent(DomainEventType.ACCESS_PROVIDED, ticket, this.deps.viewer, { replaced, protocol: row.protocol }));
    return row;
  }

  /** `ticketAccessProvide`: the merchant gives (or replaces) the access of an open ticket. */
  async provide(ticket: Ticket, input: AccessFields): Promise<void> {
    if (!isCustomer(this.deps.viewer)) {
      throw DomainError.of(UserErrorCode.FORBIDDEN, 'Only the merchant gives store access.', ['input', 'ticketId']);
    }
    if (ticket.status === TicketStatus.CLOSED) {
      throw DomainError.of(UserErrorCode.CLOSED, `${ticket.number} is closed; open a new ticket instead.`, ['input', 'ticketId']);
    }
    if (ticket.status === TicketStatus.RESOLVED) {
      throw DomainError.of(UserErrorCode.INVALID_TRANSITION, `${ticket.number} is resolved: reply to reopen it before giving new access.`, [
        'input',
        'ticketId',
      ]);
    }
    await this.store(ticket, input, ['input']);
  }

  /** `ticketAccessWithdraw`: destroyed at once; work waits for new access. */
  async withdraw(ticket: Ticket): Promise<void> {
    const { viewer } = this.deps;
    if (!isCustomer(viewer) && !isAdmin(viewer)) {
      throw DomainError.of(UserErrorCode.FORBIDDEN, 'Only the merchant, or an admin, can withdraw store access.', ['input', 'ticketId']);
    }
    const access = await this.accessOf(ticket, { lock: true });
    if (!access || !access.live) {
      throw DomainError.of(UserErrorCode.NOT_FOUND, 'There is no stored access on this ticket to withdraw.', ['input', 'ticketId']);
    }
    await this.shred(ticket, access, AccessShredReason.WITHDRAWN, viewer);
  }

  // ---------- reading ----------

  /** `ticketAccessReveal`: one secret, to the assigned agent or an admin, recorded in the audit trail. */
  async reveal(ticket: Ticket, field: AccessSecretField): Promise<{ field: AccessSecretField; value: string }> {
    const { viewer, now } = this.deps;
    const input = { field };
    if (!isStaff(viewer) || !mayReveal({ staffId: viewer.staffId, admin: isAdmin(viewer) }, ticket.assignee?.id ?? null)) {
      throw DomainError.of(UserErrorCode.FORBIDDEN, 'Only the agent assigned to this ticket, or an admin, can open its access.', ['input', 'ticketId']);
    }
    const access = await this.liveAccess(ticket, SEALED_COLUMNS, true);
    // Work is over once a ticket is resolved or closed: its access waits to be shredded and is
    // not opened any more, whoever is assigned (an agent cannot pick up an old ticket to read it).
    if (ticket.status === TicketStatus.CLOSED) {
      throw DomainError.of(UserErrorCode.CLOSED, `${ticket.number} is closed; its access is not opened any more.`, ['input', 'ticketId']);
    }
    if (ticket.status === TicketStatus.RESOLVED) {
      throw DomainError.of(UserErrorCode.FORBIDDEN, `${ticket.number} is resolved; its access is not opened any more. Reopen the ticket if work remains.`, [
        'input',
        'ticketId',
      ]);
    }
    const secrets = openSecrets(access, this.vault.keyring);
    const value =
      input.field === AccessSecretField.STORE_ADMIN_PASSWORD
        ? secrets.storeAdminPassword
        : input.field === AccessSecretField.FILE_PASSWORD
          ? secrets.filePassword
          : secrets.filePrivateKey;
    if (!value) {
      const what = input.field === AccessSecretField.FILE_PASSWORD ? 'file password' : 'SFTP private key';
      throw DomainError.of(UserErrorCode.NOT_FOUND, `This access has no ${what}.`, ['input', 'field']);
    }
    access.revealedCount += 1;
    access.lastRevealedAt = now.toJSDate();
    audit(this.em, viewer, {
      customerId: ticket.customer.id,
      ticket,
      action: 'ACCESS_REVEALED',
      details: { accessId: access.id, field: input.field },
    });
    await this.deps.events.publish(this.em, ticketEvent(DomainEventType.ACCESS_REVEALED, ticket, viewer, { field: input.field }));
    return { field: input.field, value };
  }

  private async liveAccess(ticket: Ticket, sealed: readonly string[], lock: boolean): Promise<TicketAccess> {
    const access = await this.accessOf(ticket, { sealed, lock });
    if (!access) {
      throw DomainError.of(UserErrorCode.NOT_FOUND, `The merchant has not given store access for ${ticket.number}.`, ['input', 'ticketId']);
    }
    if (!access.live) {
      throw DomainError.of(
        UserErrorCode.ACCESS_SHREDDED,
        `The access for ${ticket.number} no longer exists: it was destroyed ${SHRED_REASON_TEXT[access.shredReason!]}. Ask the merchant for new access.`,
        ['input', 'ticketId'],
      );
    }
    return access;
  }

  /**
   * Whether the live stored access logs in as `username` (OpenCart compares usernames without
   * case). True when nothing is stored any more: there is nothing left to protect.
   */
  async storedAdminUserIs(ticket: Ticket, username: string): Promise<boolean> {
    const access = await this.accessOf(ticket, { sealed: PROFILE_COLUMNS, lock: true });
    if (!access || !access.live) return true;
    return openProfile(access, this.vault.keyring).storeAdminUsername.toLowerCase() === username.trim().toLowerCase();
  }

  // ---------- checking the login ----------

  /** First half of `ticketAccessVerify`: opens the file login for one check (no lock held afterwards). */
  async prepareVerification(ticketId: string, ticket: Ticket): Promise<VerificationAttempt> {
    const access = await this.liveAccess(ticket, SEALED_COLUMNS, false);
    await this.admitLoginCheck(ticket.customer.id);
    const profile = openProfile(access, this.vault.keyring);
    const secrets = openSecrets(access, this.vault.keyring);
    return {
      ticketId,
      accessId: access.id,
      generation: access.generation,
      login: {
        protocol: profile.protocol,
        host: profile.host,
        port: profile.port,
        username: profile.username,
        password: secrets.filePassword,
        privateKey: secrets.filePrivateKey,
      },
    };
  }

  /**
   * Counts one login check against the customer's window, in its own short transaction (the
   * count must stand even if the login then hangs), or refuses with the time of the next one.
   */
  private async admitLoginCheck(customerId: string): Promise<void> {
    const { limit } = this.vault.verify;
    const now = this.deps.now;
    const admission = await this.em.transactional(async (em) => {
      await em.execute("insert into access_check_window (customer_id, started_at, checks) values (?, 'epoch', 0) on conflict (customer_id) do nothing", [
        customerId,
      ]);
      const row = await em.findOneOrFail(AccessCheckWindow, { customer: customerId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const decision = admitCheck(row.checks > 0 ? { startedAt: row.startedAt, checks: row.checks } : null, now, limit);
      if (decision.admitted) Object.assign(row, decision.window);
      return decision;
    });
    if (!admission.admitted) {
      throw DomainError.of(
        UserErrorCode.RATE_LIMITED,
        `Store access of this account was checked ${limit.maxChecks} times in ${limit.windowMinutes} minutes, the most we allow; ` +
          `the next check is possible at ${admission.retryAt.toISOString()}.`,
        ['input', 'ticketId'],
      );
    }
  }

  /** Second half: records how the login went, unless the access changed meanwhile. */
  async recordVerification(ticket: Ticket, attempt: VerificationAttempt, check: LoginCheck): Promise<{ outcome: AccessVerificationOutcome; checkedAt: Date }> {
    if ('refused' in check) {
      throw DomainError.of(UserErrorCode.INVALID, 'The file access host is a local or private network address; we only connect to servers on the internet.', [
        'input',
        'ticketId',
      ]);
    }
    const access = await this.accessOf(ticket, { lock: true });
    if (!access || access.id !== attempt.accessId || access.generation !== attempt.generation) {
      throw DomainError.of(UserErrorCode.INVALID, 'The access changed while it was being checked; check it again.', ['input', 'ticketId']);
    }
    const checkedAt = this.deps.now.toJSDate();
    access.verificationOutcome = check.outcome;
    access.verifiedAt = checkedAt;
    audit(this.em, this.deps.viewer, {
      customerId: ticket.customer.id,
      ticket,
      action: 'ACCESS_VERIFIED',
      details: { accessId: access.id, outcome: check.outcome },
    });
    await this.deps.events.publish(this.em, ticketEvent(DomainEventType.ACCESS_VERIFIED, ticket, this.deps.viewer, { outcome: check.outcome }));
    return { outcome: check.outcome, checkedAt };
  }

  // ---------- the ticket's life cycle (reactions to its domain events, server/app/reactions.ts; onReopened by TicketService) ----------

  /** The ticket was resolved (or closed): the stored access is destroyed after the set delay (the first date stands). */
  async onResolved(ticket: Ticket): Promise<void> {
    const access = await this.accessOf(ticket, { lock: true });
    if (!access || !access.live || access.shredAfter) return;
    access.shredAfter = shredAfterFor(this.deps.now, this.vault.shredDelayDays);
    audit(this.em, 'system', {
      customerId: ticket.customer.id,
      ticket,
      action: 'ACCESS_SHRED_SCHEDULED',
      rule: 'DISABLE_TEMPORARY_ACCESS',
      details: { accessId: access.id, shredAfter: access.shredAfter.toISOString() },
    });
    await this.vault.scheduleShred(access.id, access.shredAfter);
  }

  /** The ticket was reopened. True when its access is gone and must be given again. */
  async onReopened(ticket: Ticket): Promise<boolean> {
    const access = await this.accessOf(ticket, { lock: true });
    if (!access) return false;
    if (!access.live) return true;
    if (access.shredAfter) {
      access.shredAfter = null;
      audit(this.em, 'system', {
        customerId: ticket.customer.id,
        ticket,
        action: 'ACCESS_SHRED_CANCELLED',
        rule: 'TICKET_REOPENED',
        details: { accessId: access.id },
      });
    }
    return false;
  }

  /** The merchant confirmed the temporary access is disabled: our copy is destroyed at once. */
  async onAccessDisabled(ticket: Ticket): Promise<void> {
    const access = await this.accessOf(ticket, { lock: true });
    if (access?.live) await this.shred(ticket, access, AccessShredReason.ACCESS_DISABLED, this.deps.viewer);
  }

  /** A banned customer's access to every store ticket is destroyed at once. */
  async onCustomerBanned(customerId: string): Promise<number> {
    const rows = await this.em.find(
      TicketAccess,
      { ticket: { customer: customerId }, shreddedAt: null },
      { populate: ['ticket'], lockMode: LockMode.PESSIMISTIC_WRITE, lockTableAliases: ['t0'] },
    );
    for (const access of rows) await this.shred(access.ticket, access, AccessShredReason.CUSTOMER_BANNED, this.deps.viewer);
    return rows.length;
  }

  private async shred(ticket: Ticket, access: TicketAccess, reason: AccessShredReason, actor: Viewer | 'system'): Promise<void> {
    shredRow(access, reason, this.deps.now.toJSDate());
    audit(this.em, actor, { customerId: ticket.customer.id, ticket, action: 'ACCESS_SHREDDED', rule: reason, details: { accessId: access.id, reason } });
    await this.deps.events.publish(this.em, ticketEvent(DomainEventType.ACCESS_SHREDDED, ticket, actor, { reason }));
  }
}
