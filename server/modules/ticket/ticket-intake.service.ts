import type { EntityManager } from '@mikro-orm/postgresql';
import { requireId } from '../../common/access';
import { DomainError, UserErrorCode, userError } from '../../common/user-error';
import type { AttachmentService } from '../attachment/attachment.service';
import { DomainEventType } from '../events/domain-event';
import { ticketEvent } from '../events/event-of';
import { audit } from '../audit/audit';
import { BanIdentityKind, banLookupValues, domainAndParents, storeDomain } from '../customer/ban-rules';
import { BannedIdentity, CustomerStatus } from '../customer/customer.entity';
import { lockCustomer } from '../customer/customer-lock';
import { assessPlatform, PlatformFlag } from '../platform/platform-rules';
import { StaffTeam } from '../staff/staff-member.entity';
import { entitlementFor, explainNoPlan, selectSubscriptionForTicket } from '../subscription/subscription.service';
import type { VaultService } from '../vault/vault.service';
import { isCustomer } from '../viewer/viewer';
import { consumesAllowance, Coverage, coverageOf } from './coverage';
import type { ReportedEnvironment } from './environment';
import { assessEnglish, ENGLISH_ONLY_NOTICE } from './language';
import { syncClock } from './ticket-clock';
import { Ticket } from './ticket.entity';
import { AccessState, TicketStatus } from './ticket.enums';
import type { TicketService, TicketServiceDeps } from './ticket.service';
import { notice, type Notice } from '../../common/notice';
import type { OpenCartEnvironmentInput } from '../platform/platform.types';
import type { TicketCreateInput } from './ticket-intake.types';

/**
 * Filing a ticket: who it is for, whether the plan allows it (under a row lock, so racing
 * requests never exceed the allowance), what the policy says about the store it reports
 * (version, port, modules, language), and the notices the merchant gets back.
 */
export class TicketIntakeService {
  constructor(
    private readonly em: EntityManager,
    private readonly deps: TicketServiceDeps,
    private readonly tickets: TicketService,
    private readonly vault: VaultService,
    private readonly attachments: AttachmentService,
  ) {}

  async create(input: TicketCreateInput): Promise<{ ticket: Ticket; notices: Notice[] }> {
    const { viewer, now } = this.deps;
    let customerId: string;
    if (isCustomer(viewer)) {
      if (input.customerId) {
        throw DomainError.of(UserErrorCode.FORBIDDEN, 'Merchants file tickets for themselves; leave customerId out.', ['input', 'customerId']);
      }
      customerId = viewer.customerId;
    } else {
      if (!input.customerId) throw DomainError.of(UserErrorCode.INVALID, 'Staff must say which customer the ticket is for.', ['input', 'customerId']);
      // Store access comes from the merchant only; staff who have it by other means record a waiver.
      if (input.access) {
        throw DomainError.of(
          UserErrorCode.FORBIDDEN,
          'Only the merchant gives store access. Staff record why work may start without it with ticketAccessWaive.',
          ['input', 'access'],
        );
      }
      customerId = requireId(input.customerId, 'Customer', ['input', 'customerId']);
    }

    const coverage = coverageOf(input.category);
    if (coverage === Coverage.OUTSIDE_AGREEMENT) {
      throw DomainError.of(
        UserErrorCode.OUTSIDE_AGREEMENT,
        'Server configuration and other configuration outside OpenCart are not part of the support agreement.',
        ['input', 'category'],
      );
    }

    // Serialises ticket creation per customer across every server process: the allowance
    // check and the insert below cannot interleave with another request's.
    const customer = await lockCustomer(this.em, customerId);
    if (!customer) throw DomainError.of(UserErrorCode.NOT_FOUND, 'No customer with this ID.', ['input', 'customerId']);
    if (customer.status === CustomerStatus.BANNED) {
      throw DomainError.of(UserErrorCode.BANNED, 'This account is banned permanently.', ['input', 'customerId']);
    }

    if (input.idempotencyKey) {
      const previous = await this.em.findOne(Ticket, { customer: customerId, idempotencyKey: input.idempotencyKey });
      if (previous) return { ticket: previous, notices: [notice('IDEMPOTENT_REPLAY', `This submission was already received as ${previous.number}.`)] };
    }

    const subscription = await selectSubscriptionForTicket(this.em, customerId, now, consumesAllowance(input.category));
    if (!subscription) {
      const why = await explainNoPlan(this.em, customerId, now);
      throw DomainError.of(UserErrorCode[why.code], why.message);
    }
    const plan = subscription.plan;
    const consumes = consumesAllowance(input.category);
    let periodIndex: number | null = null;
    let allowance: { limit: number; remainingAfter: number } | null = null;
    if (consumes) {
      const decision = await entitlementFor(this.em, subscription, now);
      if (!decision.ok) {
        const code = UserErrorCode[decision.code];
        const renews = decision.renewsAt ? ` (renews ${decision.renewsAt.toISO()})` : '';
        throw new DomainError([userError(code, decision.message + (decision.message.includes('renews') ? '' : renews))]);
      }
      periodIndex = decision.period.index;
      allowance = { limit: decision.limit, remainingAfter: decision.remainingAfter };
    }

    const notices: Notice[] = [];
    const environment = input.environment ? toReportedEnvironment(input.environment) : null;
    const platform = environment
      ? assessPlatform({
          opencartVersion: environment.opencartVersion ?? null,
          platform: environment.platform,
          platformVersion: environment.platformVersion ?? null,
          extensions: (environment.extensions ?? []).map((e) => ({ code: e.code, name: e.name, version: e.version, targetLine: e.targetLine })),
        })
      : null;
    await this.refuseBannedStore(environment?.storeUrl ?? null);
    const language = await assessEnglish(`${input.subject}\n\n${input.description}`);

    const [{ n }] = await this.em.execute<[{ n: string }]>("select nextval('ticket_serial_seq') as n");
    const ticket = new Ticket();
    Object.assign(ticket, {
      serial: Number(n),
      customer,
      subscription,
      subject: input.subject.trim(),
      description: input.description,
      category: input.category,
      coverage,
      priority: input.priority,
      environment,
      // A store that reported no (readable) version, or nothing at all, is flagged so staff ask for it.
      platformFlags: platform?.flags ?? [PlatformFlag.UNKNOWN_VERSION],
      fixGuaranteed: platform?.fixGuaranteed ?? true,
      // "guarantee support fixes" for <1.5.4: the fix only; the plan alone decides the reply time.
      slaGuaranteed: plan.guaranteedReply,
      notEnglish: !language.english,
      consumesAllowance: consumes,
      periodIndex,
      team: plan.developmentTeamAccess ? StaffTeam.DEVELOPMENT : StaffTeam.SUPPORT,
      idempotencyKey: input.idempotencyKey ?? null,
      status: TicketStatus.AWAITING_ACCESS,
      accessState: AccessState.MISSING,
      supportDayMinutes: this.deps.calendar.supportDayMinutes,
      quoteStatus: null,
      createdAt: now.toJSDate(),
      updatedAt: now.toJSDate(),
      lastActivityAt: now.toJSDate(),
    });
    syncClock(ticket, now, this.deps.calendar);
    this.em.persist(ticket);

    audit(this.em, viewer, {
      customerId,
      ticket,
      action: 'TICKET_CREATED',
      rule: consumes ? 'ALLOWANCE_CONSUMED' : 'CUSTOM_DEVELOPMENT_NO_ALLOWANCE',
      details: { number: ticket.number, category: ticket.category, coverage, periodIndex, subscriptionId: subscription.id },
    });
    await this.deps.events.publish(this.em, ticketEvent(DomainEventType.TICKET_FILED, ticket, viewer, { category: ticket.category, coverage }));
    // Once per period: when the tickets left reach a fifth of the allowance (2 of 10).
    if (allowance && allowance.limit > 1 && allowance.remainingAfter === Math.max(1, Math.floor(allowance.limit / 5))) {
      await this.deps.events.publish(this.em, {
        ...ticketEvent(DomainEventType.ALLOWANCE_NEARLY_USED, ticket, viewer, { limit: allowance.limit, remaining: allowance.remainingAfter }),
        ticketId: null,
      });
    }

    const files = await this.attachments.attach({ ticket, message: null }, input.attachments, ['input', 'attachments']);
    notices.push(...files.notices);

    if (input.access) {
      await this.vault.store(ticket, input.access, ['input', 'access']);
      await this.tickets.markAccessProvided(ticket);
    } else {
      notices.push(
        notice(
          'ACCESS_REQUIRED',
          isCustomer(viewer)
            ? 'Work starts once you provide working store-admin and FTP access; until then the reply clock is paused.'
            : 'Work starts once the merchant provides working store-admin and FTP access (or staff waive it with ticketAccessWaive); until then the reply clock is paused.',
        ),
      );
    }
    if (coverage === Coverage.CUSTOM_DEVELOPMENT) {
      notices.push(
        notice(
          'QUOTE_REQUIRED',
          'This is custom development: it is quoted and billed separately and uses none of your ticket allowance. Work starts after you accept our quote.',
        ),
      );
    }
    if (platform) {
      if (platform.flags.length > 0) {
        audit(this.em, 'system', { customerId, ticket, action: 'PLATFORM_FLAGGED', rule: platform.flags.join(','), details: { reasons: platform.reasons } });
      }
      if (!platform.fixGuaranteed) notices.push(notice('FIX_NOT_GUARANTEED', platform.reasons.join(' ')));
      if (platform.needsStaffDecision) {
        notices.push(
          notice(
            'PORT_REVIEW',
            'Your store runs a non-native OpenCart port: we will confirm whether we can support it, possibly at a surcharge, before work starts.',
          ),
        );
      }
    }
    if (ticket.platformFlags.includes(PlatformFlag.UNKNOWN_VERSION) && !ticket.platformFlags.includes(PlatformFlag.NON_NATIVE_PORT)) {
      notices.push(
        notice(
          'VERSION_UNKNOWN',
          'We could not tell which OpenCart version your store runs (it is shown at the bottom of every admin page): please tell us, as what we can fix depends on it.',
        ),
      );
    }
    if (!language.english) {
      audit(this.em, 'system', { customerId, ticket, action: 'LANGUAGE_FLAGGED', rule: 'ENGLISH_ONLY', details: { detected: language.detected } });
      notices.push(notice('NOT_ENGLISH', language.notice ?? ENGLISH_ONLY_NOTICE));
    }
    if (!plan.guaranteedReply) {
      notices.push(
        notice(
          'BEST_EFFORT',
          'A one-time fix has no guaranteed reply time: the targets shown are best effort. What it promises is the fix: if we close the ticket without delivering it, the purchase can be refunded.',
        ),
      );
    }
    return { ticket, notices };
  }

  /** A permanent ban covers the store too: its domain cannot come back under another account. */
  private async refuseBannedStore(storeUrl: string | null): Promise<void> {
    const domain = storeDomain(storeUrl);
    if (!domain) return;
    if (
      await this.em.count(BannedIdentity, {
        kind: BanIdentityKind.STORE_DOMAIN,
        value: { $in: banLookupValues(BanIdentityKind.STORE_DOMAIN, domainAndParents(domain)) },
      })
    ) {
      throw DomainError.of(UserErrorCode.BANNED, 'Support for this store was ended permanently.', ['input', 'environment', 'storeUrl']);
    }
  }
}

function toReportedEnvironment(input: OpenCartEnvironmentInput): ReportedEnvironment {
  return {
    opencartVersion: input.opencartVersion?.trim() || null,
    platform: input.platform,
    platformVersion: input.platformVersion?.trim() || null,
    phpVersion: input.phpVersion ?? null,
    phpExtensions: input.phpExtensions ?? [],
    webServer: input.webServer ?? null,
    databaseServer: input.databaseServer ?? null,
    storeUrl: input.storeUrl ?? null,
    adminLanguage: input.adminLanguage ?? null,
    extensions: (input.extensions ?? []).map((e) => ({
      kind: e.kind,
      code: e.code,
      name: e.name,
      version: e.version ?? null,
      author: e.author ?? null,
      targetLine: e.targetLine ?? null,
      evidence: e.evidence ?? null,
    })),
    errorLogExcerpt: input.errorLogExcerpt ?? null,
  };
}
