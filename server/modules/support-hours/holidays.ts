import Holidays, { type HolidaysTypes } from 'date-holidays';
import { DateTime } from 'luxon';

/** A holiday as the support desk sees it: `date` is the holiday itself, `observedDate` the day off. */
export interface ObservedHoliday {
  name: string;
  /** ISO date (YYYY-MM-DD) of the holiday itself, e.g. 2026-07-04. */
  date: string;
  /** ISO date of the day off, e.g. 2026-07-03 when July 4th is a Saturday. */
  observedDate: string;
}

export interface HolidaySourceConfig {
  /** ISO 3166-1 alpha-2 code understood by date-holidays; default `US`. */
  country: string;
  /** Optional state/region code (ISO 3166-2 suffix, e.g. `CA`, `DC`, `BY`). */
  region?: string;
}

/**
 * Federal holidays (5 U.S.C. 6103) under their date-holidays `en-us` names.
 * Names, not types, because date-holidays files the Veterans Day substitute as `bank`
 * and states rename federal days (e.g. Alabama's MLK day).
 */
export const US_FEDERAL_HOLIDAY_NAMES: readonly string[] = [
  "New Year's Day",
  'Martin Luther King Jr. Day',
  "Washington's Birthday",
  'Memorial Day',
  'Juneteenth',
  'Independence Day',
  'Labor Day',
  'Columbus Day',
  'Veterans Day',
  'Thanksgiving Day',
  'Christmas Day',
];

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
// A substitute day is never more than a few days away from its holiday.
const MAX_SUBSTITUTE_DISTANCE_DAYS = 7;
// nextHoliday gives up after this many years; every source we accept has yearly holidays.
const MAX_LOOKAHEAD_YEARS = 5;

interface RawHoliday {
  name: string;
  date: string;
  rule: string;
  type: HolidaysTypes.HolidayType;
  substitute: boolean;
}

/** Normalises and validates a source config; throws RangeError on codes date-holidays does not know. */
export function normalizeHolidaySource(source: Partial<HolidaySourceConfig> = {}): HolidaySourceConfig {
  const country = (source.country ?? 'US').trim().toUpperCase();
  const region = source.region?.trim().toUpperCase() || undefined;
  const probe = new Holidays();
  const countries = probe.getCountries();
  if (!(country in countries)) {
    throw new RangeError(`Unknown holiday country "${source.country}" (date-holidays has no data for it)`);
  }
  if (region !== undefined) {
    const states = probe.getStates(country) ?? {};
    if (!(region in states)) {
      throw new RangeError(`Unknown holiday region "${source.region}" for country ${country}`);
    }
  }
  return region === undefined ? { country } : { country, region };
}

function sourceKey(source: HolidaySourceConfig): string {
  return source.region ? `${source.country}-${source.region}` : source.country;
}

function dayDistance(a: string, b: string): number {
  return Math.abs(Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / 86_400_000;
}

/** Raw library output for one (country, region), cached per library year. */
class RawHolidaySource {
  private readonly hd: Holidays;
  private readonly byYear = new Map<number, RawHoliday[]>();

  constructor(
    country: string,
    region: string | undefined,
    private readonly lang: string | undefined,
  ) {
    this.hd = region ? new Holidays(country, region) : new Holidays(country);
  }

  year(year: number): RawHoliday[] {
    let list = this.byYear.get(year);
    if (!list) {
      list = this.hd.getHolidays(year, this.lang).map((h) => ({
        name: h.name,
        // `date` is the local calendar date ("YYYY-MM-DD hh:mm:ss"), independent of any zone.
        date: h.date.slice(0, 10),
        rule: h.rule,
        type: h.type,
        substitute: h.substitute === true,
      }));
      this.byYear.set(year, list);
    }
    return list;
  }

  /**
   * Holidays whose observed date falls in `year`, each paired with its substitute day.
   * Reads the neighbouring years too: date-holidays lists New Year's Day 2022, observed
   * Fri 2021-12-31, in its 2021 output, while the holiday itself is in its 2022 output.
   */
  observedInYear(year: number, keep: (h: RawHoliday) => boolean): ObservedHoliday[] {
    const raw = [...this.year(year - 1), ...this.year(year), ...this.year(year + 1)];
    const originals = raw.filter((h) => !h.substitute);
    const observedByOriginal = new Map<RawHoliday, string>();
    for (const sub of raw.filter((h) => h.substitute)) {
      const original = this.pairSubstitute(sub, originals);
      if (original) observedByOriginal.set(original, sub.date);
    }
    const result: ObservedHoliday[] = [];
    for (const h of originals) {
      if (!keep(h)) continue;
      const observedDate = observedByOriginal.get(h) ?? h.date;
      if (observedDate.startsWith(`${year}-`)) result.push({ name: h.name, date: h.date, observedDate });
    }
    return result;
  }

  // The substitute shares its holiday's rule ("07-04 and if sunday then next monday ...")
  // except for rules written as "substitutes 11-11 ..."; the name prefix covers those.
  private pairSubstitute(sub: RawHoliday, originals: RawHoliday[]): RawHoliday | undefined {
    let best: RawHoliday | undefined;
    let bestDistance = Infinity;
    for (const o of originals) {
      if (o.rule !== sub.rule && !sub.name.startsWith(o.name)) continue;
      const d = dayDistance(o.date, sub.date);
      if (d <= MAX_SUBSTITUTE_DISTANCE_DAYS && d < bestDistance) {
        best = o;
        bestDistance = d;
      }
    }
    return best;
  }
}

/**
 * The days support is closed for holidays, from the maintained date-holidays data.
 * `US`: the eleven federal holidays with their observed days (Saturday → Friday before,
 * Sunday → Monday after), plus the state's own public holidays when a region is set.
 * Other countries: the library's `public` holidays for the country/region.
 */
export class HolidayCalendar {
  readonly source: HolidaySourceConfig;
  private readonly byYear = new Map<number, readonly ObservedHoliday[]>();
  private readonly national: RawHolidaySource;
  private readonly regional: RawHolidaySource | undefined;

  constructor(source: Partial<HolidaySourceConfig> = {}) {
    this.source = normalizeHolidaySource(source);
    const { country, region } = this.source;
    if (country === 'US') {
      // en-us: with 'en' the library says "Labour Day".
      this.national = new RawHolidaySource('US', undefined, 'en-us');
      this.regional = region ? new RawHolidaySource('US', region, 'en-us') : undefined;
    } else {
      this.national = new RawHolidaySource(country, region, undefined);
      this.regional = undefined;
    }
  }

  /** Holidays observed in `year` (by observed date), sorted; cached per year. */
  holidaysInYear(year: number): readonly ObservedHoliday[] {
    if (!Number.isInteger(year)) throw new RangeError(`Invalid year: ${year}`);
    let list = this.byYear.get(year);
    if (!list) {
      list = Object.freeze(this.compute(year));
      this.byYear.set(year, list);
    }
    return list;
  }

  /**
   * The holiday observed on `isoDate`, or else the holiday whose own date is `isoDate`
   * (a Saturday July 4th still answers here; it only closes support if Saturday is a business day).
   */
  holidayOn(isoDate: string): ObservedHoliday | null {
    const year = parseIsoDateYear(isoDate);
    const candidates = [...this.holidaysInYear(year), ...this.holidaysInYear(year + 1), ...this.holidaysInYear(year - 1)];
    return candidates.find((h) => h.observedDate === isoDate) ?? candidates.find((h) => h.date === isoDate) ?? null;
  }

  /** The first holiday observed on or after `isoDate`. */
  nextHoliday(isoDate: string): ObservedHoliday {
    const year = parseIsoDateYear(isoDate);
    for (let y = year; y <= year + MAX_LOOKAHEAD_YEARS; y++) {
      // ISO dates compare correctly as strings.
      const found = this.holidaysInYear(y).find((h) => h.observedDate >= isoDate);
      if (found) return found;
    }
    throw new RangeError(`No holiday found within ${MAX_LOOKAHEAD_YEARS} years after ${isoDate}`);
  }

  private compute(year: number): ObservedHoliday[] {
    let list: ObservedHoliday[];
    if (this.source.country === 'US') {
      list = this.national.observedInYear(year, (h) => US_FEDERAL_HOLIDAY_NAMES.includes(h.name));
      if (this.regional) {
        const taken = new Set(list.map((h) => h.observedDate));
        // State days that coincide with a federal one (renamed MLK day, Indigenous Peoples' Day) add nothing.
        for (const h of this.regional.observedInYear(year, (r) => r.type === 'public')) {
          if (!taken.has(h.observedDate) && !US_FEDERAL_HOLIDAY_NAMES.includes(h.name)) {
            list.push(h);
            taken.add(h.observedDate);
          }
        }
      }
    } else {
      list = this.national.observedInYear(year, (h) => h.type === 'public');
    }
    return list.sort((a, b) => a.observedDate.localeCompare(b.observedDate) || a.date.localeCompare(b.date));
  }
}

function parseIsoDateYear(isoDate: string): number {
  // The regex keeps out ISO week/ordinal forms; luxon rejects 2026-02-30.
  if (!ISO_DATE.test(isoDate) || !DateTime.fromISO(isoDate, { zone: 'utc' }).isValid) {
    throw new RangeError(`Invalid ISO date "${isoDate}", expected YYYY-MM-DD`);
  }
  return Number(isoDate.slice(0, 4));
}

const shared = new Map<string, HolidayCalendar>();

/** One HolidayCalendar per source, so every SupportCalendar shares the per-year caches. */
export function holidayCalendarFor(source: Partial<HolidaySourceConfig> = {}): HolidayCalendar {
  const normalized = normalizeHolidaySource(source);
  const key = sourceKey(normalized);
  let calendar = shared.get(key);
  if (!calendar) {
    calendar = new HolidayCalendar(normalized);
    shared.set(key, calendar);
  }
  return calendar;
}
