import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import type { Clock } from '../common/clock';
import type { AttachmentStorage } from '../modules/attachment/attachment-storage';
import { AttachmentService } from '../modules/attachment/attachment.service';
import { CannedReplyService } from '../modules/canned-reply/canned-reply.service';
import { CustomerService } from '../modules/customer/customer.service';
import type { DomainEvents } from '../modules/events/domain-events';
import { MerchantKeyService } from '../modules/merchant-key/merchant-key.service';
import { NotificationService } from '../modules/notification/notification.service';
import { ErasureService } from '../modules/personal-data/erasure.service';
import { PlanService } from '../modules/plan/plan.service';
import { RefundService } from '../modules/refund/refund.service';
import { SatisfactionService } from '../modules/satisfaction/satisfaction.service';
import { StaffService } from '../modules/staff/staff.service';
import { SubscriptionService } from '../modules/subscription/subscription.service';
import type { SupportCalendar } from '../modules/support-hours/support-calendar';
import { TicketAccessService } from '../modules/ticket/ticket-access.service';
import { TicketDecisionService } from '../modules/ticket/ticket-decisions.service';
import { TicketIntakeService } from '../modules/ticket/ticket-intake.service';
import { TicketMergeService } from '../modules/ticket/ticket-merge';
import { TicketService } from '../modules/ticket/ticket.service';
import type { Vault } from '../modules/vault/vault';
import { VaultService } from '../modules/vault/vault.service';
import { checkFileLogin } from '../modules/vault/verifier';
import type { Viewer } from '../modules/viewer/viewer';
import type { WebhookRuntime } from '../modules/webhook/webhook.runtime';
import { WebhookService } from '../modules/webhook/webhook.service';

/** What lives as long as the app: one of each per process (or per test app). */
export interface AppWiring {
  clock: Clock;
  calendar: SupportCalendar;
  vault: Vault;
  events: DomainEvents;
  /** Webhook endpoints' keys and address rules; unset where webhooks do not run. */
  webhooks?: WebhookRuntime;
  /** Where attachment bytes go; unset: PostgreSQL. */
  attachmentStorage?: AttachmentStorage;
}

/**
 * The composition root: every service of one request (or of one transaction within it), built
 * on the same EntityManager and viewer, each handed what it needs. Services never build one
 * another; a new service is added here and reached as `ctx.services.<name>`.
 */
export function createServices(wiring: AppWiring, em: EntityManager, viewer: Viewer) {
  // One "now" for everything the services decide in this request (or transaction).
  const now = wiring.clock();
  const calendar = wiring.calendar;
  const events = wiring.events;
  const vault = new VaultService(em, { viewer, now, vault: wiring.vault, events });
  const attachments = new AttachmentService(em, viewer, wiring.attachmentStorage);
  const tickets = new TicketService(em, { viewer, now, calendar, events }, vault, attachments);
  return {
    events: wiring.events,
    vault,
    attachments,
    tickets,
    intake: new TicketIntakeService(em, { viewer, now, calendar, events }, tickets, vault, attachments),
    decisions: new TicketDecisionService(em, { viewer, now, calendar, events }, tickets),
    merges: new TicketMergeService(em, { viewer, now, calendar, events: wiring.events }, tickets),
    satisfaction: new SatisfactionService(em, { viewer, now, events: wiring.events }),
    erasure: new ErasureService(em, { viewer, now, calendar }, tickets),
    cannedReplies: new CannedReplyService(em, { viewer, now, calendar }),
    ticketAccess: new TicketAccessService(tickets, vault, {
      checkLogin: (login) => checkFileLogin(login, wiring.vault.verify),
      inTransaction: <T>(work: (access: TicketAccessService) => Promise<T>): Promise<T> =>
        em.transactional((tx) => work(ticketAccessOn(wiring, tx as EntityManager, viewer))),
    }),
    customers: new CustomerService(em, { viewer, now, events }, tickets),
    refunds: new RefundService(em, { viewer, now, calendar, events }),
    subscriptions: new SubscriptionService(em, { viewer, now }),
    staff: new StaffService(em, { viewer, now }),
    merchantKeys: new MerchantKeyService(em, { viewer, now }),
    plans: new PlanService(em),
    // The viewer's own notifications; read and written as of the moment each is asked for.
    notifications: new NotificationService(em, viewer, () => wiring.clock().toJSDate()),
    get webhooks(): WebhookService {
      return webhookService(wiring, em);
    },
  };
}

export type Services = ReturnType<typeof createServices>;

function ticketAccessOn(wiring: AppWiring, em: EntityManager, viewer: Viewer): TicketAccessService {
  return createServices(wiring, em, viewer).ticketAccess;
}

/** Admins' webhook endpoints: only where this process runs webhooks (the wiring has their keys). */
function webhookService(wiring: AppWiring, em: EntityManager): WebhookService {
  const runtime = wiring.webhooks;
  if (!runtime) throw new GraphQLError('Webhooks are not running on this server.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  // A delivery sent again goes out at once rather than at the dispatcher's next look.
  return new WebhookService(em, runtime.keyring, wiring.clock, runtime.policy, () => runtime.dispatcher.wake());
}
