import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { contractEnd, periodAt, periodBoundary, periodByIndex } from '../../server/modules/subscription/billing-period';

const NY = 'America/New_York';
const ny = (iso: string) => DateTime.fromISO(iso, { zone: NY });
const utc = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });
const iso = (dt: DateTime | null | undefined) => dt?.toISO() ?? null;

describe('"1 month of Premium Support": periods are whole months from the contract start', () => {
  it.each([
    // start, n, expected boundary (local)
    ['2024-01-31T00:00', 0, '2024-01-31T00:00:00.000-05:00'],
    ['2024-01-31T00:00', 1, '2024-02-29T00:00:00.000-05:00'], // leap year: Feb 29
    ['2024-01-31T00:00', 2, '2024-03-31T00:00:00.000-04:00'], // back to the 31st, not Mar 29
    ['2024-01-31T00:00', 3, '2024-04-30T00:00:00.000-04:00'],
    ['2023-01-31T00:00', 1, '2023-02-28T00:00:00.000-05:00'], // common year: Feb 28
    ['2023-01-31T00:00', 2, '2023-03-31T00:00:00.000-04:00'],
    ['2024-02-29T12:00', 12, '2025-02-28T12:00:00.000-05:00'], // leap-day start, a year later
    ['2024-02-29T12:00', 48, '2028-02-29T12:00:00.000-05:00'], // next leap year: the 29th again
    ['2024-10-15T01:30', 1, '2024-11-15T01:30:00.000-05:00'], // across the DST change: same wall time
  ])('start %s, boundary %i = %s', (start, n, expected) => {
    expect(iso(periodBoundary(ny(start), n))).toBe(expected);
  });

  it('boundaries come from the start, not from chaining period ends', () => {
    const start = ny('2024-01-31T00:00');
    const chained = periodBoundary(periodBoundary(start, 1), 1); // Feb 29 + 1 month = Mar 29
    expect(chained.day).toBe(29);
    const p = periodByIndex(start, 3, 2);
    expect(p?.start.toISODate()).toBe('2024-03-31');
    expect(p?.start.toMillis()).not.toBe(chained.toMillis());
  });

  it.each([
    ['2024-01-31T00:00', 3, '2024-04-30T00:00:00.000-04:00'],
    ['2024-01-31T00:00', 1, '2024-02-29T00:00:00.000-05:00'],
    ['2024-05-15T09:00', 12, '2025-05-15T09:00:00.000-04:00'],
  ])('contractEnd(%s, %i) = %s', (start, months, expected) => {
    expect(iso(contractEnd(ny(start), months))).toBe(expected);
  });

  it.each([[0], [-1], [1.5], [Number.NaN]])('contractEnd with %d months is null', (months) => {
    expect(contractEnd(ny('2024-01-31T00:00'), months)).toBeNull();
  });
});

describe('periodAt: which month of the contract an instant falls in ([start, end))', () => {
  const start = ny('2024-01-31T00:00');

  it.each([
    // at (New York local), index, period start date, period end date
    ['2024-01-31T00:00:00.000', 0, '2024-01-31', '2024-02-29'], // exactly the contract start
    ['2024-02-15T12:00', 0, '2024-01-31', '2024-02-29'],
    ['2024-02-28T23:59:59.999', 0, '2024-01-31', '2024-02-29'], // 1 ms before the boundary
    ['2024-02-29T00:00:00.000', 1, '2024-02-29', '2024-03-31'], // exactly the boundary: the next period
    ['2024-03-30T23:59:59.999', 1, '2024-02-29', '2024-03-31'],
    ['2024-03-31T00:00:00.000', 2, '2024-03-31', '2024-04-30'],
    ['2024-04-29T23:59:59.999', 2, '2024-03-31', '2024-04-30'], // last ms of the contract
  ])('at %s → period %i [%s, %s)', (at, index, from, to) => {
    const p = periodAt(start, 3, ny(at));
    expect(p).not.toBeNull();
    expect(p?.index).toBe(index);
    expect(p?.start.toISODate()).toBe(from);
    expect(p?.end.toISODate()).toBe(to);
  });

  it.each([
    ['2024-01-30T23:59:59.999'], // before the start
    ['2024-04-30T00:00:00.000'], // exactly the contract end (exclusive)
    ['2025-01-01T00:00'],
  ])('at %s → null (outside the contract)', (at) => {
    expect(periodAt(start, 3, ny(at))).toBeNull();
  });

  it.each([
    // Instants in UTC against a New York contract: the boundary is 2024-02-29T05:00Z.
    ['2024-02-29T04:59:59.999Z', 0],
    ['2024-02-29T05:00:00.000Z', 1],
    ['2024-03-31T03:59:59.999Z', 1], // after DST the boundary is 04:00Z
    ['2024-03-31T04:00:00.000Z', 2],
  ])('compares instants, not wall times: %s → period %i', (at, index) => {
    expect(periodAt(start, 3, utc(at))?.index).toBe(index);
  });

  it('finds the right period deep into a long contract (leap-day start)', () => {
    const leap = ny('2024-02-29T12:00');
    // Period 11 of a 12-month contract: [2025-01-29 12:00, 2025-02-28 12:00).
    expect(periodAt(leap, 12, ny('2025-02-28T11:59'))?.index).toBe(11);
    expect(periodAt(leap, 12, ny('2025-02-28T12:00'))).toBeNull();
    expect(periodAt(leap, 12, ny('2024-03-29T11:59'))?.index).toBe(0);
    expect(periodAt(leap, 12, ny('2024-03-29T12:00'))?.index).toBe(1);
    // Every period's start is the contract start plus n months.
    for (let n = 0; n < 12; n++) {
      const p = periodAt(leap, 12, periodBoundary(leap, n));
      expect(p?.index).toBe(n);
      expect(p?.start.toMillis()).toBe(leap.plus({ months: n }).toMillis());
    }
  });

  it.each([[0], [-3], [2.5]])('a contract of %d months has no periods', (months) => {
    expect(periodAt(start, months, ny('2024-02-01T00:00'))).toBeNull();
  });

  it('invalid DateTimes give null', () => {
    expect(periodAt(DateTime.invalid('test'), 3, ny('2024-02-01T00:00'))).toBeNull();
    expect(periodAt(start, 3, DateTime.invalid('test'))).toBeNull();
  });
});

describe('periodByIndex', () => {
  const start = ny('2023-01-31T08:00');
  it.each([
    [0, '2023-01-31', '2023-02-28'],
    [1, '2023-02-28', '2023-03-31'],
    [2, '2023-03-31', '2023-04-30'],
  ])('period %i is [%s, %s)', (index, from, to) => {
    const p = periodByIndex(start, 3, index);
    expect(p?.start.toISODate()).toBe(from);
    expect(p?.end.toISODate()).toBe(to);
    expect(p?.start.hour).toBe(8);
  });

  it.each([[-1], [3], [1.5]])('index %d → null', (index) => {
    expect(periodByIndex(start, 3, index)).toBeNull();
  });
});
