import { DateTime, IANAZone } from 'luxon';
import { holidayCalendarFor, type HolidayCalendar, type ObservedHoliday } from './holidays';

export type { ObservedHoliday } from './holidays';

export interface SupportHoursConfig {
  /** IANA zone the hours are kept in; default America/New_York (the policy's "Eastern Time"). */
  zone: string;
  /** Local opening time 'HH:mm'; default '03:00'. */
  opensAt: string;
  /** Local closing time 'HH:mm' (exclusive); default '12:00'. Must be after opensAt: no overnight windows. */
  closesAt: string;
  /** Luxon weekdays (1 = Monday … 7 = Sunday); default Monday–Friday. */
  businessDays: number[];
  /** Country whose public holidays close support; default 'US' (federal holidays). */
  holidayCountry: string;
  holidayRegion?: string;
}

export const DEFAULT_SUPPORT_HOURS: SupportHoursConfig = Object.freeze({
  zone: 'America/New_York',
  opensAt: '03:00',
  closesAt: '12:00',
  businessDays: Object.freeze([1, 2, 3, 4, 5]) as number[],
  holidayCountry: 'US',
}) as SupportHoursConfig;

/** One open period: [opensAt, closesAt), both in the support zone. */
export interface SupportWindow {
  date: string;
  opensAt: DateTime;
  closesAt: DateTime;
}

export interface SupportStatus {
  open: boolean;
  /** When closed: the next opening. When open: the opening after the current window. */
  nextOpensAt: DateTime;
  /** When open: the end of the current window. When closed: the end of the next window. */
  nextClosesAt: DateTime;
  nextHoliday: ObservedHoliday;
}

export interface ClockTime {
  hour: number;
  minute: number;
}

const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
// With at least one business day a window turns up within a week plus a run of holidays;
// the bound only stops a loop on a calendar that never opens.
const MAX_SEARCH_DAYS = 3 * 366;

/** Parses 'HH:mm' (24 h, zero-padded), throwing RangeError otherwise. */
export function parseClockTime(value: string): ClockTime {
  const m = CLOCK_TIME.exec(value.trim());
  if (!m) throw new RangeError(`Invalid time "${value}", expected HH:mm (00:00–23:59)`);
  return { hour: Number(m[1]), minute: Number(m[2]) };
}

/** Parses a weekday list such as '1,2,3,4,5' (luxon numbering, 1 = Monday). */
export function parseBusinessDays(value: string): number[] {
  const days = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      if (!/^[1-7]$/.test(s)) throw new RangeError(`Invalid weekday "${s}" in "${value}", expected 1 (Mon) … 7 (Sun)`);
      return Number(s);
    });
  if (days.length === 0) throw new RangeError(`No business days in "${value}"`);
  return [...new Set(days)].sort((a, b) => a - b);
}

/** Throws a RangeError unless `zone` is an IANA zone name luxon/Intl knows. */
export function assertValidZone(zone: string): void {
  if (typeof zone !== 'string' || !IANAZone.isValidZone(zone)) {
    throw new RangeError(`Invalid IANA time zone "${String(zone)}" (expected e.g. "America/New_York")`);
  }
}

/**
 * Builds a config from strings, e.g. environment variables; unset or blank values fall back
 * to DEFAULT_SUPPORT_HOURS. Validates everything the calendar would.
 */
export function parseSupportHoursConfig(raw: {
  zone?: string;
  opensAt?: string;
  closesAt?: string;
  businessDays?: string;
  holidayCountry?: string;
  holidayRegion?: string;
}): SupportHoursConfig {
  const pick = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v.trim());
  const config: SupportHoursConfig = {
    zone: pick(raw.zone) ?? DEFAULT_SUPPORT_HOURS.zone,
    opensAt: pick(raw.opensAt) ?? DEFAULT_SUPPORT_HOURS.opensAt,
    closesAt: pick(raw.closesAt) ?? DEFAULT_SUPPORT_HOURS.closesAt,
    businessDays: pick(raw.businessDays) ? parseBusinessDays(raw.businessDays!) : [...DEFAULT_SUPPORT_HOURS.businessDays],
    holidayCountry: pick(raw.holidayCountry) ?? DEFAULT_SUPPORT_HOURS.holidayCountry,
  };
  const region = pick(raw.holidayRegion);
  if (region !== undefined) config.holidayRegion = region;
  validateConfig(config);
  return config;
}

function validateConfig(config: SupportHoursConfig): { opens: ClockTime; closes: ClockTime } {
  assertValidZone(config.zone);
  const opens = parseClockTime(config.opensAt);
  const closes = parseClockTime(config.closesAt);
  if (opens.hour * 60 + opens.minute >= closes.hour * 60 + closes.minute) {
    throw new RangeError(`closesAt (${config.closesAt}) must be after opensAt (${config.opensAt}); overnight windows are not supported`);
  }
  if (config.businessDays.length === 0 || config.businessDays.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) {
    throw new RangeError(`businessDays must be luxon weekdays 1–7, got [${config.businessDays.join(', ')}]`);
  }
  return { opens, closes };
}

function assertValidDateTime(at: DateTime, what: string): void {
  if (!DateTime.isDateTime(at) || !at.isValid) {
    throw new RangeError(`Invalid DateTime for ${what}: ${DateTime.isDateTime(at) ? at.invalidExplanation : String(at)}`);
  }
}

/**
 * Support windows as epoch milliseconds over a run of whole local dates, in order: window i is
 * [opens[i], closes[i]) and `before[i]` is the open time of all windows before it, so open time
 * between two instants is a difference of two binary searches.
 */
interface Timeline {
  /** First and last local date covered (UTC midnight of each, in epoch ms). */
  fromDay: number;
  toDay: number;
  opens: number[];
  closes: number[];
  before: number[];
}

const DAY_MS = 86_400_000;
// Timelines grow a year at a time: a page of tickets filed across a few years costs a few
// hundred luxon window computations once per process.
const EXTEND_DAYS = 366;
// Every UTC offset is within ±14 h, so a local date starts less than a day after its UTC midnight.
const OFFSET_MARGIN_MS = DAY_MS;
// Bound on the due times kept as DateTimes (a few MB at most).
const MAX_KEPT_INSTANTS = 50_000;

function isoDay(dayMs: number): string {
  return new Date(dayMs).toISOString().slice(0, 10);
}

/** Index of the first element > value in a sorted array (length when none). */
function firstAbove(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! > value) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Support hours: which instants are inside an open window, and support-time arithmetic.
 * The windows are worked out in luxon in the support zone (so DST switches and holidays are
 * exact), once per date, into a timeline of epoch milliseconds; the hot paths (SLA due times of
 * every ticket of a page) are then binary searches without any time-zone arithmetic.
 * Results are DateTimes in the support zone unless stated otherwise.
 */
export class SupportCalendar {
  readonly config: Readonly<SupportHoursConfig>;
  private readonly opens: ClockTime;
  private readonly closes: ClockTime;
  private readonly businessDays: ReadonlySet<number>;
  private readonly holidays: HolidayCalendar;
  private timeline: Timeline | null = null;
  private readonly zoned = new Map<number, DateTime>();

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
    const ms = at.toMillis();
    const t = this.covering(ms);
    const i = firstAbove(t.closes, ms);
    return i < t.opens.length && t.opens[i]! <= ms;
  }

  /** `at` itself (in the support zone) when open, else the start of the next window. */
  currentOrNextOpening(at: DateTime): DateTime {
    assertValidDateTime(at, 'currentOrNextOpening');
    return this.isOpen(at) ? at.setZone(this.config.zone) : this.nextOpening(at);
  }

  /** The start of the first window opening strictly after `at` (when open: the window after this one). */
  nextOpening(at: DateTime): DateTime {
    assertValidDateTime(at, 'nextOpening');
    const ms = at.toMillis();
    const t = this.reaching(ms, 'opens', at);
    return this.inZone(t.opens[firstAbove(t.opens, ms)]!);
  }

  /** The end of the current window when open, else the end of the next window. */
  nextClosing(at: DateTime): DateTime {
    assertValidDateTime(at, 'nextClosing');
    const ms = at.toMillis();
    const t = this.reaching(ms, 'closes', at);
    return this.inZone(t.closes[firstAbove(t.closes, ms)]!);
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
    return this.supportMinutesBetweenMs(from.toMillis(), to.toMillis());
  }

  /** supportMinutesBetween on epoch milliseconds. */
  supportMinutesBetweenMs(fromMs: number, toMs: number): number {
    if (!(toMs > fromMs)) return 0;
    this.covering(fromMs);
    const t = this.covering(toMs);
    return Math.floor((this.openTimeBefore(t, toMs) - this.openTimeBefore(t, fromMs)) / 60_000);
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
    if (Math.round(minutes * 60_000) === 0) return from.setZone(this.config.zone);
    return this.inZone(this.addSupportMinutesMs(from.toMillis(), minutes));
  }

  /** addSupportMinutes on epoch milliseconds (minutes already checked to be finite and >= 0). */
  addSupportMinutesMs(fromMs: number, minutes: number): number {
    const remaining = Math.round(minutes * 60_000);
    if (remaining === 0) return fromMs;
    let t = this.covering(fromMs);
    const target = this.openTimeBefore(t, fromMs) + remaining;
    // The first window whose end reaches the target; a budget that ends exactly at a closing
    // time ends there, not at the next opening.
    for (let grown = 0; ; grown += 1) {
      const last = t.opens.length - 1;
      if (last >= 0 && t.before[last]! + t.closes[last]! - t.opens[last]! >= target) break;
      if (grown * EXTEND_DAYS > MAX_SEARCH_DAYS && last < 0) throw new RangeError(`Support never opens after ${new Date(fromMs).toISOString()}`);
      t = this.extendForward(t);
    }
    let lo = 0;
    let hi = t.opens.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (t.before[mid]! + t.closes[mid]! - t.opens[mid]! >= target) hi = mid;
      else lo = mid + 1;
    }
    return t.opens[lo]! + (target - t.before[lo]!);
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
   * The instant as a DateTime in the support zone. A ticket's due time stays the same from one
   * request to the next while its clock runs, so the (immutable) DateTimes are kept: luxon works
   * out a zone's offset through Intl for every new one.
   */
  private inZone(ms: number): DateTime {
    let at = this.zoned.get(ms);
    if (at === undefined) {
      if (this.zoned.size >= MAX_KEPT_INSTANTS) this.zoned.clear();
      at = DateTime.fromMillis(ms, { zone: this.config.zone });
      this.zoned.set(ms, at);
    }
    return at;
  }

  /** Open milliseconds of the timeline before the instant `ms` (which the timeline covers). */
  private openTimeBefore(t: Timeline, ms: number): number {
    const i = firstAbove(t.closes, ms);
    if (i === t.opens.length) return i === 0 ? 0 : t.before[i - 1]! + t.closes[i - 1]! - t.opens[i - 1]!;
    return t.before[i]! + Math.max(0, ms - t.opens[i]!);
  }

  /** The timeline, grown until it holds every window of `ms`'s local date and all before it from there. */
  private covering(ms: number): Timeline {
    const day = Math.floor(ms / DAY_MS) * DAY_MS;
    let t = this.timeline ?? this.build(day - DAY_MS, day + EXTEND_DAYS * DAY_MS);
    while (t.fromDay + OFFSET_MARGIN_MS > ms) t = this.extendBackward(t);
    while (t.toDay < ms + DAY_MS) t = this.extendForward(t);
    return t;
  }

  /** The timeline, grown until a window opens (or closes) after `ms`; throws past the search bound. */
  private reaching(ms: number, edge: 'opens' | 'closes', at: DateTime): Timeline {
    let t = this.covering(ms);
    while (firstAbove(t[edge], ms) === t[edge].length) {
      if (t.toDay > ms + MAX_SEARCH_DAYS * DAY_MS) throw this.neverOpens(at);
      t = this.extendForward(t);
    }
    return t;
  }

  private extendForward(t: Timeline): Timeline {
    const more = this.windowsBetween(t.toDay + DAY_MS, t.toDay + EXTEND_DAYS * DAY_MS);
    return this.keep({
      fromDay: t.fromDay,
      toDay: t.toDay + EXTEND_DAYS * DAY_MS,
      opens: [...t.opens, ...more.opens],
      closes: [...t.closes, ...more.closes],
      before: [],
    });
  }

  private extendBackward(t: Timeline): Timeline {
    const earlier = this.windowsBetween(t.fromDay - EXTEND_DAYS * DAY_MS, t.fromDay - DAY_MS);
    return this.keep({
      fromDay: t.fromDay - EXTEND_DAYS * DAY_MS,
      toDay: t.toDay,
      opens: [...earlier.opens, ...t.opens],
      closes: [...earlier.closes, ...t.closes],
      before: [],
    });
  }

  private build(fromDay: number, toDay: number): Timeline {
    return this.keep({ fromDay, toDay, ...this.windowsBetween(fromDay, toDay), before: [] });
  }

  /** Fills in the running totals and makes the timeline the current one. */
  private keep(t: Timeline): Timeline {
    let sum = 0;
    t.before = t.opens.map((open, i) => {
      const before = sum;
      sum += t.closes[i]! - open;
      return before;
    });
    this.timeline = t;
    return t;
  }

  /** The windows of the local dates fromDay…toDay (inclusive, UTC midnights). */
  private windowsBetween(fromDay: number, toDay: number): { opens: number[]; closes: number[] } {
    const opens: number[] = [];
    const closes: number[] = [];
    for (let day = fromDay; day <= toDay; day += DAY_MS) {
      const w = this.windowOn(isoDay(day));
      // An opening inside a spring-forward gap can move past the closing: that day never opens.
      if (!w || w.closesAt <= w.opensAt) continue;
      opens.push(w.opensAt.toMillis());
      closes.push(w.closesAt.toMillis());
    }
    return { opens, closes };
  }

  private neverOpens(at: DateTime): RangeError {
    return new RangeError(`Support never opens within ${MAX_SEARCH_DAYS} days after ${at.toISO()}`);
  }
}
