import { describe, expect, it } from 'vitest';
import { bucketLabel, bucketStarts, periodLabel, periodOf } from '../../dashboard/src/period';

// The page's own period arithmetic (no browser needed): what it asks supportStats for, and the
// buckets it lays the answers on, must be the support calendar's whole weeks and months.
describe('the dashboard period presets', () => {
  const zone = 'America/New_York';

  it('asks for whole weeks from Monday 00:00 in the support zone, this week included, across the switch to summer time', () => {
    // Wednesday 25 March 2026, 01:30 UTC: still Tuesday evening in New York.
    const period = periodOf('8w', new Date('2026-03-25T01:30:00Z'), zone);
    expect(period.from.toISO()).toBe('2026-02-02T00:00:00.000-05:00');
    expect(period.to.toISO()).toBe('2026-03-30T00:00:00.000-04:00');
    const starts = bucketStarts(period, 'WEEK').map((start) => start.toISO());
    expect(starts).toHaveLength(8);
    // The week of the switch (Sunday 8 March) starts at midnight standard time; the next one at midnight summer time.
    expect(starts.slice(4, 6)).toEqual(['2026-03-02T00:00:00.000-05:00', '2026-03-09T00:00:00.000-04:00']);
    expect(periodLabel(period, 'WEEK')).toBe('2 Feb 2026 – 29 Mar 2026 (America/New_York), by week');
  });

  it('asks for whole months, and lays days and months out one bucket each', () => {
    const period = periodOf('12m', new Date('2026-12-03T17:00:00Z'), zone);
    expect([period.from.toISO(), period.to.toISO()]).toEqual(['2026-01-01T00:00:00.000-05:00', '2027-01-01T00:00:00.000-05:00']);
    expect(bucketStarts(period, 'MONTH').map((start) => bucketLabel(start, 'MONTH'))).toEqual(
      ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].map((month) => `${month} 2026`),
    );
    // A year by day is 365 buckets, within supportStats' 366.
    expect(bucketStarts(period, 'DAY')).toHaveLength(365);
    expect(bucketLabel(bucketStarts(periodOf('4w', new Date('2026-12-03T17:00:00Z'), zone), 'DAY')[0]!, 'DAY')).toBe('Mon 9 Nov');
  });
});
