import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../../app/context';
import { Transactional } from '../../common/transaction';
import { Ticket } from '../ticket/ticket.entity';
import { TicketPayload } from '../ticket/ticket-payload.types';
import { TicketIdInput } from '../ticket/ticket-work.types';
import { Role } from '../viewer/viewer';
import { TicketAccess } from './ticket-access.entity';
import { AccessSecretField } from './vault.enums';
import {
  AccessRevealView,
  AccessVerificationView,
  FileAccessView,
  StoreAdminAccessView,
  TicketAccessProvideInput,
  TicketAccessRevealInput,
  TicketAccessRevealPayload,
  TicketAccessVerifyPayload,
} from './vault.types';

@Resolver(() => Ticket)
export class TicketVaultResolver {
  @FieldResolver(() => TicketAccess, {
    nullable: true,
    description: 'The store access the merchant gave, without any password or key; null if none was ever given.',
  })
  access(@Root() ticket: Ticket, @Ctx() ctx: AppContext) {
    return ctx.loaders.ticketAccess.load(ticket.id);
  }

  @Authorized(Role.CUSTOMER)
  @Mutation(() => TicketPayload, {
    description:
      'Give (or replace) the store-admin and file access of your ticket. It is encrypted at once and never shown back to you; a ticket waiting for access opens.',
  })
  @Transactional(TicketPayload, { into: 'ticket' })
  ticketAccessProvide(@Arg('input', () => TicketAccessProvideInput) input: TicketAccessProvideInput, @Ctx() ctx: AppContext) {
    return ctx.services.ticketAccess.provide(input);
  }

  @Authorized()
  @Mutation(() => TicketPayload, {
    description: 'Merchant (or an admin): destroy the stored access at once. The ticket waits for new access and its clock pauses.',
  })
  @Transactional(TicketPayload, { into: 'ticket' })
  ticketAccessWithdraw(@Arg('input', () => TicketIdInput) input: TicketIdInput, @Ctx() ctx: AppContext) {
    return ctx.services.ticketAccess.withdraw(input.ticketId);
  }

  @Authorized(Role.AGENT)
  @Mutation(() => TicketAccessRevealPayload, {
    description: 'The agent assigned to the ticket, or an admin: read one password or key. Every reveal is in the audit trail, which the merchant sees.',
  })
  @Transactional(TicketAccessRevealPayload)
  ticketAccessReveal(@Arg('input', () => TicketAccessRevealInput) input: TicketAccessRevealInput, @Ctx() ctx: AppContext) {
    return ctx.services.ticketAccess.reveal(input);
  }

  @Authorized()
  @Mutation(() => TicketAccessVerifyPayload, {
    description: 'Try a real login with the file access (short timeouts) and record the outcome on the ticket.',
    // A network login to someone's store, up to VAULT_VERIFY_TIMEOUT_MS: a merchant's cost limit allows a handful at once.
    complexity: 150,
  })
  // The login may take seconds: the service records it in a transaction of its own afterwards.
  @Transactional(TicketAccessVerifyPayload, { ownTransactions: true })
  ticketAccessVerify(@Arg('input', () => TicketIdInput) input: TicketIdInput, @Ctx() ctx: AppContext) {
    return ctx.services.ticketAccess.verify(input.ticketId);
  }
}

@Resolver(() => TicketAccess)
export class TicketAccessResolver {
  @FieldResolver(() => StoreAdminAccessView, { nullable: true, description: 'Admin URL and username; null once shredded.' })
  async storeAdmin(@Root() access: TicketAccess, @Ctx() ctx: AppContext): Promise<StoreAdminAccessView | null> {
    const profile = await ctx.loaders.accessProfile.load(access);
    return profile && Object.assign(new StoreAdminAccessView(), { url: profile.storeAdminUrl, username: profile.storeAdminUsername });
  }

  @FieldResolver(() => FileAccessView, { nullable: true, description: 'Host, port, username and root path; null once shredded.' })
  async fileAccess(@Root() access: TicketAccess, @Ctx() ctx: AppContext): Promise<FileAccessView | null> {
    const profile = await ctx.loaders.accessProfile.load(access);
    return (
      profile &&
      Object.assign(new FileAccessView(), {
        protocol: profile.protocol,
        host: profile.host,
        port: profile.port,
        username: profile.username,
        rootPath: profile.rootPath,
        authMethod: access.authMethod,
      })
    );
  }

  @FieldResolver(() => AccessVerificationView, { nullable: true, description: 'The last login check, if any.' })
  verification(@Root() access: TicketAccess): AccessVerificationView | null {
    if (!access.verificationOutcome || !access.verifiedAt) return null;
    return Object.assign(new AccessVerificationView(), { outcome: access.verificationOutcome, checkedAt: access.verifiedAt });
  }

  @FieldResolver(() => [AccessRevealView], { description: "Who opened which secret of this ticket's access, and when, newest first." })
  async reveals(@Root() access: TicketAccess, @Ctx() ctx: AppContext): Promise<AccessRevealView[]> {
    const events = await ctx.loaders.accessReveals.load(access.ticket.id);
    const staff = await Promise.all(events.map((e) => (e.actorStaff ? ctx.loaders.staff.load(e.actorStaff.id) : null)));
    return events.flatMap((event, i) => {
      const field = event.details?.field as AccessSecretField | undefined;
      return field ? [Object.assign(new AccessRevealView(), { field, revealedAt: event.createdAt, staffMember: staff[i] ?? null })] : [];
    });
  }
}
