import { IsOptional, Matches, MaxLength } from 'class-validator';
import { Field, Float, ID, InputType, Int, InterfaceType, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../../common/date-time.scalar';
import { Money } from '../../common/money';
import { Platform } from '../platform/platform-rules';
import { StaffTeam } from '../staff/staff-member.entity';
import { PlanKind } from '../subscription/entitlement-rules';
import { TicketCategory } from '../ticket/coverage';

export enum StatsBucket {
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
}
registerEnumType(StatsBucket, {
  name: 'StatsBucket',
  description: 'How figures over time are grouped: calendar days, ISO weeks (from Monday) or months, in the support time zone.',
});

@InputType({ description: 'The period a dashboard looks at: from `from` (included) to `to` (excluded).' })
export class StatsPeriodInput {
  @Field(() => DateTimeScalar)
  from!: Date;

  @Field(() => DateTimeScalar)
  to!: Date;
}

@InputType({ description: 'Narrows every ticket figure; refunds, bans and allowance follow `planKind` only (they belong to a plan, not to a ticket).' })
export class SupportStatsFilter {
  @Field(() => StaffTeam, { nullable: true })
  @IsOptional()
  team?: StaffTeam | null;

  @Field(() => ID, { nullable: true, description: 'Tickets assigned to this staff member.' })
  @IsOptional()
  assigneeId?: string | null;

  @Field(() => TicketCategory, { nullable: true })
  @IsOptional()
  category?: TicketCategory | null;

  @Field(() => PlanKind, { nullable: true, description: 'The kind of plan the ticket (or refund, or subscription) was filed under.' })
  @IsOptional()
  planKind?: PlanKind | null;

  @Field(() => Platform, { nullable: true, description: 'The platform the store reported (OpenCart itself or a port).' })
  @IsOptional()
  platform?: Platform | null;

  @Field(() => String, { nullable: true, description: 'The OpenCart line of the reported version: 1.5, 2.x, 3.0 or 4.x.' })
  @IsOptional()
  @MaxLength(3)
  @Matches(/^(1\.5|2\.x|3\.0|4\.x)$/, { message: 'opencartLine must be one of 1.5, 2.x, 3.0, 4.x' })
  opencartLine?: string | null;
}

@ObjectType({ description: 'The period and bucket the figures were computed for.' })
export class StatsPeriod {
  @Field(() => DateTimeScalar, { description: 'Start of the period (included), in the support zone.' }) from!: unknown;
  @Field(() => DateTimeScalar, { description: 'End of the period (excluded), in the support zone.' }) to!: unknown;
  @Field(() => StatsBucket) bucket!: StatsBucket;
  @Field(() => String, { description: 'The IANA zone days, weeks and months are cut in (the support zone).' }) zone!: string;
  @Field(() => DateTimeScalar, { description: 'The instant "now" figures (backlog, running targets, allowance) were taken at.' }) asOf!: unknown;
}

@InterfaceType({ description: 'Where the SLA targets of a set of tickets stand (the fields every SLA count shares).' })
export abstract class SlaFigures {
  @Field(() => Int, { description: 'Tickets whose target was met before its support-minute budget ran out.' }) met!: number;
  @Field(() => Int, { description: 'Tickets whose target was met late, or is not met and its budget is used up (as of `period.asOf`).' }) breached!: number;
  @Field(() => Int, { description: 'Tickets still open whose target is neither met nor missed yet (the clock may be paused).' }) running!: number;
  @Field(() => Float, {
    nullable: true,
    description: 'met / (met + breached): the share of decided targets that were met; null when none is decided. Running targets are left out.',
  })
  rate!: number | null;
}

@ObjectType({ implements: SlaFigures, description: 'Where the SLA targets of a set of tickets stand.' })
export class SlaCounts extends SlaFigures {}

@ObjectType({ implements: SlaFigures, description: 'SLA counts of the tickets filed in one bucket.' })
export class SlaBucketCounts extends SlaFigures {
  @Field(() => DateTimeScalar, { description: 'Start of the bucket (a day, week or month in the support zone).' }) bucketStart!: unknown;
}

@ObjectType({ implements: SlaFigures, description: 'SLA counts of one group of tickets.' })
export class SlaGroupCounts extends SlaFigures {
  @Field(() => String, {
    description: 'The group: an assignee\'s staff ID ("UNASSIGNED" for none), a team, a category, or a plan kind, as the list says.',
  })
  key!: string;
  @Field(() => String, { description: "The group in words: the staff member's name, or the key." }) label!: string;
}

@ObjectType({ description: 'One SLA target (first reply or resolution) over the tickets filed in the period.' })
export class SlaTargetStats {
  @Field(() => SlaCounts, { description: 'Every ticket filed in the period.' }) total!: SlaCounts;
  @Field(() => [SlaBucketCounts], { description: 'By the bucket the ticket was filed in; buckets without tickets are left out.' }) byBucket!: SlaBucketCounts[];
  @Field(() => [SlaGroupCounts], { description: 'By current assignee (key: staff ID, or UNASSIGNED).' }) byAssignee!: SlaGroupCounts[];
  @Field(() => [SlaGroupCounts], { description: 'By team (key: StaffTeam).' }) byTeam!: SlaGroupCounts[];
  @Field(() => [SlaGroupCounts], { description: 'By category (key: TicketCategory).' }) byCategory!: SlaGroupCounts[];
  @Field(() => [SlaGroupCounts], {
    description: 'By the kind of plan the ticket was filed under (key: PlanKind: PREMIUM_MONTHLY is guaranteed, ONE_TIME_FIX best effort).',
  })
  byPlanKind!: SlaGroupCounts[];
  @Field(() => [SlaGroupCounts], { description: 'By whether the reply time was guaranteed to this ticket (key: GUARANTEED or BEST_EFFORT).' })
  byGuarantee!: SlaGroupCounts[];
}

@ObjectType({ description: 'SLA attainment of the tickets filed in the period, as of `period.asOf`.' })
export class SlaAttainment {
  @Field(() => SlaTargetStats, { description: 'The first reply target (one support day).' }) firstReply!: SlaTargetStats;
  @Field(() => SlaTargetStats, { description: 'The resolution target (one support day, three for complex tickets).' }) resolution!: SlaTargetStats;
}

@ObjectType({ description: 'Distribution of durations in support minutes (only minutes inside support hours, with the clock running).' })
export class DurationSummary {
  @Field(() => Int, { description: 'How many tickets have this duration (the target was reached).' }) count!: number;
  @Field(() => Float, { nullable: true, description: 'Median in support minutes (interpolated, percentile_cont); null without tickets.' }) median!:
    | number
    | null;
  @Field(() => Float, { nullable: true, description: '90th percentile in support minutes (interpolated); null without tickets.' }) p90!: number | null;
}

@ObjectType({ description: 'Reply and resolution times of the tickets filed in one bucket.' })
export class ResponseTimeBucket {
  @Field(() => DateTimeScalar, { description: 'Start of the bucket (support zone).' }) bucketStart!: unknown;
  @Field(() => DurationSummary, { description: 'Support minutes from filing to the first reply to the merchant, over tickets with one.' })
  firstReply!: DurationSummary;
  @Field(() => DurationSummary, { description: 'Support minutes from filing to resolution, over resolved tickets.' }) resolution!: DurationSummary;
}

@ObjectType({ description: 'Reply and resolution times of the tickets filed in the period.' })
export class ResponseTimes {
  @Field(() => DurationSummary, { description: 'First replies over the whole period.' }) firstReply!: DurationSummary;
  @Field(() => DurationSummary, { description: 'Resolutions over the whole period.' }) resolution!: DurationSummary;
  @Field(() => [ResponseTimeBucket], { description: 'By the bucket the ticket was filed in; buckets without tickets are left out.' })
  byBucket!: ResponseTimeBucket[];
}

@ObjectType({ description: 'A number of tickets (or customers, refunds, bans) in one group.' })
export class StatsCount {
  @Field(() => String, { description: 'The group, as the list says (an enum value, a version, a staff ID); UNKNOWN when the ticket does not say.' })
  key!: string;
  @Field(() => String, { description: "The group in words: a staff member's name, or the key." }) label!: string;
  @Field(() => Int) count!: number;
}

@ObjectType({ description: 'Tickets not resolved or closed, right now (`period.asOf`), whenever they were filed. Period-independent; the filter applies.' })
export class Backlog {
  @Field(() => Int, { description: 'Every ticket neither RESOLVED nor CLOSED.' }) total!: number;
  @Field(() => [StatsCount], { description: 'By status (key: TicketStatus).' }) byStatus!: StatsCount[];
  @Field(() => [StatsCount], { description: 'By team (key: StaffTeam).' }) byTeam!: StatsCount[];
  @Field(() => [StatsCount], { description: 'By assignee (key: staff ID, or UNASSIGNED).' }) byAssignee!: StatsCount[];
  @Field(() => [StatsCount], {
    description: 'By age in support days since filing (support minutes elapsed / the support day): key 0-1, 1-2, 2-3, 3-5, 5-10 or 10+ (lower bound included).',
  })
  byAge!: StatsCount[];
  @Field(() => [StatsCount], {
    description:
      "By what the ticket waits for: ACCESS (store access), PORT_DECISION (our decision on a non-native port, or the merchant's answer to its surcharge), QUOTE (the merchant's answer to a quote), CUSTOMER (an answer to a question), SUPPORT (nothing: it is our turn).",
  })
  byWaitingReason!: StatsCount[];
}

@ObjectType({ description: 'What the tickets filed in the period were about and where they came from.' })
export class Volume {
  @Field(() => Int, { description: 'Tickets filed in the period.' }) total!: number;
  @Field(() => [StatsCount], { description: 'By category (key: TicketCategory).' }) byCategory!: StatsCount[];
  @Field(() => [StatsCount], { description: 'By coverage (key: Coverage).' }) byCoverage!: StatsCount[];
  @Field(() => [StatsCount], { description: 'By reported platform: OpenCart itself (NATIVE) or a port (key: Platform; UNKNOWN without a report).' })
  byPlatform!: StatsCount[];
  @Field(() => [StatsCount], { description: 'By OpenCart line of the reported version (key: 1.5, 2.x, 3.0, 4.x, or UNKNOWN).' }) byOpencartLine!: StatsCount[];
  @Field(() => [StatsCount], { description: 'By exact reported OpenCart version (key: e.g. 3.0.3.8, or UNKNOWN).' }) byOpencartVersion!: StatsCount[];
  @Field(() => [StatsCount], { description: 'By reported PHP version, major.minor (key: e.g. 8.1, or UNKNOWN).' }) byPhpVersion!: StatsCount[];
  @Field(() => [StatsCount], {
    description:
      'Tickets carrying each flag (key: a PlatformFlag such as LEGACY_VERSION or WRONG_MODULE_VERSION, or NOT_ENGLISH); a ticket counts once per flag it carries.',
  })
  byFlag!: StatsCount[];
}

@ObjectType({ description: 'A customer whose current allowance is used up.' })
export class CustomerAtLimit {
  @Field(() => ID, { description: "The customer's ID." }) customerId!: string;
  @Field(() => String) name!: string;
  @Field(() => ID, { description: 'The subscription whose allowance is used up.' }) subscriptionId!: string;
  @Field(() => PlanKind) planKind!: PlanKind;
  @Field(() => Int, { description: 'Tickets counted against the current allowance window.' }) used!: number;
  @Field(() => Int, { description: 'Tickets the plan allows in that window.' }) limit!: number;
}

@ObjectType({ description: 'How many customers filed a given number of tickets in the period.' })
export class TicketsPerCustomer {
  @Field(() => Int, { description: 'Tickets filed in the period by one customer.' }) tickets!: number;
  @Field(() => Int, { description: 'Customers who filed exactly that many.' }) customers!: number;
}

@ObjectType({ description: 'Allowance use.' })
export class AllowanceStats {
  @Field(() => Int, { description: 'Active subscriptions, at `period.asOf`, whose current allowance window is used up (used >= limit).' })
  atLimitCount!: number;
  @Field(() => [CustomerAtLimit], {
    description: 'Those subscriptions, most used first (then by name), a page of `atLimitFirst` (at most 100) after `atLimitAfter`.',
  })
  atLimit!: CustomerAtLimit[];
  @Field(() => String, {
    nullable: true,
    description: 'Pass as `allowance(atLimitAfter:)` for the next page of `atLimit`; null on the last page.',
  })
  atLimitEndCursor!: string | null;
  @Field(() => [TicketsPerCustomer], { description: 'Distribution of tickets filed in the period per customer (customers who filed none are left out).' })
  ticketsPerCustomer!: TicketsPerCustomer[];
}

@ObjectType({ description: 'Refund requests made in one bucket, for one rule, decision and currency.' })
export class RefundBucketCount {
  @Field(() => DateTimeScalar, { description: 'Start of the bucket the request was made in (support zone).' }) bucketStart!: unknown;
  @Field(() => String, { description: 'The policy rule behind the current status (a RefundRule).' }) rule!: string;
  @Field(() => String, { description: 'The decision: a RefundStatus (PENDING while undecided).' }) decision!: string;
  @Field(() => Int, { description: 'Refund requests.' }) count!: number;
  @Field(() => Money, { description: 'Sum of their amounts, in their currency.' }) amount!: Money;
}

@ObjectType({ description: 'Refund requests made in the period and bans recorded in it.' })
export class RefundStats {
  @Field(() => Int, { description: 'Refund requests made in the period.' }) total!: number;
  @Field(() => [RefundBucketCount], { description: 'By bucket, rule, decision and currency.' }) byBucket!: RefundBucketCount[];
  @Field(() => [StatsCount], { description: 'Customers banned in the period, by reason (key: BanReason).' }) bansByReason!: StatsCount[];
}

/** The root of `supportStats`: each section is computed only when asked for. */
@ObjectType({
  description:
    'Support analytics over a period, computed in the database. Ticket figures count the tickets filed in the period (except the backlog, which is now); times are in support minutes.',
})
export class SupportStats {
  @Field(() => StatsPeriod) period!: StatsPeriod;
}
