import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { endOfLocalDay, isUnavailableAt, localDate, nextExpiry } from './availability.ts';

const at = (iso: string) => Date.parse(iso);
const hours = (ms: number) => ms / 3_600_000;

describe('the end of today in a store’s time zone', () => {
  it('is the coming local midnight', () => {
    expect(endOfLocalDay(at('2026-06-01T10:00:00Z'), 'UTC')).toBe(at('2026-06-02T00:00:00Z'));
    expect(endOfLocalDay(at('2026-06-01T10:00:00Z'), 'Europe/Berlin')).toBe(
      at('2026-06-01T22:00:00Z'),
    );
  });

  it('depends on the zone: late evening in New York is already tomorrow in Berlin', () => {
    const now = at('2026-06-02T02:30:00Z'); // 22:30 on 1 June in New York, 04:30 on 2 June in Berlin
    expect(endOfLocalDay(now, 'America/New_York')).toBe(at('2026-06-02T04:00:00Z'));
    expect(endOfLocalDay(now, 'Europe/Berlin')).toBe(at('2026-06-02T22:00:00Z'));
  });

  it('follows daylight-saving days of 23 and 25 hours', () => {
    // Berlin: clocks go forward on 29 March 2026 and back on 25 October 2026.
    const spring = at('2026-03-29T00:30:00Z'); // 01:30 CET
    expect(hours(endOfLocalDay(spring, 'Europe/Berlin') - spring)).toBe(21.5);
    const autumn = at('2026-10-24T22:30:00Z'); // 00:30 CEST on the 25-hour day
    expect(hours(endOfLocalDay(autumn, 'Europe/Berlin') - autumn)).toBe(24.5);
  });

  it('is 01:00 on a day whose midnight the clocks skip (Santiago, September 2026)', () => {
    const end = endOfLocalDay(at('2026-09-05T12:00:00Z'), 'America/Santiago');
    expect(end).toBe(at('2026-09-06T04:00:00Z'));
    expect(localDate(end - 1, 'America/Santiago')).toBe(20260905);
  });

  it('is always later today’s last instant plus one: within 26 hours, on the next local date', () => {
    const zones = fc.constantFrom(
      'UTC',
      'Europe/Berlin',
      'America/New_York',
      'America/Santiago',
      'Asia/Kolkata',
      'Australia/Lord_Howe',
      'Pacific/Kiritimati',
      'Pacific/Pago_Pago',
    );
    const instants = fc.integer({
      min: at('2000-01-01T00:00:00Z'),
      max: at('2040-01-01T00:00:00Z'),
    });
    fc.assert(
      fc.property(instants, zones, (now, zone) => {
        const end = endOfLocalDay(now, zone);
        expect(end).toBeGreaterThan(now);
        expect(end - now).toBeLessThanOrEqual(26 * 3_600_000);
        expect(localDate(end, zone)).toBeGreaterThan(localDate(now, zone));
        expect(localDate(end - 1, zone)).toBe(localDate(now, zone));
      }),
      { numRuns: 300 },
    );
  });
});

describe('an unavailability entry', () => {
  const now = at('2026-06-01T12:00:00Z');

  it('holds until its instant, and for ever without one', () => {
    expect(isUnavailableAt({ itemId: 'a', until: now + 1 }, now)).toBe(true);
    expect(isUnavailableAt({ itemId: 'a', until: now }, now)).toBe(false);
    expect(isUnavailableAt({ itemId: 'a', until: null }, now)).toBe(true);
  });

  it('sets how long a document showing it stays true: until the earliest future expiry', () => {
    const entries = [
      { itemId: 'a', until: now - 1000 },
      { itemId: 'b', until: now + 5000 },
      { itemId: 'c', until: null },
      { itemId: 'd', until: now + 2000 },
    ];
    expect(nextExpiry(entries, now)).toBe(now + 2000);
    expect(nextExpiry([{ itemId: 'c', until: null }], now)).toBeNull();
  });
});
