import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { DateTimeScalar } from '../../server/common/date-time.scalar';

/** A seeded generator, so a failure names a row that can be run again. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

describe('DateTime serialization', () => {
  it('writes a stored instant exactly as luxon wrote it in UTC, over 30,000 random instants from 1970 to 9999', () => {
    const next = random(20261203);
    for (let i = 0; i < 30_000; i += 1) {
      // One in four on a whole second or minute, where shortened forms would show.
      const ms = Math.floor(next() * LATEST);
      const at = new Date(i % 4 === 0 ? ms - (ms % 60_000) : ms);
      expect(DateTimeScalar.serialize(at), at.getTime().toString()).toBe(DateTime.fromJSDate(at, { zone: 'utc' }).toISO());
    }
    expect(DateTimeScalar.serialize(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
  });

  it('writes a due time in its own zone with its offset, the same text every time it is asked', () => {
    const next = random(7);
    for (let i = 0; i < 10_000; i += 1) {
      const zone = ['America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC'][i % 5]!;
      const at = DateTime.fromMillis(Math.floor(next() * Date.parse('2100-01-01T00:00:00Z')), { zone });
      const text = DateTimeScalar.serialize(at);
      expect(text).toBe(at.toISO());
      expect(DateTimeScalar.serialize(at)).toBe(text);
    }
    expect(DateTimeScalar.serialize(DateTime.fromISO('2026-03-09T12:00:00', { zone: 'America/New_York' }))).toBe('2026-03-09T12:00:00.000-04:00');
  });
});
