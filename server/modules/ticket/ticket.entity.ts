import { Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../common/base.entity';
import { toGlobalId } from '../../common/global-id';
import { Node } from '../../common/node';
import { Customer } from '../customer/customer.entity';
import { PlatformFlag, PortDecision } from '../platform/platform-rules';
import { StaffMember, StaffTeam } from '../staff/staff-member.entity';
import { Subscription } from '../subscription/subscription.entity';
import { Coverage, QuoteStatus, TicketCategory } from './coverage';
import type { ReportedEnvironment } from './environment';
import { AccessState, TicketPriority, TicketStatus } from './ticket.enums';

/** Sort key of tickets whose clock is not running: after every real due time. */
export const NOT_DUE = new Date('9999-12-31T00:00:00Z');

@ObjectType({ implements: Node, description: 'A support request filed by a merchant.' })
@Entity()
@Unique({ properties: ['customer', 'idempotencyKey'] })
@Index({ properties: ['customer', 'createdAt', 'id'] })
@Index({ properties: ['assignee', 'createdAt', 'id'] })
@Index({ properties: ['createdAt', 'id'] })
@Index({ properties: ['updatedAt', 'id'] })
@Index({ properties: ['category'] })
@Index({ properties: ['team'] })
// MOST_URGENT's order from the top (migration ticket_list_indexes).
@Index({ name: 'ticket_most_urgent_index', expression: 'create index "ticket_most_urgent_index" on "ticket" ("priority" desc, "urgency_at", "id")' })
@Index({ properties: ['urgencyAt'] })
// The SLA, platform and resolution filters (migration ticket_filter_indexes; search/ticket-filters.ts).
@Index({
  name: 'ticket_sla_breached_index',
  expression:
    'create index "ticket_sla_breached_index" on "ticket" ("created_at", "id") where ((first_reply_at is not null and first_reply_minutes >= support_day_minutes) or (resolved_at is not null and resolution_minutes >= support_day_minutes * (case when complex then 3 else 1 end)) or (clock_running_since is null and first_reply_at is null and clock_used_minutes >= support_day_minutes) or (clock_running_since is null and resolved_at is null and clock_used_minutes >= support_day_minutes * (case when complex then 3 else 1 end)))',
})
@Index({ name: 'ticket_platform_index', expression: `create index "ticket_platform_index" on "ticket" ((environment ->> 'platform'))` })
@Index({ name: 'ticket_opencart_version_index', expression: `create index "ticket_opencart_version_index" on "ticket" ((environment ->> 'opencartVersion'))` })
@Index({ name: 'ticket_opencart_line_index', expression: 'create index "ticket_opencart_line_index" on "ticket" (ticket_opencart_line(environment))' })
@Index({ name: 'ticket_platform_flags_index', expression: 'create index "ticket_platform_flags_index" on "ticket" using gin ("platform_flags")' })
@Index({ name: 'ticket_not_english_index', expression: 'create index "ticket_not_english_index" on "ticket" ("created_at", "id") where not_english' })
@Index({ properties: ['resolvedAt'] })
@Index({ properties: ['closedAt'] })
export class Ticket extends BaseEntity implements Node {
  @Field(() => ID, { name: 'id' })
  get globalId(): string {
    return toGlobalId('Ticket', this.id);
  }

  @Property({ type: 'integer' })
  @Unique()
  serial!: number;

  @Field(() => String, { description: 'Human ticket number, e.g. OC-000123.' })
  get number(): string {
    return `OC-${String(this.serial).padStart(6, '0')}`;
  }

  @ManyToOne(() => Customer)
  customer!: Customer;

  @ManyToOne(() => Subscription)
  subscription!: Subscription;

  @Field(() => String)
  @Property({ type: 'string', length: 200 })
  subject!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  description!: string;

  @Field(() => TicketCategory)
  @Enum({ items: () => TicketCategory, nativeEnumName: 'ticket_category' })
  category!: TicketCategory;

  @Field(() => Coverage)
  @Enum({ items: () => Coverage, nativeEnumName: 'coverage' })
  coverage!: Coverage;

  @Field(() => TicketStatus)
  @Enum({ items: () => TicketStatus, nativeEnumName: 'ticket_status' })
  status: TicketStatus = TicketStatus.AWAITING_ACCESS;

  @Field(() => TicketPriority)
  @Enum({ items: () => TicketPriority, nativeEnumName: 'ticket_priority' })
  priority: TicketPriority = TicketPriority.NORMAL;

  @ManyToOne(() => StaffMember, { nullable: true })
  assignee?: StaffMember | null = null;

  @Field(() => StaffTeam, { description: 'The team that answers: Premium Support tickets go to the development team.' })
  @Enum({ items: () => StaffTeam, nativeEnumName: 'staff_team' })
  team: StaffTeam = StaffTeam.SUPPORT;

  @Field(() => Boolean, { description: 'Marked complex by staff: the resolution target is three support days.' })
  @Property({ type: 'boolean' })
  complex: boolean = false;

  /** The OpenCart environment the merchant's store reported with the ticket. */
  @Property({ type: 'json', nullable: true })
  environment?: ReportedEnvironment | null = null;

  @Field(() => [PlatformFlag])
  @Enum({ items: () => PlatformFlag, array: true, nativeEnumName: 'platform_flag' })
  platformFlags: PlatformFlag[] = [];

  @Field(() => Boolean, { description: 'False for OpenCart older than 1.5.4 or a module built for another OpenCart line.' })
  @Property({ type: 'boolean' })
  fixGuaranteed: boolean = true;

  @Field(() => Boolean, { description: 'Whether the reply time is guaranteed (Premium Support, supported OpenCart).' })
  @Property({ type: 'boolean' })
  slaGuaranteed: boolean = false;

  @Field(() => Boolean, { description: 'The text did not look English; support is handled in English only.' })
  @Property({ type: 'boolean' })
  notEnglish: boolean = false;

  /** Whether the ticket counts against the plan's allowance (covered work only). */
  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  consumesAllowance: boolean = true;

  /** Index of the billing period the ticket counts against (0 = first month; 0 for a one-time fix). */
  @Property({ type: 'integer', nullable: true })
  periodIndex?: number | null = null;

  // SLA clock: support minutes used while running, and since when it runs (null = paused).
  @Property({ type: 'integer' })
  clockUsedMinutes: number = 0;

  /**
   * How long a support day was when the ticket was filed: its targets stay what they were when
   * later changes to the support hours apply to new tickets only.
   */
  @Property({ type: 'integer', default: 540 })
  supportDayMinutes: number = 540;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  clockRunningSince?: Date | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: `'9999-12-31 00:00:00+00'` })
  urgencyAt: Date = NOT_DUE;

  // Due times of the targets while the clock runs (null when met or paused), kept for analytics:
  // "is this running target past due?" is then a comparison in SQL (stats module).
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  runningFirstReplyDueAt?: Date | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  runningResolutionDueAt?: Date | null = null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  firstReplyAt?: Date | null = null;

  @Property({ type: 'integer', nullable: true })
  firstReplyMinutes?: number | null = null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  resolvedAt?: Date | null = null;

  @Property({ type: 'integer', nullable: true })
  resolutionMinutes?: number | null = null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  closedAt?: Date | null = null;

  @Field(() => Date, { nullable: true, description: 'When the merchant withdrew (closed) the ticket themselves.' })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  withdrawnAt?: Date | null = null;

  // Store access (the credentials themselves live in the vault).
  @Field(() => AccessState)
  @Enum({ items: () => AccessState, nativeEnumName: 'access_state' })
  accessState: AccessState = AccessState.MISSING;

  @Property({ type: 'text', nullable: true })
  accessWaiverReason?: string | null = null;

  @Field(() => Date, { nullable: true, description: 'When the merchant confirmed the temporary access was disabled.' })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  accessDisabledAt?: Date | null = null;

  // Custom development quote.
  @Property({ type: 'integer', nullable: true })
  quoteAmount?: number | null = null;

  @Property({ type: 'string', length: 3, nullable: true })
  quoteCurrency?: string | null = null;

  @Property({ type: 'text', nullable: true })
  quoteNote?: string | null = null;

  @Enum({ items: () => QuoteStatus, nativeEnumName: 'quote_status', nullable: true })
  quoteStatus?: QuoteStatus | null = null;

  // Non-native port decision.
  @Enum({ items: () => PortDecision, nativeEnumName: 'port_decision', nullable: true })
  portDecision?: PortDecision | null = null;

  @Property({ type: 'text', nullable: true })
  portDecisionNote?: string | null = null;

  @Property({ type: 'integer', nullable: true })
  surchargeAmount?: number | null = null;

  @Enum({ items: () => QuoteStatus, nativeEnumName: 'quote_status', nullable: true })
  surchargeStatus?: QuoteStatus | null = null;

  // Facts staff record that decide refunds.
  @Property({ type: 'boolean' })
  accessWithheld: boolean = false;

  @Property({ type: 'boolean' })
  thirdPartyBlocked: boolean = false;

  @Property({ type: 'string', length: 100, nullable: true })
  idempotencyKey?: string | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  customerLastReadAt?: Date | null = null;

  @Field(() => Date, { description: 'When the last message was posted (or the ticket was filed).' })
  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  lastActivityAt: Date = new Date();
}
