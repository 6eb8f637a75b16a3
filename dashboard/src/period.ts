import { DateTime } from 'luxon';
import type { StatsBucket } from './generated/graphql';

export const PERIOD_PRESETS = {
  '4w': { weeks: 4, label: 'Last 4 weeks' },
  '8w': { weeks: 8, label: 'Last 8 weeks' },
  '13w': { weeks: 13, label: 'Last 13 weeks' },
  '26w': { weeks: 26, label: 'Last 26 weeks' },
  '12m': { months: 12, label: 'Last 12 months' },
} as const;
export type PeriodPreset = keyof typeof PERIOD_PRESETS;
export const DEFAULT_PRESET: PeriodPreset = '8w';
export const DEFAULT_BUCKET: StatsBucket = 'WEEK';

export interface Period {
  from: DateTime;
  to: DateTime;
}

export function isPreset(value: string): value is PeriodPreset {
  return Object.hasOwn(PERIOD_PRESETS, value);
}

/**
 * Whole weeks (from Monday) or months in the support zone, the current one included, so every
 * bucket of the chart is a full week or month of the support calendar; `to` is excluded.
 */
export function periodOf(preset: PeriodPreset, now: Date, zone: string): Period {
  const here = DateTime.fromJSDate(now, { zone });
  const chosen = PERIOD_PRESETS[preset];
  if ('months' in chosen) {
    const to = here.startOf('month').plus({ months: 1 });
    return { from: to.minus({ months: chosen.months }), to };
  }
  const to = here.startOf('week').plus({ weeks: 1 });
  return { from: to.minus({ weeks: chosen.weeks }), to };
}

const UNIT = { DAY: 'day', WEEK: 'week', MONTH: 'month' } as const;

/** Every bucket's start in the period, so a chart shows empty weeks as empty instead of leaving them out. */
export function bucketStarts(period: Period, bucket: StatsBucket): DateTime[] {
  const unit = UNIT[bucket];
  const starts: DateTime[] = [];
  for (let at = period.from.startOf(unit); at < period.to; at = at.plus({ [`${unit}s`]: 1 })) starts.push(at);
  return starts;
}

export function bucketLabel(start: DateTime, bucket: StatsBucket): string {
  if (bucket === 'MONTH') return start.toFormat('LLL yyyy');
  if (bucket === 'WEEK') return `wk of ${start.toFormat('d LLL')}`;
  return start.toFormat('EEE d LLL');
}

export function periodLabel(period: Period, bucket: StatsBucket): string {
  const last = period.to.minus({ days: 1 });
  return `${period.from.toFormat('d LLL yyyy')} – ${last.toFormat('d LLL yyyy')} (${period.from.zoneName}), by ${UNIT[bucket]}`;
}
