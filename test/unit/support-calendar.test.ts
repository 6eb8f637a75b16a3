import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/app/config';
import {
  DEFAULT_SUPPORT_HOURS,
  SupportCalendar,
  assertValidZone,
  parseBusinessDays,
  parseClockTime,
  parseSupportHoursConfig,
} from '../../server/modules/support-hours/support-calendar';

const ET = 'America/New_York';
const calendar = new SupportCalendar();

/** Wall time in New York; use a trailing Z for instants that are ambiguous there. */
function at(iso: string): DateTime {
  return DateTime.fromISO(iso, { zone: ET });
}

describe('Support Hours: "from 3 AM to 12 PM every business day, at Eastern Time (ET)"', () => {
  it.each([
    { clause: 'closed one minute before 3 AM', when: '2026-03-10T02:59:59.999', open: false },
    { clause: 'open at 3 AM sharp', when: '2026-03-10T03:00', open: true },
    { clause: 'open until the last instant before 12 PM', when: '2026-03-10T11:59:59.999', open: true },
    { clause: 'closed at 12 PM sharp', when: '2026-03-10T12:00', open: false },
    { clause: 'closed in the evening', when: '2026-03-10T20:00', open: false },
    { clause: 'closed on Saturday', when: '2026-03-07T05:00', open: false },
    { clause: 'closed on Sunday (the March 2026 DST switch day)', when: '2026-03-08T05:00', open: false },
    // DST week March 2026: EST (-05:00) before Sun Mar 8, EDT (-04:00) after.
    { clause: 'DST Mar 2026: Fri 3 AM EST is 08:00 UTC', when: '2026-03-06T08:00Z', open: true },
    { clause: 'DST Mar 2026: Fri 07:59 UTC is 2:59 AM EST', when: '2026-03-06T07:59Z', open: false },
    { clause: 'DST Mar 2026: Mon 3 AM EDT is 07:00 UTC', when: '2026-03-09T07:00Z', open: true },
    { clause: 'DST Mar 2026: Mon 06:59 UTC is 2:59 AM EDT', when: '2026-03-09T06:59Z', open: false },
    { clause: 'DST Mar 2026: Mon 12 PM EDT is 16:00 UTC', when: '2026-03-09T16:00Z', open: false },
    // DST week November 2026: EDT before Sun Nov 1, EST after.
    { clause: 'DST Nov 2026: Fri 3 AM EDT is 07:00 UTC', when: '2026-10-30T07:00Z', open: true },
    { clause: 'DST Nov 2026: Mon 07:59 UTC is 2:59 AM EST', when: '2026-11-02T07:59Z', open: false },
    { clause: 'DST Nov 2026: Mon 3 AM EST is 08:00 UTC', when: '2026-11-02T08:00Z', open: true },
    { clause: 'DST Nov 2026: Mon 16:30 UTC is 11:30 AM EST', when: '2026-11-02T16:30Z', open: true },
    // 2025 switches: Sun Mar 9 and Sun Nov 2.
    { clause: 'DST Mar 2025: Fri 3 AM EST is 08:00 UTC', when: '2025-03-07T08:00Z', open: true },
    { clause: 'DST Mar 2025: Mon 3 AM EDT is 07:00 UTC', when: '2025-03-10T07:00Z', open: true },
    { clause: 'DST Nov 2025: Mon 07:30 UTC is 2:30 AM EST', when: '2025-11-03T07:30Z', open: false },
    { clause: 'DST Nov 2025: Mon 3 AM EST is 08:00 UTC', when: '2025-11-03T08:00Z', open: true },
    // National holidays.
    { clause: 'closed on Thanksgiving (Thu)', when: '2026-11-26T05:00', open: false },
    { clause: 'open on the Friday after Thanksgiving', when: '2026-11-27T05:00', open: true },
    { clause: 'closed on Juneteenth 2026 (Fri)', when: '2026-06-19T05:00', open: false },
    { clause: 'closed on Fri 2027-06-18 (Juneteenth falls on Saturday)', when: '2027-06-18T05:00', open: false },
    { clause: 'closed on Fri 2026-07-03 (July 4th falls on Saturday)', when: '2026-07-03T05:00', open: false },
    { clause: 'open on Thu 2026-07-02', when: '2026-07-02T05:00', open: true },
    { clause: 'closed on Mon 2027-07-05 (July 4th falls on Sunday)', when: '2027-07-05T05:00', open: false },
    { clause: 'closed on Fri 2027-12-24 (Christmas falls on Saturday)', when: '2027-12-24T05:00', open: false },
    { clause: 'closed on Fri 2027-12-31 (New Year 2028 falls on Saturday)', when: '2027-12-31T05:00', open: false },
    { clause: 'closed on Fri 2021-12-31 (New Year 2022 observed)', when: '2021-12-31T05:00', open: false },
    { clause: 'open on Thu 2021-12-30', when: '2021-12-30T05:00', open: true },
    { clause: 'closed on Mon 2022-12-26 (Christmas falls on Sunday)', when: '2022-12-26T05:00', open: false },
    { clause: 'open on Christmas Eve 2026 (Thu), not a federal holiday', when: '2026-12-24T05:00', open: true },
  ])('isOpen: $clause', ({ when, open }) => {
    expect(calendar.isOpen(at(when))).toBe(open);
  });

  it.each([
    {
      clause: 'Tue 2 AM: opens at 3 AM the same day',
      when: '2026-03-10T02:00',
      current: '2026-03-10T03:00:00.000-04:00',
      next: '2026-03-10T03:00:00.000-04:00',
      closes: '2026-03-10T12:00:00.000-04:00',
    },
    {
      clause: 'Tue 3 AM (open): the next opening is Wednesday',
      when: '2026-03-10T03:00',
      current: '2026-03-10T03:00:00.000-04:00',
      next: '2026-03-11T03:00:00.000-04:00',
      closes: '2026-03-10T12:00:00.000-04:00',
    },
    {
      clause: 'Fri 11:59 AM before the March switch (open)',
      when: '2026-03-06T11:59',
      current: '2026-03-06T11:59:00.000-05:00',
      next: '2026-03-09T03:00:00.000-04:00',
      closes: '2026-03-06T12:00:00.000-05:00',
    },
    {
      clause: 'Fri 12 PM before the March switch: reopens Mon 3 AM EDT',
      when: '2026-03-06T12:00',
      current: '2026-03-09T03:00:00.000-04:00',
      next: '2026-03-09T03:00:00.000-04:00',
      closes: '2026-03-09T12:00:00.000-04:00',
    },
    {
      clause: 'Sun 1:59 AM EST, just before spring forward',
      when: '2026-03-08T06:59Z',
      current: '2026-03-09T03:00:00.000-04:00',
      next: '2026-03-09T03:00:00.000-04:00',
      closes: '2026-03-09T12:00:00.000-04:00',
    },
    {
      clause: 'Fri 12 PM before the November switch: reopens Mon 3 AM EST',
      when: '2026-10-30T12:00',
      current: '2026-11-02T03:00:00.000-05:00',
      next: '2026-11-02T03:00:00.000-05:00',
      closes: '2026-11-02T12:00:00.000-05:00',
    },
    {
      clause: 'Sun 1:30 AM EDT (first pass of the repeated hour)',
      when: '2026-11-01T05:30Z',
      current: '2026-11-02T03:00:00.000-05:00',
      next: '2026-11-02T03:00:00.000-05:00',
      closes: '2026-11-02T12:00:00.000-05:00',
    },
    {
      clause: 'Sun 1:30 AM EST (second pass of the repeated hour)',
      when: '2026-11-01T06:30Z',
      current: '2026-11-02T03:00:00.000-05:00',
      next: '2026-11-02T03:00:00.000-05:00',
      closes: '2026-11-02T12:00:00.000-05:00',
    },
    {
      clause: 'Fri 12 PM before the March 2025 switch',
      when: '2025-03-07T12:00',
      current: '2025-03-10T03:00:00.000-04:00',
      next: '2025-03-10T03:00:00.000-04:00',
      closes: '2025-03-10T12:00:00.000-04:00',
    },
    {
      clause: 'Fri 12 PM before the November 2025 switch',
      when: '2025-10-31T12:00',
      current: '2025-11-03T03:00:00.000-05:00',
      next: '2025-11-03T03:00:00.000-05:00',
      closes: '2025-11-03T12:00:00.000-05:00',
    },
    {
      clause: 'Wed before Thanksgiving: reopens on the Friday after',
      when: '2026-11-25T12:00',
      current: '2026-11-27T03:00:00.000-05:00',
      next: '2026-11-27T03:00:00.000-05:00',
      closes: '2026-11-27T12:00:00.000-05:00',
    },
    {
      clause: 'Thu before Juneteenth 2026: reopens Monday',
      when: '2026-06-18T12:00',
      current: '2026-06-22T03:00:00.000-04:00',
      next: '2026-06-22T03:00:00.000-04:00',
      closes: '2026-06-22T12:00:00.000-04:00',
    },
    {
      clause: 'Thu 2026-07-02 (July 4th on Saturday): reopens Monday 6th',
      when: '2026-07-02T12:00',
      current: '2026-07-06T03:00:00.000-04:00',
      next: '2026-07-06T03:00:00.000-04:00',
      closes: '2026-07-06T12:00:00.000-04:00',
    },
    {
      clause: 'Fri 2027-07-02 (July 4th on Sunday): reopens Tuesday 6th',
      when: '2027-07-02T12:00',
      current: '2027-07-06T03:00:00.000-04:00',
      next: '2027-07-06T03:00:00.000-04:00',
      closes: '2027-07-06T12:00:00.000-04:00',
    },
    {
      clause: 'Thu 2027-12-23 (Christmas on Saturday): reopens Mon 27th',
      when: '2027-12-23T12:00',
      current: '2027-12-27T03:00:00.000-05:00',
      next: '2027-12-27T03:00:00.000-05:00',
      closes: '2027-12-27T12:00:00.000-05:00',
    },
    {
      clause: 'Thu 2027-12-30 (New Year 2028 on Saturday): reopens Mon 2028-01-03',
      when: '2027-12-30T12:00',
      current: '2028-01-03T03:00:00.000-05:00',
      next: '2028-01-03T03:00:00.000-05:00',
      closes: '2028-01-03T12:00:00.000-05:00',
    },
    {
      clause: 'Thu 2021-12-30 (New Year 2022 observed Fri 31st): reopens Mon 2022-01-03',
      when: '2021-12-30T12:00',
      current: '2022-01-03T03:00:00.000-05:00',
      next: '2022-01-03T03:00:00.000-05:00',
      closes: '2022-01-03T12:00:00.000-05:00',
    },
  ])('currentOrNextOpening / nextOpening / nextClosing: $clause', ({ when, current, next, closes }) => {
    const t = at(when);
    expect(calendar.currentOrNextOpening(t).toISO()).toBe(current);
    expect(calendar.nextOpening(t).toISO()).toBe(next);
    expect(calendar.nextClosing(t).toISO()).toBe(closes);
  });

  it('results are DateTimes in the support zone even for UTC input', () => {
    const result = calendar.currentOrNextOpening(DateTime.fromISO('2026-03-10T08:00Z', { zone: 'utc' }));
    expect(result.zoneName).toBe(ET);
    expect(result.toISO()).toBe('2026-03-10T04:00:00.000-04:00');
  });
});

describe('DST: 3 AM exists on both switch days in New York, and windows keep their real length', () => {
  const sundays = new SupportCalendar({ businessDays: [7] });
  const early = new SupportCalendar({ businessDays: [7], opensAt: '00:00', closesAt: '06:00' });

  it.each([
    {
      clause: 'spring forward 2026 (02:00→03:00): 03:00 EDT to 12:00 EDT',
      cal: sundays,
      date: '2026-03-08',
      opens: '2026-03-08T03:00:00.000-04:00',
      closes: '2026-03-08T12:00:00.000-04:00',
      minutes: 540,
    },
    {
      clause: 'fall back 2026 (02:00→01:00): 03:00 EST to 12:00 EST',
      cal: sundays,
      date: '2026-11-01',
      opens: '2026-11-01T03:00:00.000-05:00',
      closes: '2026-11-01T12:00:00.000-05:00',
      minutes: 540,
    },
    {
      clause: 'spring forward 2025',
      cal: sundays,
      date: '2025-03-09',
      opens: '2025-03-09T03:00:00.000-04:00',
      closes: '2025-03-09T12:00:00.000-04:00',
      minutes: 540,
    },
    {
      clause: 'fall back 2025',
      cal: sundays,
      date: '2025-11-02',
      opens: '2025-11-02T03:00:00.000-05:00',
      closes: '2025-11-02T12:00:00.000-05:00',
      minutes: 540,
    },
    {
      clause: 'a 00:00–06:00 window across spring forward lasts 5 real hours',
      cal: early,
      date: '2026-03-08',
      opens: '2026-03-08T00:00:00.000-05:00',
      closes: '2026-03-08T06:00:00.000-04:00',
      minutes: 300,
    },
    {
      clause: 'a 00:00–06:00 window across fall back lasts 7 real hours',
      cal: early,
      date: '2026-11-01',
      opens: '2026-11-01T00:00:00.000-04:00',
      closes: '2026-11-01T06:00:00.000-05:00',
      minutes: 420,
    },
  ])('$clause', ({ cal, date, opens, closes, minutes }) => {
    const w = cal.windowOn(date)!;
    expect(w.opensAt.toISO()).toBe(opens);
    expect(w.closesAt.toISO()).toBe(closes);
    expect(cal.supportMinutesBetween(at(`${date}T00:00`), at(`${date}T23:59`))).toBe(minutes);
  });

  it.each([
    { clause: 'Fri 3 AM EST → Mon 3 AM EDT is one support day (March 2026)', from: '2026-03-06T03:00', to: '2026-03-09T03:00', minutes: 540 },
    { clause: 'Fri 12 PM EST → Mon 12 PM EDT is one support day (March 2026)', from: '2026-03-06T12:00', to: '2026-03-09T12:00', minutes: 540 },
    { clause: 'Fri 3 AM EDT → Mon 3 AM EST is one support day (November 2026)', from: '2026-10-30T03:00', to: '2026-11-02T03:00', minutes: 540 },
    { clause: 'the March 2025 DST week, Mon→Mon, is five support days', from: '2025-03-03T00:00', to: '2025-03-10T00:00', minutes: 2700 },
    { clause: 'the November 2025 DST week, Mon→Mon, is five support days', from: '2025-10-27T00:00', to: '2025-11-03T00:00', minutes: 2700 },
  ])('$clause', ({ from, to, minutes }) => {
    expect(calendar.supportMinutesBetween(at(from), at(to))).toBe(minutes);
  });
});

describe('supportMinutesBetween: whole minutes of open time in [from, to)', () => {
  it.each([
    { clause: 'nothing when to equals from', from: '2026-03-10T05:00', to: '2026-03-10T05:00', minutes: 0 },
    { clause: 'nothing when to is before from', from: '2026-03-10T06:00', to: '2026-03-10T05:00', minutes: 0 },
    { clause: 'a whole business day counts 540', from: '2026-03-10T00:00', to: '2026-03-11T00:00', minutes: 540 },
    { clause: 'only the open part of an interval counts', from: '2026-03-10T01:00', to: '2026-03-10T04:30', minutes: 90 },
    { clause: 'the last minute before closing counts', from: '2026-03-10T11:59', to: '2026-03-10T12:00', minutes: 1 },
    { clause: 'partial minutes are truncated', from: '2026-03-10T11:59:30', to: '2026-03-10T12:30', minutes: 0 },
    { clause: 'a weekend counts nothing', from: '2026-03-07T00:00', to: '2026-03-09T00:00', minutes: 0 },
    { clause: 'Thanksgiving week Wed→Sat counts Wed and Fri', from: '2026-11-25T00:00', to: '2026-11-28T00:00', minutes: 1080 },
    { clause: 'year end 2021: Thu 30th and Mon 3rd only', from: '2021-12-30T00:00', to: '2022-01-04T00:00', minutes: 1080 },
    { clause: 'all of 2026: 261 weekdays less 11 holidays', from: '2026-01-01T00:00', to: '2027-01-01T00:00', minutes: 250 * 540 },
  ])('$clause', ({ from, to, minutes }) => {
    expect(calendar.supportMinutesBetween(at(from), at(to))).toBe(minutes);
  });
});

describe('addSupportMinutes: the instant the minutes have elapsed', () => {
  it.each([
    { clause: 'zero minutes is the start itself', from: '2026-03-10T20:00', minutes: 0, expected: '2026-03-10T20:00:00.000-04:00' },
    {
      clause: 'a full window from opening ends at that closing, not the next opening',
      from: '2026-03-10T03:00',
      minutes: 540,
      expected: '2026-03-10T12:00:00.000-04:00',
    },
    { clause: 'exactly the minutes left in a window end at its closing', from: '2026-03-10T11:00', minutes: 60, expected: '2026-03-10T12:00:00.000-04:00' },
    { clause: 'one minute more spills into the next opening', from: '2026-03-10T11:00', minutes: 61, expected: '2026-03-11T03:01:00.000-04:00' },
    { clause: 'a start after hours counts from the next opening', from: '2026-03-10T20:00', minutes: 1, expected: '2026-03-11T03:01:00.000-04:00' },
    { clause: 'a start before hours counts from that day’s opening', from: '2026-03-10T01:00', minutes: 30, expected: '2026-03-10T03:30:00.000-04:00' },
    { clause: 'Friday 11:59 EST + 1 minute is Friday 12:00 EST', from: '2026-03-06T11:59', minutes: 1, expected: '2026-03-06T12:00:00.000-05:00' },
    { clause: 'Friday 11:59 EST + 2 minutes is Monday 03:01 EDT', from: '2026-03-06T11:59', minutes: 2, expected: '2026-03-09T03:01:00.000-04:00' },
    { clause: 'ten support days from Mon 2026-01-05 end Fri 16th', from: '2026-01-05T03:00', minutes: 5400, expected: '2026-01-16T12:00:00.000-05:00' },
    { clause: 'ten support days from Mon 2026-11-02 skip Veterans Day', from: '2026-11-02T03:00', minutes: 5400, expected: '2026-11-16T12:00:00.000-05:00' },
    { clause: 'fractions of a minute are kept', from: '2026-03-10T03:00', minutes: 0.5, expected: '2026-03-10T03:00:30.000-04:00' },
  ])('$clause', ({ from, minutes, expected }) => {
    const result = calendar.addSupportMinutes(at(from), minutes);
    expect(result.toISO()).toBe(expected);
    expect(result.zoneName).toBe(ET);
  });

  it.each([
    { from: '2026-03-06T07:30', minutes: 540 },
    { from: '2026-10-30T11:59', minutes: 1 },
    { from: '2026-10-30T11:59', minutes: 2 },
    { from: '2026-11-25T20:00', minutes: 1620 },
    { from: '2027-12-23T11:00', minutes: 1000 },
    { from: '2026-01-01T00:00', minutes: 250 * 540 },
  ])('round trip: supportMinutesBetween($from, addSupportMinutes($from, $minutes)) = $minutes', ({ from, minutes }) => {
    const end = calendar.addSupportMinutes(at(from), minutes);
    expect(calendar.supportMinutesBetween(at(from), end)).toBe(minutes);
    // And it is the earliest such instant: a minute earlier is a minute short.
    expect(calendar.supportMinutesBetween(at(from), end.minus({ minutes: 1 }))).toBe(minutes - 1);
  });

  it('a year of support minutes takes day steps, not minute steps', () => {
    const started = performance.now();
    expect(calendar.addSupportMinutes(at('2026-01-01T00:00'), 250 * 540).toISO()).toBe('2026-12-31T12:00:00.000-05:00');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('rejects %d minutes', (minutes) => {
    expect(() => calendar.addSupportMinutes(at('2026-03-10T05:00'), minutes)).toThrow(RangeError);
  });
});

describe('holidays through the calendar (dates in the support zone)', () => {
  it.each([
    {
      clause: 'Independence Day 2026 is observed Fri 3rd',
      date: '2026-07-03',
      expected: { name: 'Independence Day', date: '2026-07-04', observedDate: '2026-07-03' },
    },
    { clause: 'Christmas 2022 is observed Mon 26th', date: '2022-12-26', expected: { name: 'Christmas Day', date: '2022-12-25', observedDate: '2022-12-26' } },
    { clause: 'no holiday on the Friday after Thanksgiving', date: '2026-11-27', expected: null },
  ])('holidayOn: $clause', ({ date, expected }) => {
    expect(calendar.holidayOn(date)).toEqual(expected);
  });

  it.each([
    {
      clause: 'late on Fri Jul 3 in New York (already Jul 4 in UTC) the observed day still counts',
      when: '2026-07-04T03:30Z',
      name: 'Independence Day',
      observedDate: '2026-07-03',
    },
    { clause: 'just after midnight on Jul 4 in New York the next one is Labor Day', when: '2026-07-04T04:30Z', name: 'Labor Day', observedDate: '2026-09-07' },
    { clause: 'after Christmas 2021 comes New Year 2022, observed 2021-12-31', when: '2021-12-27T10:00', name: "New Year's Day", observedDate: '2021-12-31' },
  ])('nextHoliday: $clause', ({ when, name, observedDate }) => {
    const h = calendar.nextHoliday(at(when));
    expect(h.name).toBe(name);
    expect(h.observedDate).toBe(observedDate);
  });
});

describe('status(at, zone): expressed in the caller’s zone', () => {
  it.each([
    {
      clause: 'open Friday before the March switch, seen from Berlin (still +01:00)',
      when: '2026-03-06T11:00',
      zone: 'Europe/Berlin',
      open: true,
      opens: '2026-03-09T08:00:00.000+01:00',
      closes: '2026-03-06T18:00:00.000+01:00',
      holiday: 'Memorial Day',
    },
    {
      clause: 'closed Friday noon, seen from Kolkata',
      when: '2026-03-06T12:00',
      zone: 'Asia/Kolkata',
      open: false,
      opens: '2026-03-09T12:30:00.000+05:30',
      closes: '2026-03-09T21:30:00.000+05:30',
      holiday: 'Memorial Day',
    },
    {
      clause: 'closed on Thanksgiving, seen from UTC',
      when: '2026-11-26T05:00',
      zone: 'UTC',
      open: false,
      opens: '2026-11-27T08:00:00.000Z',
      closes: '2026-11-27T17:00:00.000Z',
      holiday: 'Thanksgiving Day',
    },
    {
      clause: 'closed on the 2021 New Year observed day, seen from Los Angeles',
      when: '2021-12-31T05:00',
      zone: 'America/Los_Angeles',
      open: false,
      opens: '2022-01-03T00:00:00.000-08:00',
      closes: '2022-01-03T09:00:00.000-08:00',
      holiday: "New Year's Day",
    },
  ])('$clause', ({ when, zone, open, opens, closes, holiday }) => {
    const s = calendar.status(at(when), zone);
    expect(s.open).toBe(open);
    expect(s.nextOpensAt.toISO()).toBe(opens);
    expect(s.nextClosesAt.toISO()).toBe(closes);
    expect(s.nextOpensAt.zoneName).toBe(zone);
    expect(s.nextHoliday.name).toBe(holiday);
  });

  it.each(['Mars/Olympus', '', 'UTC+3', 'America/New York', 'Eastern Time'])('an invalid IANA zone %j is a RangeError', (zone) => {
    expect(() => calendar.status(at('2026-03-10T05:00'), zone)).toThrow(RangeError);
    expect(() => calendar.status(at('2026-03-10T05:00'), zone)).toThrow(/Invalid IANA time zone/);
    expect(() => assertValidZone(zone)).toThrow(RangeError);
    expect(() => new SupportCalendar({ zone })).toThrow(/Invalid IANA time zone/);
  });

  it('an invalid DateTime is a RangeError', () => {
    expect(() => calendar.isOpen(DateTime.fromISO('not a date'))).toThrow(RangeError);
  });
});

describe('configuration', () => {
  it('defaults follow the policy: 03:00–12:00 Mon–Fri, America/New_York, US holidays', () => {
    expect(DEFAULT_SUPPORT_HOURS).toEqual({
      zone: 'America/New_York',
      opensAt: '03:00',
      closesAt: '12:00',
      businessDays: [1, 2, 3, 4, 5],
      holidayCountry: 'US',
    });
    expect(new SupportCalendar().config).toEqual(DEFAULT_SUPPORT_HOURS);
  });

  it.each([
    { input: '03:00', expected: { hour: 3, minute: 0 } },
    { input: '12:00', expected: { hour: 12, minute: 0 } },
    { input: '23:59', expected: { hour: 23, minute: 59 } },
    { input: ' 09:30 ', expected: { hour: 9, minute: 30 } },
  ])('parseClockTime($input)', ({ input, expected }) => {
    expect(parseClockTime(input)).toEqual(expected);
  });

  it.each(['3:00', '24:00', '12:60', '12', 'noon', ''])('parseClockTime rejects %j', (input) => {
    expect(() => parseClockTime(input)).toThrow(RangeError);
  });

  it.each([
    { input: '1,2,3,4,5', expected: [1, 2, 3, 4, 5] },
    { input: ' 5, 1 ,1,7', expected: [1, 5, 7] },
  ])('parseBusinessDays($input)', ({ input, expected }) => {
    expect(parseBusinessDays(input)).toEqual(expected);
  });

  it.each(['', '0', '8', 'mon', '1,,x'])('parseBusinessDays rejects %j', (input) => {
    expect(() => parseBusinessDays(input)).toThrow(RangeError);
  });

  it('parseSupportHoursConfig fills blanks from the defaults and parses the rest', () => {
    expect(parseSupportHoursConfig({})).toEqual(DEFAULT_SUPPORT_HOURS);
    expect(
      parseSupportHoursConfig({
        zone: 'Europe/Berlin',
        opensAt: '08:00',
        closesAt: '17:30',
        businessDays: '1,2,3,4',
        holidayCountry: 'DE',
        holidayRegion: 'BY',
      }),
    ).toEqual({ zone: 'Europe/Berlin', opensAt: '08:00', closesAt: '17:30', businessDays: [1, 2, 3, 4], holidayCountry: 'DE', holidayRegion: 'BY' });
    expect(parseSupportHoursConfig({ zone: ' ', holidayRegion: '' })).toEqual(DEFAULT_SUPPORT_HOURS);
  });

  it.each([
    { clause: 'closing before opening', raw: { opensAt: '12:00', closesAt: '03:00' }, message: /must be after opensAt/ },
    { clause: 'closing equal to opening', raw: { opensAt: '12:00', closesAt: '12:00' }, message: /must be after opensAt/ },
    { clause: 'an invalid zone', raw: { zone: 'Nowhere/Special' }, message: /Invalid IANA time zone/ },
    { clause: 'an unknown holiday country', raw: { holidayCountry: 'XX' }, message: /Unknown holiday country/ },
  ])('parseSupportHoursConfig rejects $clause', ({ raw, message }) => {
    const build = () => new SupportCalendar(parseSupportHoursConfig(raw));
    expect(build).toThrow(RangeError);
    expect(build).toThrow(message);
  });

  it.each([
    {
      clause: 'a German calendar closes on Labour Day (Fri 2026-05-01)',
      config: { zone: 'Europe/Berlin', holidayCountry: 'DE' },
      when: '2026-05-01T09:00:00+02:00',
      open: false,
    },
    { clause: 'the US calendar is open on 2026-05-01', config: {}, when: '2026-05-01T09:00:00+02:00', open: true },
    {
      clause: 'custom hours 08:00–17:30 Berlin: open at 17:00',
      config: { zone: 'Europe/Berlin', opensAt: '08:00', closesAt: '17:30', holidayCountry: 'DE' },
      when: '2026-05-04T17:00:00+02:00',
      open: true,
    },
    { clause: 'custom business days exclude Friday', config: { businessDays: [1, 2, 3, 4] }, when: '2026-03-13T05:00:00-04:00', open: false },
  ])('$clause', ({ config, when, open }) => {
    expect(new SupportCalendar(config).isOpen(DateTime.fromISO(when))).toBe(open);
  });
});

describe('support hours configuration', () => {
  it('a holiday country with no holiday data is refused at start, naming the variable', () => {
    expect(() => loadConfig({ SUPPORT_HOLIDAYS: 'XX' })).toThrow(ConfigError);
    expect(() => loadConfig({ SUPPORT_HOLIDAYS: 'XX' })).toThrow(/SUPPORT_HOLIDAYS="XX": Unknown holiday country "XX"/);
    expect(loadConfig({ SUPPORT_HOLIDAYS: 'US-NY' }).SUPPORT_HOLIDAYS).toBe('US-NY');
  });
});
