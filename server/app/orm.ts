import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import path from 'node:path';
import { Attachment, AttachmentContent } from '../modules/attachment/attachment.entity';
import { AuditEvent } from '../modules/audit/audit-event.entity';
import { CannedReply } from '../modules/canned-reply/canned-reply.entity';
import { BannedIdentity, Customer } from '../modules/customer/customer.entity';
import { MerchantApiKey } from '../modules/merchant-key/merchant-api-key.entity';
import { Plan } from '../modules/plan/plan.entity';
import { OutboxEvent } from '../modules/events/outbox-event.entity';
import { Notification, NotificationPreference, OutboundEmail } from '../modules/notification/notification.entity';
import { DataExport } from '../modules/export/data-export.entity';
import { Refund } from '../modules/refund/refund.entity';
import { TicketSearch } from '../modules/search/ticket-search.entity';
import { SlaEscalation } from '../modules/sla/sla-escalation.entity';
import { StaffMember } from '../modules/staff/staff-member.entity';
import { Subscription } from '../modules/subscription/subscription.entity';
import { CustomerErasure } from '../modules/personal-data/customer-erasure.entity';
import { TicketSatisfaction } from '../modules/satisfaction/ticket-satisfaction.entity';
import { TicketMerge } from '../modules/ticket/ticket-merge.entity';
import { TicketMessage } from '../modules/ticket/ticket-message.entity';
import { Ticket } from '../modules/ticket/ticket.entity';
import { AccessCheckWindow } from '../modules/vault/access-check-window.entity';
import { TicketAccess } from '../modules/vault/ticket-access.entity';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from '../modules/webhook/webhook.entities';
import { PROJECT_ROOT } from './config';
import { RateLimitWindow } from './rate-limit.entity';

export const ENTITIES = [
  Attachment,
  AttachmentContent,
  AuditEvent,
  BannedIdentity,
  CannedReply,
  Customer,
  MerchantApiKey,
  Plan,
  Refund,
  StaffMember,
  Subscription,
  Ticket,
  TicketAccess,
  AccessCheckWindow,
  TicketMessage,
  TicketMerge,
  TicketSatisfaction,
  CustomerErasure,
  TicketSearch,
  DataExport,
  RateLimitWindow,
  OutboxEvent,
  Notification,
  OutboundEmail,
  NotificationPreference,
  WebhookEndpoint,
  WebhookDelivery,
  WebhookAttempt,
  SlaEscalation,
];

export interface OrmOptions {
  clientUrl: string;
  /** Called for every SQL statement (tests count them). */
  onQuery?: (sql: string) => void;
  poolMax?: number;
  /** Read replicas (DATABASE_REPLICA_URLS): only reads that ask for the 'read' connection go there. */
  replicaUrls?: readonly string[];
}

/** How long a read waits to connect to a replica before it is taken as down (and the primary answers). */
export const REPLICA_CONNECT_TIMEOUT_MS = 3_000;

export function ormConfig({ clientUrl, onQuery, poolMax = 10, replicaUrls = [] }: OrmOptions): Options {
  return defineConfig({
    clientUrl,
    replicas: replicaUrls.map((url, index) => ({
      name: `replica-${index + 1}`,
      clientUrl: url,
      // A replica's lost idle connection is dropped by the pool; the read side warns when a read falls back.
      driverOptions: { connection: { connectionTimeoutMillis: REPLICA_CONNECT_TIMEOUT_MS }, log: { warn: () => {} } },
    })),
    // A replica lags: every read goes to the primary unless it asks for 'read' (server/common/read-side.ts).
    preferReadReplicas: false,
    entities: ENTITIES,
    extensions: [Migrator],
    // Explicit types on every property: no reliance on emitted decorator metadata.
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    allowGlobalContext: false,
    forceUtcTimezone: true,
    pool: { min: 0, max: poolMax },
    migrations: {
      tableName: 'mikro_orm_migrations',
      path: path.join(PROJECT_ROOT, 'server/migrations'),
      pathTs: path.join(PROJECT_ROOT, 'server/migrations'),
      glob: '!(*.d).{js,ts}',
      transactional: true,
      allOrNothing: true,
      emit: 'ts',
      // Diffs are taken against a migrated throw-away database (npm run migration:create).
      snapshot: false,
    },
    debug: onQuery ? ['query'] : false,
    logger: onQuery ? (message: string) => onQuery(message) : () => {},
    colors: false,
  });
}
