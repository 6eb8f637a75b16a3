import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  SUPPORT_DAY_MINUTES,
  SlaTier,
  evaluateMetTarget,
  evaluateTarget,
  pauseClock,
  resumeClock,
  slaTargets,
  startClock,
  usedMinutesAt,
  type SlaClockState,
} from '../../server/modules/sla/sla-clock';
import { SupportCalendar } from '../../server/modules/support-hours/support-calendar';
import { slaView, targetsOf } from '../../server/modules/ticket/ticket-clock';
import { Ticket } from '../../server/modules/ticket/ticket.entity';

const ET = 'America/New_York';
const calendar = new SupportCalendar();

function at(iso: string): DateTime {
  return DateTime.fromISO(iso, { zone: ET });
}

function hoursBetween(from: DateTime, to: DateTime): number {
  return to.diff(from, 'hours').hours;
}

describe('SLA targets: first reply within 1 support day; resolution 1 day, or 3 for complex cases', () => {
  it('a support day is 03:00–12:00, 540 minutes', () => {
    expect(SUPPORT_DAY_MINUTES).toBe(540);
    expect(calendar.supportMinutesBetween(at('2026-03-10T00:00'), at('2026-03-11T00:00'))).toBe(SUPPORT_DAY_MINUTES);
  });

  it.each([
    { tier: SlaTier.STANDARD, firstReplyMinutes: 540, resolutionMinutes: 540 },
    { tier: SlaTier.COMPLEX, firstReplyMinutes: 540, resolutionMinutes: 1620 },
  ])('$tier: first reply $firstReplyMinutes min, resolution $resolutionMinutes min', ({ tier, firstReplyMinutes, resolutionMinutes }) => {
    expect(slaTargets(tier)).toEqual({ firstReplyMinutes, resolutionMinutes });
  });

  it('with other configured hours, a support day is as long as they are: 09:00–17:00 gives 480 minutes, due at the same time the next day', () => {
    const nineToFive = new SupportCalendar({ opensAt: '09:00', closesAt: '17:00' });
    expect(nineToFive.supportDayMinutes).toBe(480);
    expect(calendar.supportDayMinutes).toBe(SUPPORT_DAY_MINUTES);
    const targets = slaTargets(SlaTier.COMPLEX, nineToFive.supportDayMinutes);
    expect(targets).toEqual({ firstReplyMinutes: 480, resolutionMinutes: 1440 });
    const filed = at('2026-03-09T09:00');
    expect(nineToFive.addSupportMinutes(filed, targets.firstReplyMinutes).toISO()).toBe('2026-03-09T17:00:00.000-04:00');
    expect(nineToFive.addSupportMinutes(at('2026-03-09T13:00'), targets.firstReplyMinutes).toISO()).toBe('2026-03-10T13:00:00.000-04:00');
  });

  it('a ticket keeps the support day it was filed with: shorter hours later do not turn an on-time reply late', () => {
    const ticket = Object.assign(new Ticket(), {
      complex: false,
      supportDayMinutes: 540,
      firstReplyAt: new Date('2026-03-10T12:00:00Z'),
      firstReplyMinutes: 500,
    });
    const shorter = new SupportCalendar({ opensAt: '03:00', closesAt: '11:00' });
    const view = slaView(ticket, at('2026-03-11T05:00'), shorter);
    expect(view.firstReply).toMatchObject({ targetMinutes: 540, met: true, breached: false, minutesTaken: 500 });
    expect(targetsOf(Object.assign(new Ticket(), { complex: true, supportDayMinutes: 480 }))).toEqual({ firstReplyMinutes: 480, resolutionMinutes: 1440 });
  });

  it('an unknown tier is rejected', () => {
    expect(() => slaTargets('URGENT' as SlaTier)).toThrow(RangeError);
  });
});

describe('Policy figures: "most issues within 24 hours ... weekends and national holidays up to 72-96 hours"', () => {
  it.each([
    // Within 24 hours on an ordinary weekday.
    {
      clause: '24 h: filed at a weekday opening, due the same noon',
      filed: '2026-03-10T03:00',
      tier: SlaTier.STANDARD,
      due: '2026-03-10T12:00:00.000-04:00',
      hours: 9,
    },
    { clause: '24 h: filed Mon 11:59, due Tue 11:59', filed: '2026-03-09T11:59', tier: SlaTier.STANDARD, due: '2026-03-10T11:59:00.000-04:00', hours: 24 },
    {
      clause: '24 h: filed Mon 12:00 (closed), due Tue 12:00',
      filed: '2026-03-09T12:00',
      tier: SlaTier.STANDARD,
      due: '2026-03-10T12:00:00.000-04:00',
      hours: 24,
    },
    {
      clause: '24 h: filed after hours, counting starts at the next opening',
      filed: '2026-03-10T20:00',
      tier: SlaTier.STANDARD,
      due: '2026-03-11T12:00:00.000-04:00',
      hours: 16,
    },
    // Weekends: ~72 hours.
    { clause: '72 h: filed Friday mid-window, due Monday', filed: '2026-03-13T07:30', tier: SlaTier.STANDARD, due: '2026-03-16T07:30:00.000-04:00', hours: 72 },
    {
      clause: '72 h: filed Friday 11:59, due Monday 11:59',
      filed: '2026-03-13T11:59',
      tier: SlaTier.STANDARD,
      due: '2026-03-16T11:59:00.000-04:00',
      hours: 72,
    },
    {
      clause: '72 h: filed Friday 12:00 (closed), due Monday 12:00',
      filed: '2026-03-13T12:00',
      tier: SlaTier.STANDARD,
      due: '2026-03-16T12:00:00.000-04:00',
      hours: 72,
    },
    {
      clause: '72 h: over the March 2026 DST weekend it is 71 real hours',
      filed: '2026-03-06T07:30',
      tier: SlaTier.STANDARD,
      due: '2026-03-09T07:30:00.000-04:00',
      hours: 71,
    },
    {
      clause: '72 h: over the November 2026 DST weekend it is 73 real hours',
      filed: '2026-10-30T07:30',
      tier: SlaTier.STANDARD,
      due: '2026-11-02T07:30:00.000-05:00',
      hours: 73,
    },
    {
      clause: '72 h: over the March 2025 DST weekend, 71 real hours',
      filed: '2025-03-07T07:30',
      tier: SlaTier.STANDARD,
      due: '2025-03-10T07:30:00.000-04:00',
      hours: 71,
    },
    {
      clause: '72 h: over the November 2025 DST weekend, 73 real hours',
      filed: '2025-10-31T07:30',
      tier: SlaTier.STANDARD,
      due: '2025-11-03T07:30:00.000-05:00',
      hours: 73,
    },
    {
      clause: 'Fri 11:59 before the March switch: due Mon 11:59 EDT',
      filed: '2026-03-06T11:59',
      tier: SlaTier.STANDARD,
      due: '2026-03-09T11:59:00.000-04:00',
      hours: 71,
    },
    {
      clause: 'Fri 12:00 before the March switch: due Mon 12:00 EDT',
      filed: '2026-03-06T12:00',
      tier: SlaTier.STANDARD,
      due: '2026-03-09T12:00:00.000-04:00',
      hours: 71,
    },
    // National holidays: ~96 hours.
    {
      clause: '96 h: filed Friday before Labor Day weekend, due Tuesday',
      filed: '2026-09-04T07:30',
      tier: SlaTier.STANDARD,
      due: '2026-09-08T07:30:00.000-04:00',
      hours: 96,
    },
    {
      clause: '96 h: filed Friday before MLK Day weekend, due Tuesday',
      filed: '2026-01-16T07:30',
      tier: SlaTier.STANDARD,
      due: '2026-01-20T07:30:00.000-05:00',
      hours: 96,
    },
    {
      clause: '48 h: filed the day before Thanksgiving, due Friday (a business day)',
      filed: '2026-11-25T07:30',
      tier: SlaTier.STANDARD,
      due: '2026-11-27T07:30:00.000-05:00',
      hours: 48,
    },
    {
      clause: '96 h: filed the day before Juneteenth 2026 (Fri), due Monday',
      filed: '2026-06-18T07:30',
      tier: SlaTier.STANDARD,
      due: '2026-06-22T07:30:00.000-04:00',
      hours: 96,
    },
    {
      clause: '96 h: July 4th 2026 on Saturday closes Fri 3rd',
      filed: '2026-07-02T07:30',
      tier: SlaTier.STANDARD,
      due: '2026-07-06T07:30:00.000-04:00',
      hours: 96,
    },
    {
      clause: '96 h: July 4th 2027 on Sunday closes Mon 5th',
      filed: '2027-07-02T07:30',
      tier: SlaTier.STANDARD,
      due: '2027-07-06T07:30:00.000-04:00',
      hours: 96,
    },
    {
      clause: '96 h: Christmas 2027 on Saturday closes Fri 24th',
      filed: '2027-12-23T07:30',
      tier: SlaTier.STANDARD,
      due: '2027-12-27T07:30:00.000-05:00',
      hours: 96,
    },
    {
      clause: '96 h: New Year 2028 on Saturday closes Fri 2027-12-31',
      filed: '2027-12-30T07:30',
      tier: SlaTier.STANDARD,
      due: '2028-01-03T07:30:00.000-05:00',
      hours: 96,
    },
    {
      clause: '96 h: year end, New Year 2022 observed Fri 2021-12-31',
      filed: '2021-12-30T07:30',
      tier: SlaTier.STANDARD,
      due: '2022-01-03T07:30:00.000-05:00',
      hours: 96,
    },
    // Complicated cases: 3 support days.
    {
      clause: 'complex: 3 support days from Monday end Thursday',
      filed: '2026-03-09T07:30',
      tier: SlaTier.COMPLEX,
      due: '2026-03-12T07:30:00.000-04:00',
      hours: 72,
    },
    {
      clause: 'complex: filed before Labor Day weekend, "or more" than 96 h',
      filed: '2026-09-04T07:30',
      tier: SlaTier.COMPLEX,
      due: '2026-09-10T07:30:00.000-04:00',
      hours: 144,
    },
  ])('$clause', ({ filed, tier, due, hours }) => {
    const filedAt = at(filed);
    const result = evaluateTarget(startClock(filedAt), slaTargets(tier).resolutionMinutes, filedAt, calendar);
    expect(result.dueAt?.toISO()).toBe(due);
    expect(hoursBetween(filedAt, result.dueAt!)).toBe(hours);
    expect(result.breached).toBe(false);
  });

  it('24 h: a standard ticket filed any time Monday–Thursday of a holiday-free week is due within 24 hours', () => {
    const target = slaTargets(SlaTier.STANDARD).firstReplyMinutes;
    let longest = 0;
    for (let t = at('2026-03-09T00:00'); t < at('2026-03-13T00:00'); t = t.plus({ minutes: 15 })) {
      const due = evaluateTarget(startClock(t), target, t, calendar).dueAt!;
      longest = Math.max(longest, hoursBetween(t, due));
    }
    expect(longest).toBe(24);
  });
});

describe('SLA clock: runs only in support hours, pauses while waiting on the customer', () => {
  it('a new clock has used nothing and runs from filing', () => {
    const filed = at('2026-03-10T05:00');
    expect(startClock(filed)).toEqual({ usedMinutes: 0, runningSince: filed });
  });

  it.each([
    { clause: 'nothing used before the first opening', filed: '2026-03-10T20:00', now: '2026-03-11T03:00', used: 0 },
    { clause: 'a ticket filed after hours starts counting at the next opening', filed: '2026-03-10T20:00', now: '2026-03-11T03:30', used: 30 },
    { clause: 'the clock stands still after closing', filed: '2026-03-10T11:00', now: '2026-03-10T23:00', used: 60 },
    { clause: 'the clock stands still over a holiday weekend', filed: '2026-09-04T11:00', now: '2026-09-08T03:00', used: 60 },
  ])('usedMinutesAt: $clause', ({ filed, now, used }) => {
    expect(usedMinutesAt(startClock(at(filed)), at(now), calendar)).toBe(used);
  });

  it.each([
    {
      clause: 'time used before a pause stays used after resuming',
      events: [
        ['start', '2026-03-09T03:00'],
        ['pause', '2026-03-09T05:00'],
        ['resume', '2026-03-11T10:00'],
      ] as const,
      now: '2026-03-11T10:00',
      used: 120,
      due: '2026-03-12T08:00:00.000-04:00',
    },
    {
      clause: 'minutes of several runs add up',
      events: [
        ['start', '2026-03-09T03:00'],
        ['pause', '2026-03-09T04:00'],
        ['resume', '2026-03-10T03:00'],
        ['pause', '2026-03-10T05:00'],
        ['resume', '2026-03-11T11:00'],
      ] as const,
      now: '2026-03-11T11:30',
      used: 210,
      due: '2026-03-12T08:00:00.000-04:00',
    },
    {
      clause: 'a pause after hours banks only the open minutes',
      events: [
        ['start', '2026-03-13T11:00'],
        ['pause', '2026-03-13T20:00'],
        ['resume', '2026-03-14T10:00'],
      ] as const,
      now: '2026-03-16T03:00',
      used: 60,
      due: '2026-03-16T11:00:00.000-04:00',
    },
    {
      clause: 'pausing twice is the same as pausing once',
      events: [
        ['start', '2026-03-09T03:00'],
        ['pause', '2026-03-09T05:00'],
        ['pause', '2026-03-09T09:00'],
        ['resume', '2026-03-10T03:00'],
      ] as const,
      now: '2026-03-10T03:00',
      used: 120,
      due: '2026-03-10T10:00:00.000-04:00',
    },
    {
      clause: 'resuming a running clock keeps its start',
      events: [
        ['start', '2026-03-09T03:00'],
        ['resume', '2026-03-09T09:00'],
      ] as const,
      now: '2026-03-09T10:00',
      used: 420,
      due: '2026-03-09T12:00:00.000-04:00',
    },
    {
      clause: 'resumed across the November 2026 DST switch',
      events: [
        ['start', '2026-10-30T03:00'],
        ['pause', '2026-10-30T06:00'],
        ['resume', '2026-11-01T01:30'],
      ] as const,
      now: '2026-11-02T03:00',
      used: 180,
      due: '2026-11-02T09:00:00.000-05:00',
    },
  ])('$clause', ({ events, now, used, due }) => {
    let state: SlaClockState | undefined;
    for (const [event, when] of events) {
      if (event === 'start') state = startClock(at(when));
      else if (event === 'pause') state = pauseClock(state!, at(when), calendar);
      else state = resumeClock(state!, at(when));
    }
    const result = evaluateTarget(state!, 540, at(now), calendar);
    expect(usedMinutesAt(state!, at(now), calendar)).toBe(used);
    expect(result.remainingMinutes).toBe(540 - used);
    expect(result.dueAt?.toISO()).toBe(due);
  });

  it('a paused clock has no due date and does not move', () => {
    const paused = pauseClock(startClock(at('2026-03-09T03:00')), at('2026-03-09T05:00'), calendar);
    expect(paused).toEqual({ usedMinutes: 120, runningSince: null });
    for (const now of ['2026-03-09T05:00', '2026-03-10T11:00', '2026-04-30T11:00']) {
      expect(evaluateTarget(paused, 540, at(now), calendar)).toEqual({ dueAt: null, remainingMinutes: 420, breached: false, breachedAt: null });
    }
  });

  it('pause and resume return new states and leave their input alone', () => {
    const running = Object.freeze(startClock(at('2026-03-09T03:00')));
    const paused = Object.freeze(pauseClock(running, at('2026-03-09T04:00'), calendar));
    expect(paused).not.toBe(running);
    expect(pauseClock(paused, at('2026-03-09T06:00'), calendar)).toBe(paused);
    const resumed = resumeClock(paused, at('2026-03-09T07:00'));
    expect(resumed).toEqual({ usedMinutes: 60, runningSince: at('2026-03-09T07:00') });
    expect(resumeClock(resumed, at('2026-03-09T08:00'))).toBe(resumed);
  });
});

describe('Breach: a target is missed once its whole budget of support minutes is used', () => {
  // Filed Fri 2026-03-13 11:59: one minute on Friday, 539 on Monday → due Mon 11:59.
  const filed = at('2026-03-13T11:59');
  const state = startClock(filed);
  const due = '2026-03-16T11:59:00.000-04:00';

  it.each([
    { clause: 'one minute before the deadline it is not breached', now: '2026-03-16T11:58', remaining: 1, breached: false, breachedAt: null },
    { clause: 'over the weekend the budget is untouched', now: '2026-03-15T20:00', remaining: 539, breached: false, breachedAt: null },
    { clause: 'at the deadline the budget is used up', now: '2026-03-16T11:59', remaining: 0, breached: true, breachedAt: due },
    { clause: 'after closing on the due day it stays breached', now: '2026-03-16T12:30', remaining: -1, breached: true, breachedAt: due },
    { clause: 'remaining goes negative the next support day', now: '2026-03-17T03:10', remaining: -11, breached: true, breachedAt: due },
  ])('$clause', ({ now, remaining, breached, breachedAt }) => {
    const result = evaluateTarget(state, 540, at(now), calendar);
    expect(result.dueAt?.toISO()).toBe(due);
    expect(result.remainingMinutes).toBe(remaining);
    expect(result.breached).toBe(breached);
    expect(result.breachedAt?.toISO() ?? null).toBe(breachedAt);
  });

  it('a clock paused after its budget ran out is breached, instant unknown', () => {
    const paused = pauseClock(state, at('2026-03-17T04:00'), calendar);
    expect(evaluateTarget(paused, 540, at('2026-03-18T04:00'), calendar)).toEqual({ dueAt: null, remainingMinutes: -61, breached: true, breachedAt: null });
  });

  it('a clock resumed with its budget already spent is due at once, breach instant unknown', () => {
    const resumed = resumeClock({ usedMinutes: 600, runningSince: null }, at('2026-03-18T05:00'));
    const result = evaluateTarget(resumed, 540, at('2026-03-18T05:10'), calendar);
    expect(result.dueAt?.toISO()).toBe('2026-03-18T05:00:00.000-04:00');
    expect(result.remainingMinutes).toBe(-70);
    expect(result.breached).toBe(true);
    expect(result.breachedAt).toBeNull();
  });

  it.each([
    { clause: 'met with a minute to spare', used: 539, target: 540, breached: false },
    { clause: 'met with the budget used up is late', used: 540, target: 540, breached: true },
    { clause: 'met well after the deadline', used: 700, target: 540, breached: true },
    { clause: 'complex resolution within 3 support days', used: 1619, target: 1620, breached: false },
    { clause: 'complex resolution after 3 support days', used: 1620, target: 1620, breached: true },
  ])('evaluateMetTarget: $clause', ({ used, target, breached }) => {
    expect(evaluateMetTarget(used, target)).toEqual({ breached, minutesTaken: used });
  });

  it.each(['2026-03-16T11:58', '2026-03-16T11:58:59', '2026-03-16T11:59', '2026-03-16T12:00', '2026-03-16T13:00', '2026-03-17T02:59', '2026-03-17T03:01'])(
    'a reply at %s is late exactly when the open target was breached then',
    (when) => {
      const now = at(when);
      const met = evaluateMetTarget(usedMinutesAt(state, now, calendar), 540);
      expect(met.breached).toBe(evaluateTarget(state, 540, now, calendar).breached);
      expect(met.breached).toBe(now >= at('2026-03-16T11:59'));
    },
  );

  it.each([
    { clause: 'negative used minutes', fn: () => evaluateMetTarget(-1, 540) },
    { clause: 'a negative target', fn: () => evaluateTarget(state, -5, filed, calendar) },
    { clause: 'NaN used minutes in the state', fn: () => usedMinutesAt({ usedMinutes: Number.NaN, runningSince: null }, filed, calendar) },
  ])('rejects $clause', ({ fn }) => {
    expect(fn).toThrow(RangeError);
  });
});
