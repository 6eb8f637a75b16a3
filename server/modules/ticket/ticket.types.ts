import { ArrayMaxSize, IsInt, IsOptional, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../../common/date-time.scalar';
import { Money } from '../../common/money';
import { UserError } from '../../common/user-error';
import { Platform, PlatformFlag, PortDecision } from '../platform/platform-rules';
import { Coverage, QuoteStatus, TicketCategory, CATEGORY_INFO } from './coverage';
import { TicketMessage } from './ticket-message.entity';
import { Ticket } from './ticket.entity';
import { TicketPriority, TicketStatus } from './ticket.enums';
import { ConnectionType } from '../../common/connection';
import { StaffTeam } from '../staff/staff-member.entity';
import { TicketAccessInput } from '../vault/vault.types';

registerEnumType(TicketCategory, {
  name: 'TicketCategory',
  valuesConfig: Object.fromEntries(
    Object.entries(CATEGORY_INFO).map(([key, info]) => [key, { description: `${info.label}: ${info.hint}` }]),
  ),
});
registerEnumType(Coverage, {
  name: 'Coverage',
  valuesConfig: {
    COVERED: { description: 'Covered by the support plan; counts towards the ticket allowance.' },
    CUSTOM_DEVELOPMENT: { description: 'Custom development: quoted and billed separately; uses no allowance.' },
    OUTSIDE_AGREEMENT: { description: 'Server or other external configuration: not part of the agreement.' },
  },
});
registerEnumType(QuoteStatus, { name: 'QuoteStatus' });
registerEnumType(Platform, { name: 'Platform', description: 'The software the store runs: OpenCart itself or a port of it.' });
registerEnumType(PlatformFlag, {
  name: 'PlatformFlag',
  valuesConfig: {
    LEGACY_VERSION: { description: 'OpenCart older than 1.5.4: the fix is not guaranteed; the reply time stays guaranteed.' },
    NON_NATIVE_PORT: { description: 'Not pure OpenCart: staff accept, accept with a surcharge, or deny support.' },
    WRONG_MODULE_VERSION: { description: 'A module built for another OpenCart line: its fix is not guaranteed.' },
    UNKNOWN_VERSION: { description: 'The OpenCart version could not be established.' },
    POORLY_CODED_MODULE: { description: 'Staff found a badly/poorly coded module involved: the fix is not guaranteed.' },
  },
});
registerEnumType(PortDecision, { name: 'PortDecision' });

export enum ExtensionKind {
  EXTENSION = 'EXTENSION',
  MODIFICATION = 'MODIFICATION',
}
registerEnumType(ExtensionKind, { name: 'ExtensionKind' });

// ---------- environment reported by the store ----------

@InputType({ description: 'An extension or modification installed in the store.' })
export class InstalledExtensionInput {
  @Field(() => ExtensionKind)
  kind!: ExtensionKind;

  @Field(() => String)
  @Length(1, 128)
  code!: string;

  @Field(() => String)
  @Length(1, 255)
  name!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(64)
  version?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(255)
  author?: string | null;

  @Field(() => String, { nullable: true, description: 'The OpenCart line it appears built for: 1.5, 2.x, 3.0 or 4.x.' })
  @IsOptional()
  @MaxLength(3)
  @Matches(/^(1\.5|2\.x|3\.0|4\.x)$/, { message: 'targetLine must be one of 1.5, 2.x, 3.0, 4.x' })
  targetLine?: string | null;

  @Field(() => String, { nullable: true, description: 'Why the module thinks so, in a few words.' })
  @IsOptional()
  @MaxLength(500)
  evidence?: string | null;
}

@InputType({ description: 'The store environment, as detected by the OpenCart module.' })
export class OpenCartEnvironmentInput {
  @Field(() => String, { nullable: true, description: "The store's VERSION constant (for Arastta: Arastta's own version)." })
  @IsOptional()
  @MaxLength(32)
  opencartVersion?: string | null;

  @Field(() => Platform, { defaultValue: Platform.NATIVE })
  platform: Platform = Platform.NATIVE;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(64)
  platformVersion?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(32)
  phpVersion?: string | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(300)
  @MaxLength(100, { each: true })
  phpExtensions?: string[] | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  webServer?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  databaseServer?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2048)
  storeUrl?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(32)
  adminLanguage?: string | null;

  @Field(() => [InstalledExtensionInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  extensions?: InstalledExtensionInput[] | null;

  @Field(() => String, { nullable: true, description: 'The last lines of the error log, secrets redacted by the module (opt-in).' })
  @IsOptional()
  @MaxLength(20_000)
  errorLogExcerpt?: string | null;
}

@ObjectType('InstalledExtension')
export class InstalledExtensionView {
  @Field(() => ExtensionKind) kind!: ExtensionKind;
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) version?: string | null;
  @Field(() => String, { nullable: true }) author?: string | null;
  @Field(() => String, { nullable: true }) targetLine?: string | null;
  @Field(() => String, { nullable: true }) evidence?: string | null;
}

@ObjectType('OpenCartEnvironment', { description: 'The store environment reported with a ticket.' })
export class OpenCartEnvironmentView {
  @Field(() => String, { nullable: true }) opencartVersion?: string | null;
  @Field(() => Platform) platform!: Platform;
  @Field(() => String, { nullable: true }) platformVersion?: string | null;
  @Field(() => String, { nullable: true }) phpVersion?: string | null;
  @Field(() => [String]) phpExtensions!: string[];
  @Field(() => String, { nullable: true }) webServer?: string | null;
  @Field(() => String, { nullable: true }) databaseServer?: string | null;
  @Field(() => String, { nullable: true }) storeUrl?: string | null;
  @Field(() => String, { nullable: true }) adminLanguage?: string | null;
  @Field(() => [InstalledExtensionView]) extensions!: InstalledExtensionView[];
  @Field(() => String, { nullable: true }) errorLogExcerpt?: string | null;
}

// ---------- SLA ----------

@ObjectType({ description: 'One SLA target (first reply or resolution), counted in support minutes.' })
export class SlaTarget {
  @Field(() => Int, { description: 'The target in support minutes (one support day = the support hours when the ticket was filed: 540 by default).' })
  targetMinutes!: number;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the target falls due; null while the clock is paused or once met.' })
  dueAt!: unknown;

  @Field(() => Int, { description: 'Support minutes left; zero or negative once breached.' })
  remainingMinutes!: number;

  @Field(() => Boolean)
  breached!: boolean;

  @Field(() => Boolean)
  met!: boolean;

  @Field(() => Date, { nullable: true })
  metAt!: Date | null;

  @Field(() => Int, { nullable: true, description: 'Support minutes it took, once met.' })
  minutesTaken!: number | null;
}

@ObjectType({ description: 'Where the ticket stands against its service levels.' })
export class TicketSla {
  @Field(() => Boolean, { description: 'Whether the clock runs now (it pauses while we wait on the merchant).' })
  running!: boolean;

  @Field(() => Boolean, {
    description: 'Premium Support on a supported OpenCart: the first-reply time is guaranteed. Otherwise the targets are best effort.',
  })
  guaranteed!: boolean;

  @Field(() => Int, { description: 'Support minutes used so far.' })
  usedMinutes!: number;

  @Field(() => SlaTarget)
  firstReply!: SlaTarget;

  @Field(() => SlaTarget)
  resolution!: SlaTarget;
}

@ObjectType({ description: 'A quote for custom development, which is billed separately.' })
export class Quote {
  @Field(() => Money) price!: Money;
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field(() => QuoteStatus) status!: QuoteStatus;
}

@ObjectType({ description: "Staff's decision on a store that runs a non-native OpenCart port." })
export class PortReview {
  @Field(() => Boolean, { description: 'True while staff have not decided yet.' })
  pending!: boolean;
  @Field(() => PortDecision, { nullable: true }) decision!: PortDecision | null;
  @Field(() => Money, { nullable: true }) surcharge!: Money | null;
  @Field(() => QuoteStatus, { nullable: true, description: "The merchant's answer to the surcharge." })
  surchargeStatus!: QuoteStatus | null;
  @Field(() => String, { nullable: true }) note!: string | null;
}

// ---------- queries ----------

@InputType({ description: 'Filters for the tickets list. Merchants only ever see their own tickets.' })
export class TicketFilter {
  @Field(() => [TicketStatus], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  statuses?: TicketStatus[] | null;

  @Field(() => [TicketCategory], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  categories?: TicketCategory[] | null;

  @Field(() => [TicketPriority], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(10)
  priorities?: TicketPriority[] | null;

  @Field(() => ID, { nullable: true, description: 'Staff only: tickets of this customer.' })
  @IsOptional()
  customerId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Staff only: tickets assigned to this staff member.' })
  @IsOptional()
  assigneeId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Staff only: true for unassigned tickets.' })
  @IsOptional()
  unassigned?: boolean | null;

  @Field(() => StaffTeam, { nullable: true })
  @IsOptional()
  team?: StaffTeam | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Staff only: true for tickets whose running SLA target (first reply, then resolution) is already past due.',
  })
  @IsOptional()
  overdue?: boolean | null;

  @Field(() => Date, { nullable: true, description: 'Created at or after this instant.' })
  @IsOptional()
  createdAfter?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Created before this instant.' })
  @IsOptional()
  createdBefore?: Date | null;
}

export const TicketConnection = ConnectionType(Ticket, 'Ticket');
export const TicketMessageConnection = ConnectionType(TicketMessage, 'TicketMessage');

// ---------- mutations ----------

@ObjectType({ description: 'Something the merchant should know about what just happened; not an error.' })
export class Notice {
  @Field(() => String, { description: 'e.g. NOT_ENGLISH, ACCESS_REQUIRED, FIX_NOT_GUARANTEED.' })
  code!: string;

  @Field(() => String)
  message!: string;
}

export function notice(code: string, message: string): Notice {
  return { code, message };
}

@InputType()
export class TicketCreateInput {
  @Field(() => ID, { nullable: true, description: 'Staff only: the customer the ticket is for. Merchants file for themselves.' })
  @IsOptional()
  customerId?: string | null;

  @Field(() => String)
  @Length(3, 200, { message: 'subject must be 3 to 200 characters' })
  subject!: string;

  @Field(() => String)
  @Length(10, 50_000, { message: 'description must be 10 to 50000 characters' })
  description!: string;

  @Field(() => TicketCategory)
  category!: TicketCategory;

  @Field(() => TicketPriority, { defaultValue: TicketPriority.NORMAL })
  priority: TicketPriority = TicketPriority.NORMAL;

  @Field(() => OpenCartEnvironmentInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  environment?: OpenCartEnvironmentInput | null;

  @Field(() => TicketAccessInput, { nullable: true, description: 'Store-admin and file access, given with the ticket by the merchant (refused from staff, who record a waiver instead): work can start at once. Write-only.' })
  @IsOptional()
  access?: TicketAccessInput | null;

  @Field(() => String, {
    nullable: true,
    description: 'A key unique per submission: retrying with the same key returns the first ticket and uses no more allowance.',
  })
  @IsOptional()
  @MaxLength(100)
  @Matches(/^[A-Za-z0-9._:-]{8,100}$/, { message: 'idempotencyKey must be 8 to 100 letters, digits or . _ : -' })
  idempotencyKey?: string | null;
}

@ObjectType()
export class TicketPayload {
  @Field(() => Ticket, { nullable: true })
  ticket?: Ticket | null;

  @Field(() => [Notice])
  notices: Notice[] = [];

  @Field(() => [UserError])
  userErrors: UserError[] = [];
}

@InputType()
export class TicketReplyInput {
  @Field(() => ID)
  ticketId!: string;

  @Field(() => String)
  @Length(1, 50_000, { message: 'body must be 1 to 50000 characters' })
  body!: string;

  @Field(() => Boolean, { defaultValue: false, description: 'Staff only: an internal note the merchant never sees.' })
  internal: boolean = false;

  @Field(() => TicketStatus, { nullable: true, description: 'Staff only: move the ticket to this status with the reply.' })
  @IsOptional()
  status?: TicketStatus | null;
}

@ObjectType()
export class TicketReplyPayload {
  @Field(() => TicketMessage, { nullable: true })
  message?: TicketMessage | null;

  @Field(() => Ticket, { nullable: true })
  ticket?: Ticket | null;

  @Field(() => [Notice])
  notices: Notice[] = [];

  @Field(() => [UserError])
  userErrors: UserError[] = [];
}

@InputType()
export class TicketAssignInput {
  @Field(() => ID)
  ticketId!: string;

  @Field(() => ID, { nullable: true, description: 'The staff member to assign; null to unassign.' })
  @IsOptional()
  assigneeId?: string | null;
}

@InputType()
export class TicketStatusChangeInput {
  @Field(() => ID)
  ticketId!: string;

  @Field(() => TicketStatus)
  status!: TicketStatus;

  @Field(() => String, { nullable: true, description: 'Why, for the audit trail.' })
  @IsOptional()
  @MaxLength(2000)
  reason?: string | null;
}

@InputType()
export class TicketUpdateInput {
  @Field(() => ID)
  ticketId!: string;

  @Field(() => TicketPriority, { nullable: true })
  @IsOptional()
  priority?: TicketPriority | null;

  @Field(() => Boolean, { nullable: true, description: 'Complex tickets get three support days for resolution.' })
  @IsOptional()
  complex?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'The merchant did not provide store/FTP access (decides refunds).' })
  @IsOptional()
  accessWithheld?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'The host or another third party did not cooperate (decides refunds).' })
  @IsOptional()
  thirdPartyBlocked?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Why, for the audit trail.' })
  @IsOptional()
  @MaxLength(2000)
  reason?: string | null;
}

@InputType()
export class TicketQuoteSetInput {
  @Field(() => ID)
  ticketId!: string;

  @Field(() => Int, { description: 'Price in minor units of the plan currency.' })
  @IsInt()
  @Min(1, { message: 'amount must be positive' })
  @Max(100_000_000)
  amount!: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(5000)
  note?: string | null;
}

@InputType()
export class TicketRespondInput {
  @Field(() => ID)
  ticketId!: string;

  @Field(() => Boolean, { description: 'True to accept, false to decline.' })
  accept!: boolean;
}

@InputType()
export class TicketPortDecideInput {
  @Field(() => ID)
  ticketId!: string;

  @Field(() => PortDecision)
  decision!: PortDecision;

  @Field(() => Int, { nullable: true, description: 'Required with ACCEPT_WITH_SURCHARGE: amount in minor units.' })
  @IsOptional()
  surchargeAmount?: number | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  note?: string | null;
}

@InputType()
export class TicketReclassifyInput {
  @Field(() => ID)
  ticketId!: string;

  @Field(() => TicketCategory, { description: 'The category the work really is; coverage and allowance follow it.' })
  category!: TicketCategory;

  @Field(() => String, { description: 'Why, for the audit trail the merchant also sees.' })
  @Length(5, 2000, { message: 'reason must be 5 to 2000 characters' })
  reason!: string;
}

@InputType()
export class TicketWithdrawInput {
  @Field(() => ID)
  ticketId!: string;

  @Field(() => String, { nullable: true, description: 'Why, for the audit trail (e.g. "Fixed it myself").' })
  @IsOptional()
  @MaxLength(2000)
  reason?: string | null;
}

@InputType()
export class TicketPoorlyCodedModuleSetInput {
  @Field(() => ID)
  ticketId!: string;

  @Field(() => Boolean, { description: 'True to record that a badly/poorly coded module is involved; false to withdraw it.' })
  poorlyCoded!: boolean;

  @Field(() => String, { description: 'Which module and why, for the audit trail the merchant also sees.' })
  @Length(5, 2000, { message: 'reason must be 5 to 2000 characters' })
  reason!: string;
}

@InputType()
export class TicketAccessWaiveInput {
  @Field(() => ID)
  ticketId!: string;

  @Field(() => String, { description: 'Why work can start without store access (recorded in the audit trail).' })
  @Length(5, 2000, { message: 'reason must be 5 to 2000 characters' })
  reason!: string;
}

@InputType()
export class TicketAccessDisabledConfirmInput {
  @Field(() => ID)
  ticketId!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'The admin username that was disabled. When the stored access logs in as another user, it was replaced since: it is kept and the confirmation is refused (INVALID).',
  })
  @MaxLength(255, { message: 'storeAdminUsername must be at most 255 characters' })
  storeAdminUsername?: string | null;
}

@InputType()
export class TicketIdInput {
  @Field(() => ID)
  ticketId!: string;
}

