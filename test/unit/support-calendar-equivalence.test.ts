import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { SupportCalendar, type SupportHoursConfig, type SupportWindow } from '../../server/modules/support-hours/support-calendar';
import { ReferenceSupportCalendar } from './support-calendar.reference';

/**
 * The precomputed calendar must give exactly the answers of the day-by-day luxon walk it
 * replaced, for any instant: a large seeded random table per configuration, years of DST
 * switches and holidays, plus instants on and next to window edges.
 */

/** The reference with its (pure) per-date windows remembered, so the table runs in seconds. */
class Reference extends ReferenceSupportCalendar {
  private readonly windows = new Map<string, SupportWindow | null>();
  override windowOn(isoDate: string): SupportWindow | null {
    if (!this.windows.has(isoDate)) this.windows.set(isoDate, super.windowOn(isoDate));
    return this.windows.get(isoDate)!;
  }
}

/** mulberry32: a small seeded generator, so a failure names a row that can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CONFIGS: { name: string; config: Partial<SupportHoursConfig> }[] = [
  { name: 'the policy: 03:00–12:00 New York, Mon–Fri, US federal holidays', config: {} },
  { name: 'all week across both New York switches, 01:00–03:00', config: { opensAt: '01:00', closesAt: '03:00', businessDays: [1, 2, 3, 4, 5, 6, 7] } },
  {
    name: 'Berlin 09:00–17:30, Mon–Fri, Bavarian holidays',
    config: { zone: 'Europe/Berlin', opensAt: '09:00', closesAt: '17:30', holidayCountry: 'DE', holidayRegion: 'BY' },
  },
  {
    name: 'Lord Howe (30-minute DST) 01:30–02:45, every day',
    config: { zone: 'Australia/Lord_Howe', opensAt: '01:30', closesAt: '02:45', businessDays: [1, 2, 3, 4, 5, 6, 7], holidayCountry: 'AU' },
  },
  {
    name: 'São Paulo (DST at midnight until 2019) 00:00–06:00, every day',
    config: { zone: 'America/Sao_Paulo', opensAt: '00:00', closesAt: '06:00', businessDays: [1, 2, 3, 4, 5, 6, 7], holidayCountry: 'BR' },
  },
  {
    name: 'Kolkata 09:30–18:00, Mon–Sat, Indian holidays',
    config: { zone: 'Asia/Kolkata', opensAt: '09:30', closesAt: '18:00', businessDays: [1, 2, 3, 4, 5, 6], holidayCountry: 'IN' },
  },
];

const FROM = Date.UTC(2015, 0, 1);
const TO = Date.UTC(2031, 0, 1);
const ROWS_PER_CONFIG = 10_000;
const MINUTE = 60_000;

const iso = (d: DateTime) => d.toISO();

describe('the precomputed support calendar answers exactly like the day-by-day luxon walk', () => {
  it.each(CONFIGS)('$name', ({ config }) => {
    const fast = new SupportCalendar(config);
    const reference = new Reference(config);
    const next = random(CONFIGS.findIndex((c) => c.config === config) + 1);
    let edges = 0;
    const mismatches: unknown[] = [];
    for (let row = 0; row < ROWS_PER_CONFIG; row += 1) {
      let ms = FROM + Math.floor(next() * (TO - FROM));
      // One row in three sits on a window edge, a millisecond or a minute off it.
      if (row % 3 === 0) {
        const date = DateTime.fromMillis(ms, { zone: fast.config.zone }).toISODate()!;
        const window = reference.windowOn(date);
        if (window) {
          const edge = next() < 0.5 ? window.opensAt.toMillis() : window.closesAt.toMillis();
          ms = edge + [0, -1, 1, -MINUTE, MINUTE][Math.floor(next() * 5)]!;
          edges += 1;
        }
      }
      const at = DateTime.fromMillis(ms, { zone: next() < 0.5 ? 'utc' : fast.config.zone });
      const span = [0, 1, MINUTE, 9 * 60 * MINUTE, 86_400_000, 3 * 86_400_000][Math.floor(next() * 6)]!;
      const to = at.plus({ milliseconds: Math.floor(next() * span) });
      const minutes = [0, 1, 0.5, 540, 1620, Math.floor(next() * 6000), next() * 3000][Math.floor(next() * 7)]!;
      const answers = (c: SupportCalendar | Reference) => [
        c.isOpen(at),
        c.supportMinutesBetween(at, to),
        c.supportMinutesBetween(to, at),
        iso(c.addSupportMinutes(at, minutes)),
        iso(c.nextOpening(at)),
        iso(c.nextClosing(at)),
        iso(c.currentOrNextOpening(at)),
      ];
      const mine = answers(fast);
      const theirs = answers(reference);
      if (mine.some((answer, i) => answer !== theirs[i])) mismatches.push({ row, at: at.toISO(), to: to.toISO(), minutes, mine, theirs });
    }
    // isOpen, minutes between (both ways), plus minutes, next opening, next closing, current or next opening.
    expect(mismatches.slice(0, 5)).toEqual([]);
    // The table really visits the edges, where an off-by-one would show.
    expect(edges).toBeGreaterThan(ROWS_PER_CONFIG / 5);
  });

  it('answers the same whichever instant a process asks about first (the timeline grows both ways)', () => {
    const reference = new Reference();
    const next = random(99);
    const mismatches: unknown[] = [];
    for (const first of ['2031-06-01T10:00:00Z', '2015-02-01T10:00:00Z', '2024-03-10T07:30:00Z']) {
      const fast = new SupportCalendar();
      fast.isOpen(DateTime.fromISO(first));
      for (let row = 0; row < 600; row += 1) {
        const at = DateTime.fromMillis(FROM + Math.floor(next() * (TO - FROM)), { zone: 'utc' });
        const minutes = Math.floor(next() * 20_000);
        const to = at.plus({ days: next() * 40 });
        const mine = [iso(fast.addSupportMinutes(at, minutes)), fast.supportMinutesBetween(at, to)];
        const theirs = [iso(reference.addSupportMinutes(at, minutes)), reference.supportMinutesBetween(at, to)];
        if (mine[0] !== theirs[0] || mine[1] !== theirs[1]) mismatches.push({ first, at: at.toISO(), minutes, to: to.toISO(), mine, theirs });
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });
});
