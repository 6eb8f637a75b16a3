/**
 * The support calendar as it was before the precomputed one: every call walks the days in luxon.
 * Kept only as the reference the fast calendar is checked against (support-calendar-equivalence.test.ts).
 */
import { DateTime } from 'luxon';
import { holidayCalendarFor, type HolidayCalendar, type ObservedHoliday } from '../../server/modules/support-hours/holidays';
import {
  assertValidZone,
  DEFAULT_SUPPORT_HOURS,
  parseClockTime,
  type ClockTime,
  type SupportHoursConfig,
  type SupportStatus,
  type SupportWindow,
} from '../../server/modules/support-hours/support-calendar';

const MAX_SEARCH_DAYS = 3 * 366;

function validateConfig(config: SupportHoursConfig): { opens: ClockTime; closes: ClockTime } {
  assertValidZone(config.zone);
  const opens = parseClockTime(config.opensAt);
  const closes = parseClockTime(config.closesAt);
  if (opens.hour * 60 + opens.minute >= closes.hour * 60 + closes.minute) throw new RangeError('closesAt must be after opensAt');
  return { opens, closes };
}

function assertValidDateTime(at: DateTime, what: string): void {
  if (!DateTime.isDateTime(at) || !at.isValid) {
    throw new RangeError(`Invalid DateTime for ${what}: ${DateTime.isDateTime(at) ? at.invalidExplanation : String(at)}`);
  }
}

/**
 * Support hours: which instants are inside an open window, and support-time arithmetic.
 * All calendar work happens in the support zone (so DST switches are handled by luxon);
 * results are DateTimes in the support zone unless stated otherwise.
 */
export class ReferenceSupportCalendar {
  readonly config: Readonly<SupportHoursConfig>;
  private readonly opens: ClockTime;
  private readonly closes: ClockTime;
  private readonly businessDays: ReadonlySet<number>;
  private readonly holidays: HolidayCalendar;

  constructor(config: Partial<SupportHoursConfig> = {}) {
    const merged: SupportHoursConfig = {
      ...DEFAULT_SUPPORT_HOURS,
      ...Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)),
    };
    merged.businessDays = [...merged.businessDays];
    const { opens, closes } = validateConfig(merged);
    this.config = Object.freeze(merged);
    this.opens = opens;
    this.closes = closes;
    this.businessDays = new Set(merged.businessDays);
    this.holidays = holidayCalendarFor({ country: merged.holidayCountry, region: merged.holidayRegion });
  }

  /** Minutes from opening to closing on an ordinary business day: one "support day" of the SLA. */
  get supportDayMinutes(): number {
    return this.closes.hour * 60 + this.closes.minute - (this.opens.hour * 60 + this.opens.minute);
  }

  /** The schedule in words, for people: "03:00–12:00 America/New_York, Monday to Friday, except US federal holidays". */
  describe(): string {
    const names = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
    const days = [...this.businessDays].sort((a, b) => a - b);
    const contiguous = days.every((d, i) => i === 0 || d === days[i - 1]! + 1);
    const dayText = days.length > 2 && contiguous ? `${names[days[0]! - 1]} to ${names[days.at(-1)! - 1]}` : days.map((d) => names[d - 1]).join(', ');
    const { holidayCountry, holidayRegion } = this.config;
    const holidays =
      holidayCountry === 'US' && !holidayRegion ? 'US federal holidays' : `public holidays of ${holidayCountry}${holidayRegion ? `-${holidayRegion}` : ''}`;
    return `${this.config.opensAt}–${this.config.closesAt} ${this.config.zone}, ${dayText}, except ${holidays}`;
  }

  /** The open window on a local date in the support zone, or null on weekends/holidays. */
  windowOn(isoDate: string): SupportWindow | null {
    const day = DateTime.fromISO(isoDate, { zone: this.config.zone });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate) || !day.isValid) {
      throw new RangeError(`Invalid ISO date "${isoDate}", expected YYYY-MM-DD`);
    }
    if (!this.businessDays.has(day.weekday) || this.holidays.holidayOn(isoDate) !== null) return null;
    // fromObject on the local wall time: luxon picks the right offset for that day
    // (a time inside a spring-forward gap is moved forward by the gap).
    const at = (t: ClockTime) =>
      DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour: t.hour, minute: t.minute }, { zone: this.config.zone });
    return { date: isoDate, opensAt: at(this.opens), closesAt: at(this.closes) };
  }

  isOpen(at: DateTime): boolean {
    assertValidDateTime(at, 'isOpen');
    const w = this.windowOn(this.localDate(at));
    return w !== null && at >= w.opensAt && at < w.closesAt;
  }

  /** `at` itself (in the support zone) when open, else the start of the next window. */
  currentOrNextOpening(at: DateTime): DateTime {
    assertValidDateTime(at, 'currentOrNextOpening');
    return this.isOpen(at) ? at.setZone(this.config.zone) : this.nextOpening(at);
  }

  /** The start of the first window opening strictly after `at` (when open: the window after this one). */
  nextOpening(at: DateTime): DateTime {
    assertValidDateTime(at, 'nextOpening');
    for (const w of this.windowsFrom(at)) if (w.opensAt > at) return w.opensAt;
    throw this.neverOpens(at);
  }

  /** The end of the current window when open, else the end of the next window. */
  nextClosing(at: DateTime): DateTime {
    assertValidDateTime(at, 'nextClosing');
    for (const w of this.windowsFrom(at)) if (w.closesAt > at) return w.closesAt;
    throw this.neverOpens(at);
  }

  /** The holiday observed (or falling) on a support-zone date, or null. */
  holidayOn(isoDate: string): ObservedHoliday | null {
    return this.holidays.holidayOn(isoDate);
  }

  /** The next holiday observed on or after `at`'s date in the support zone. */
  nextHoliday(at: DateTime): ObservedHoliday {
    assertValidDateTime(at, 'nextHoliday');
    return this.holidays.nextHoliday(this.localDate(at));
  }

  /** Whole minutes of open time in [from, to) (truncated); 0 when to <= from. */
  supportMinutesBetween(from: DateTime, to: DateTime): number {
    assertValidDateTime(from, 'supportMinutesBetween(from)');
    assertValidDateTime(to, 'supportMinutesBetween(to)');
    if (to <= from) return 0;
    let ms = 0;
    for (const w of this.windowsFrom(from, Infinity)) {
      if (w.opensAt >= to) break;
      const start = Math.max(w.opensAt.toMillis(), from.toMillis());
      const end = Math.min(w.closesAt.toMillis(), to.toMillis());
      if (end > start) ms += end - start;
    }
    return Math.floor(ms / 60_000);
  }

  /**
   * The earliest instant at which `minutes` support minutes have elapsed since `from`.
   * Counting starts at the next opening when `from` is outside hours; using up exactly the
   * rest of a window ends at that window's closing time. Zero minutes returns `from`.
   */
  addSupportMinutes(from: DateTime, minutes: number): DateTime {
    assertValidDateTime(from, 'addSupportMinutes');
    if (!Number.isFinite(minutes) || minutes < 0) {
      throw new RangeError(`minutes must be a finite number >= 0, got ${minutes}`);
    }
    let remaining = Math.round(minutes * 60_000);
    if (remaining === 0) return from.setZone(this.config.zone);
    // One step per day, so even thousands of minutes cost a handful of iterations.
    for (const w of this.windowsFrom(from, Infinity)) {
      if (w.closesAt <= from) continue;
      const start = w.opensAt > from ? w.opensAt : from.setZone(this.config.zone);
      const available = w.closesAt.toMillis() - start.toMillis();
      if (remaining <= available) return start.plus({ milliseconds: remaining });
      remaining -= available;
    }
    throw this.neverOpens(from);
  }

  /** Open/closed now, with the next opening/closing expressed in the caller's zone. */
  status(at: DateTime, zone: string): SupportStatus {
    assertValidZone(zone);
    assertValidDateTime(at, 'status');
    return {
      open: this.isOpen(at),
      nextOpensAt: this.nextOpening(at).setZone(zone),
      nextClosesAt: this.nextClosing(at).setZone(zone),
      nextHoliday: this.nextHoliday(at),
    };
  }

  private localDate(at: DateTime): string {
    return at.setZone(this.config.zone).toISODate()!;
  }

  /**
   * Windows from `at`'s local date onwards. Days are stepped as plain calendar dates in UTC,
   * so a 23- or 25-hour local day never skips or repeats a date.
   */
  private *windowsFrom(at: DateTime, maxDays = MAX_SEARCH_DAYS): Generator<SupportWindow> {
    let day = DateTime.fromISO(this.localDate(at), { zone: 'utc' });
    for (let i = 0; i < maxDays; i++, day = day.plus({ days: 1 })) {
      const w = this.windowOn(day.toISODate()!);
      if (w) yield w;
    }
  }

  private neverOpens(at: DateTime): RangeError {
    return new RangeError(`Support never opens within ${MAX_SEARCH_DAYS} days after ${at.toISO()}`);
  }
}
