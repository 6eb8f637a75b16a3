import type { Ticket } from './ticket.entity';
import type { TicketService } from './ticket.service';
import type { AccessFields } from '../vault/access-rules';
import type { AccessSecretField, AccessVerificationOutcome } from '../vault/vault.enums';
import type { VaultService, VerificationAttempt } from '../vault/vault.service';
import type { FileLogin, LoginCheck } from '../vault/verifier';

export interface TicketAccessDeps {
  /** Logs in with the file access (seconds, over the network): never inside a transaction. */
  checkLogin: (login: FileLogin) => Promise<LoginCheck>;
  /** Runs `work` in one transaction, on services bound to it. */
  inTransaction: <T>(work: (access: TicketAccessService) => Promise<T>) => Promise<T>;
}

/**
 * The merchant's store access on a ticket: the ticket is found (and locked) here, the vault
 * seals, opens or shreds, and the ticket's life cycle follows. The only place where both meet,
 * so the vault never calls back into tickets.
 */
export class TicketAccessService {
  constructor(
    private readonly tickets: TicketService,
    private readonly vault: VaultService,
    private readonly deps: TicketAccessDeps,
  ) {}

  async provide(input: AccessFields & { ticketId: string }): Promise<Ticket> {
    const ticket = await this.tickets.findVisible(input.ticketId, ['input', 'ticketId'], true);
    await this.vault.provide(ticket, input);
    await this.tickets.markAccessProvided(ticket);
    return ticket;
  }

  async withdraw(ticketId: string): Promise<Ticket> {
    const ticket = await this.tickets.findVisible(ticketId, ['input', 'ticketId'], true);
    await this.vault.withdraw(ticket);
    await this.tickets.markAccessWithdrawn(ticket);
    return ticket;
  }

  async reveal(input: { ticketId: string; field: AccessSecretField }): Promise<{ ticket: Ticket; secret: { field: AccessSecretField; value: string } }> {
    const ticket = await this.tickets.findVisible(input.ticketId, ['input', 'ticketId'], true);
    return { ticket, secret: await this.vault.reveal(ticket, input.field) };
  }

  /** Read, then log in with no transaction open (it may take seconds), then record in a transaction of its own. */
  async verify(ticketId: string): Promise<{ ticket: Ticket; verification: { outcome: AccessVerificationOutcome; checkedAt: Date } }> {
    const attempt = await this.vault.prepareVerification(ticketId, await this.tickets.findVisible(ticketId, ['input', 'ticketId']));
    const check = await this.deps.checkLogin(attempt.login);
    return this.deps.inTransaction((access) => access.recordVerification(attempt, check));
  }

  private async recordVerification(attempt: VerificationAttempt, check: LoginCheck) {
    const ticket = await this.tickets.findVisible(attempt.ticketId, ['input', 'ticketId'], true);
    return { ticket, verification: await this.vault.recordVerification(ticket, attempt, check) };
  }
}
