import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { HolidayCalendar, US_FEDERAL_HOLIDAY_NAMES, holidayCalendarFor } from '../../server/modules/support-hours/holidays';

const us = new HolidayCalendar();

// The federal rule, computed independently of date-holidays: Saturday → Friday before, Sunday → Monday after.
function federalObserved(isoDate: string): string {
  const d = DateTime.fromISO(isoDate, { zone: 'utc' });
  if (d.weekday === 6) return d.minus({ days: 1 }).toISODate()!;
  if (d.weekday === 7) return d.plus({ days: 1 }).toISODate()!;
  return isoDate;
}

describe('Support Hours: "national holidays" are the US federal holidays, with their observed days', () => {
  it.each([
    // Holidays on a weekday are observed on the day itself.
    { clause: "New Year's Day 2026 (Thu)", observed: '2026-01-01', name: "New Year's Day", date: '2026-01-01' },
    { clause: 'MLK Day, 3rd Monday of January', observed: '2026-01-19', name: 'Martin Luther King Jr. Day', date: '2026-01-19' },
    { clause: "Washington's Birthday, 3rd Monday of February", observed: '2026-02-16', name: "Washington's Birthday", date: '2026-02-16' },
    { clause: 'Memorial Day, last Monday of May', observed: '2026-05-25', name: 'Memorial Day', date: '2026-05-25' },
    { clause: 'Juneteenth 2026 (Fri)', observed: '2026-06-19', name: 'Juneteenth', date: '2026-06-19' },
    { clause: 'Labor Day (en-us name, not "Labour Day")', observed: '2026-09-07', name: 'Labor Day', date: '2026-09-07' },
    { clause: 'Columbus Day, 2nd Monday of October', observed: '2026-10-12', name: 'Columbus Day', date: '2026-10-12' },
    { clause: 'Veterans Day 2026 (Wed)', observed: '2026-11-11', name: 'Veterans Day', date: '2026-11-11' },
    { clause: 'Thanksgiving, 4th Thursday of November', observed: '2026-11-26', name: 'Thanksgiving Day', date: '2026-11-26' },
    { clause: 'Christmas 2026 (Fri)', observed: '2026-12-25', name: 'Christmas Day', date: '2026-12-25' },
    // Saturday holidays are observed on the Friday before.
    { clause: 'July 4th 2020 on a Saturday → Fri 3rd', observed: '2020-07-03', name: 'Independence Day', date: '2020-07-04' },
    { clause: 'Juneteenth 2021 on a Saturday → Fri 18th', observed: '2021-06-18', name: 'Juneteenth', date: '2021-06-19' },
    { clause: 'Christmas 2021 on a Saturday → Fri 24th', observed: '2021-12-24', name: 'Christmas Day', date: '2021-12-25' },
    { clause: 'New Year 2022 on a Saturday → Fri 2021-12-31, in the previous year', observed: '2021-12-31', name: "New Year's Day", date: '2022-01-01' },
    { clause: 'Veterans Day 2023 on a Saturday → Fri 10th (date-holidays types it "bank")', observed: '2023-11-10', name: 'Veterans Day', date: '2023-11-11' },
    { clause: 'July 4th 2026 on a Saturday → Fri 3rd', observed: '2026-07-03', name: 'Independence Day', date: '2026-07-04' },
    { clause: 'Juneteenth 2027 on a Saturday → Fri 18th', observed: '2027-06-18', name: 'Juneteenth', date: '2027-06-19' },
    { clause: 'Christmas 2027 on a Saturday → Fri 24th', observed: '2027-12-24', name: 'Christmas Day', date: '2027-12-25' },
    { clause: 'New Year 2028 on a Saturday → Fri 2027-12-31', observed: '2027-12-31', name: "New Year's Day", date: '2028-01-01' },
    { clause: 'Veterans Day 2028 on a Saturday → Fri 10th', observed: '2028-11-10', name: 'Veterans Day', date: '2028-11-11' },
    // Sunday holidays are observed on the Monday after.
    { clause: 'July 4th 2021 on a Sunday → Mon 5th', observed: '2021-07-05', name: 'Independence Day', date: '2021-07-04' },
    { clause: 'Juneteenth 2022 on a Sunday → Mon 20th', observed: '2022-06-20', name: 'Juneteenth', date: '2022-06-19' },
    { clause: 'Christmas 2022 on a Sunday → Mon 26th', observed: '2022-12-26', name: 'Christmas Day', date: '2022-12-25' },
    { clause: 'New Year 2023 on a Sunday → Mon 2nd', observed: '2023-01-02', name: "New Year's Day", date: '2023-01-01' },
    { clause: 'July 4th 2027 on a Sunday → Mon 5th', observed: '2027-07-05', name: 'Independence Day', date: '2027-07-04' },
    { clause: 'Veterans Day 2029 on a Sunday → Mon 12th', observed: '2029-11-12', name: 'Veterans Day', date: '2029-11-11' },
  ])('$clause', ({ observed, name, date }) => {
    expect(us.holidayOn(observed)).toEqual({ name, date, observedDate: observed });
  });

  it.each([
    { clause: "Valentine's Day is an observance, not a holiday", date: '2026-02-14' },
    { clause: 'Easter Sunday is not federal', date: '2026-04-05' },
    { clause: 'the Friday after Thanksgiving is a normal business day', date: '2026-11-27' },
    { clause: 'Christmas Eve is not federal (2026, Thu)', date: '2026-12-24' },
    { clause: "New Year's Eve is not federal (2026, Thu)", date: '2026-12-31' },
    { clause: 'Inauguration Day 2021 is not a national holiday', date: '2021-01-20' },
    { clause: 'Election Day is not federal', date: '2026-11-03' },
    { clause: 'Halloween is not a holiday', date: '2026-10-31' },
    { clause: 'an ordinary Tuesday', date: '2026-03-10' },
  ])('$clause', ({ date }) => {
    expect(us.holidayOn(date)).toBeNull();
  });

  it.each([
    { clause: 'a Saturday holiday still answers on its own date', date: '2026-07-04', observedDate: '2026-07-03' },
    { clause: 'a Sunday holiday still answers on its own date', date: '2022-12-25', observedDate: '2022-12-26' },
  ])('$clause', ({ date, observedDate }) => {
    expect(us.holidayOn(date)?.observedDate).toBe(observedDate);
  });

  it.each(Array.from({ length: 11 }, (_, i) => 2020 + i))('every federal holiday of %i is listed once and observed on the nearest weekday', (year) => {
    // Gather by the holiday's own year: New Year's Day may be observed in the year before.
    const all = [year - 1, year, year + 1].flatMap((y) => us.holidaysInYear(y));
    const ofYear = all.filter((h) => h.date.startsWith(`${year}-`));
    const expectedNames = US_FEDERAL_HOLIDAY_NAMES.filter((n) => n !== 'Juneteenth' || year >= 2021);
    expect(ofYear.map((h) => h.name).sort()).toEqual([...expectedNames].sort());
    for (const h of ofYear) {
      expect(h.observedDate, `${h.name} ${h.date}`).toBe(federalObserved(h.date));
      expect(DateTime.fromISO(h.observedDate).weekday).toBeLessThanOrEqual(5);
    }
  });

  it('Juneteenth is a federal holiday only since 2021', () => {
    expect(us.holidayOn('2020-06-19')).toBeNull();
    expect(us.holidayOn('2021-06-18')?.name).toBe('Juneteenth');
  });
});

describe('year end: a Saturday New Year is observed on Dec 31 of the year before', () => {
  it('holidaysInYear(2021) lists New Year 2022 under its observed date 2021-12-31', () => {
    expect(us.holidaysInYear(2021).at(-1)).toEqual({ name: "New Year's Day", date: '2022-01-01', observedDate: '2021-12-31' });
  });

  it('holidaysInYear(2022) does not list it again', () => {
    const list = us.holidaysInYear(2022);
    expect(list.every((h) => h.observedDate.startsWith('2022-'))).toBe(true);
    expect(list.map((h) => h.name)).not.toContain("New Year's Day");
    expect(list).toHaveLength(10);
  });

  it.each([
    {
      clause: 'after Christmas 2021 the next holiday is New Year 2022, observed 2021-12-31',
      from: '2021-12-26',
      name: "New Year's Day",
      date: '2022-01-01',
      observedDate: '2021-12-31',
    },
    { clause: 'on the observed day itself', from: '2021-12-31', name: "New Year's Day", date: '2022-01-01', observedDate: '2021-12-31' },
    {
      clause: 'on Jan 1 2022 (already observed) the next is MLK Day',
      from: '2022-01-01',
      name: 'Martin Luther King Jr. Day',
      date: '2022-01-17',
      observedDate: '2022-01-17',
    },
    {
      clause: 'after Christmas 2022 (observed Mon 26th) the next is New Year 2023, observed Mon 2nd',
      from: '2022-12-27',
      name: "New Year's Day",
      date: '2023-01-01',
      observedDate: '2023-01-02',
    },
    {
      clause: 'after Christmas 2027 (observed Fri 24th) the next is New Year 2028, observed Fri 31st',
      from: '2027-12-25',
      name: "New Year's Day",
      date: '2028-01-01',
      observedDate: '2027-12-31',
    },
  ])('nextHoliday: $clause', ({ from, name, date, observedDate }) => {
    expect(us.nextHoliday(from)).toEqual({ name, date, observedDate });
  });
});

describe('holiday source is configurable (country, region) and cached per year', () => {
  it('repeated lookups of a year return the cached list', () => {
    const calendar = new HolidayCalendar();
    expect(calendar.holidaysInYear(2026)).toBe(calendar.holidaysInYear(2026));
    expect(calendar.holidaysInYear(2026)).not.toBe(calendar.holidaysInYear(2027));
  });

  it('holidayCalendarFor shares one calendar per normalised source', () => {
    expect(holidayCalendarFor({ country: 'us' })).toBe(holidayCalendarFor({}));
    expect(holidayCalendarFor({ country: 'US', region: 'dc' })).not.toBe(holidayCalendarFor({}));
  });

  it.each([
    { clause: 'US + DC adds the District’s own public holiday', source: { country: 'US', region: 'DC' }, date: '2025-04-16', name: 'Emancipation Day' },
    { clause: 'US without a region does not close for it', source: { country: 'US' }, date: '2025-04-16', name: null },
    {
      clause: 'US + DC keeps the federal name where the District renames the day',
      source: { country: 'US', region: 'DC' },
      date: '2025-10-13',
      name: 'Columbus Day',
    },
    { clause: 'US + DC still filters out observances', source: { country: 'US', region: 'DC' }, date: '2025-11-28', name: null },
    { clause: 'GB public holidays: Christmas 2021 (Sat) observed Mon 27th', source: { country: 'GB' }, date: '2021-12-27', name: 'Christmas Day' },
    { clause: 'GB public holidays: Boxing Day 2021 (Sun) observed Tue 28th', source: { country: 'GB' }, date: '2021-12-28', name: 'Boxing Day' },
    { clause: 'GB has no Thanksgiving', source: { country: 'GB' }, date: '2026-11-26', name: null },
    { clause: 'DE + BY: Epiphany is a Bavarian public holiday', source: { country: 'DE', region: 'BY' }, date: '2026-01-06', name: 'Heilige Drei Könige' },
    { clause: 'DE without a region: Epiphany is not national', source: { country: 'DE' }, date: '2026-01-06', name: null },
  ])('$clause', ({ source, date, name }) => {
    expect(new HolidayCalendar(source).holidayOn(date)?.name ?? null).toBe(name);
  });

  it.each([
    { clause: 'an unknown country is rejected', source: { country: 'XX' }, message: /Unknown holiday country "XX"/ },
    { clause: 'an unknown region is rejected', source: { country: 'US', region: 'ZZ' }, message: /Unknown holiday region "ZZ" for country US/ },
  ])('$clause', ({ source, message }) => {
    expect(() => new HolidayCalendar(source)).toThrow(RangeError);
    expect(() => new HolidayCalendar(source)).toThrow(message);
  });

  it.each(['2026-02-30', '2026-7-4', 'tomorrow', '2026-W27-5', ''])('an invalid ISO date %j is rejected', (date) => {
    expect(() => us.holidayOn(date)).toThrow(RangeError);
  });
});
