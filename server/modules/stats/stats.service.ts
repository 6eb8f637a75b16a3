import type { EntityManager } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { idOfType } from '../../common/global-id';
import type { Logger } from '../../common/logger';
import { readSide } from '../../common/read-side';
import type { SupportCalendar } from '../support-hours/support-calendar';
import { StatsQueries, type RunSql, type StatsScope } from './stats.queries';
import { StatsBucket, type StatsPeriodInput, type SupportStatsFilter } from './stats.types';

/** More buckets than a chart can show are refused (a year of days). */
export const MAX_BUCKETS = 366;

// An ID that is no staff member's matches no ticket, like an unknown ID elsewhere.
const NO_ONE = '00000000-0000-0000-0000-000000000000';

/** Days of filed tickets that one unit of a section's cost stands for: a quarter. */
export const COST_DAYS_PER_UNIT = 92;

/**
 * How many times its own cost each section weighs for a period: the period sections read a few
 * roll-up rows per day of it, or (filtered) the fact rows of every ticket filed in it, so a year
 * costs four quarters either way. Used by the
 * query cost limits before the request runs, so a bad period weighs one (it is refused later).
 */
export function periodCostFactor(period: { from?: unknown; to?: unknown } | undefined): number {
  const ms = (value: unknown) => (value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : Number.NaN);
  const days = (ms(period?.to) - ms(period?.from)) / 86_400_000;
  return Number.isFinite(days) && days > 0 ? Math.max(1, Math.ceil(days / COST_DAYS_PER_UNIT)) : 1;
}

export type ScopeResult = { ok: true; scope: StatsScope } | { ok: false; message: string };

/** Checks the period and turns the filter's IDs into database ids. */
export function statsScope(input: {
  period: StatsPeriodInput;
  bucket: StatsBucket;
  filter: SupportStatsFilter | null;
  now: DateTime;
  zone: string;
}): ScopeResult {
  const from = DateTime.fromJSDate(input.period.from, { zone: input.zone });
  const to = DateTime.fromJSDate(input.period.to, { zone: input.zone });
  if (to <= from) return { ok: false, message: 'period.to must be after period.from.' };
  const unit = input.bucket === StatsBucket.DAY ? 'day' : input.bucket === StatsBucket.WEEK ? 'week' : 'month';
  const buckets = Math.ceil(to.diff(from.startOf(unit), unit).as(unit === 'day' ? 'days' : unit === 'week' ? 'weeks' : 'months'));
  if (buckets > MAX_BUCKETS) {
    return {
      ok: false,
      message: `The period spans ${buckets} ${unit}s; at most ${MAX_BUCKETS} buckets are allowed: choose a longer bucket or a shorter period.`,
    };
  }
  const filter = input.filter ?? {};
  return {
    ok: true,
    scope: {
      from: input.period.from,
      to: input.period.to,
      bucket: input.bucket,
      zone: input.zone,
      now: input.now.toJSDate(),
      filter: {
        team: filter.team ?? null,
        assigneeId: filter.assigneeId ? (idOfType(filter.assigneeId, 'StaffMember') ?? NO_ONE) : null,
        category: filter.category ?? null,
        planKind: filter.planKind ?? null,
        platform: filter.platform ?? null,
        opencartLine: filter.opencartLine ?? null,
      },
    },
  };
}

/**
 * Runs statements outside the request's identity map, on the read side (a read replica when
 * configured: server/common/read-side.ts): plain rows of aggregates, bound parameters ($1…),
 * nothing hydrated.
 */
export function sqlRunner(em: EntityManager, log?: Logger): RunSql {
  const reads = readSide(em, log);
  return (statement) => {
    const { text, values } = statement.toPostgres();
    return reads.query(text, values);
  };
}

export function statsQueriesFor(ctx: { em: EntityManager; calendar: SupportCalendar; log?: Logger }, scope: StatsScope): StatsQueries {
  return new StatsQueries(sqlRunner(ctx.em, ctx.log), scope, ctx.calendar);
}
