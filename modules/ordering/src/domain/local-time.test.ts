import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { businessDate, localIso } from './local-time.ts';

describe('the store’s local time', () => {
  it('gives the local calendar date, which may differ from the UTC one', () => {
    const lateUtc = new Date('2026-11-22T23:30:00Z');
    expect(businessDate(lateUtc, 'UTC')).toBe('2026-11-22');
    expect(businessDate(lateUtc, 'Europe/Berlin')).toBe('2026-11-23');
    expect(businessDate(lateUtc, 'America/New_York')).toBe('2026-11-22');
  });

  it('writes local time with the zone’s offset at that instant, summer and winter', () => {
    expect(localIso(new Date('2026-11-22T12:42:10.500Z'), 'Europe/Berlin')).toBe(
      '2026-11-22T13:42:10+01:00',
    );
    expect(localIso(new Date('2026-07-01T12:00:00Z'), 'Europe/Berlin')).toBe(
      '2026-07-01T14:00:00+02:00',
    );
    expect(localIso(new Date('2026-11-22T12:00:00Z'), 'America/St_Johns')).toBe(
      '2026-11-22T08:30:00-03:30',
    );
    expect(localIso(new Date('2026-11-22T12:00:00Z'), 'Asia/Kathmandu')).toBe(
      '2026-11-22T17:45:00+05:45',
    );
    expect(localIso(new Date('2026-11-22T12:00:00Z'), 'UTC')).toBe('2026-11-22T12:00:00+00:00');
  });

  it('names midnight 00, not 24', () => {
    expect(localIso(new Date('2026-11-22T23:00:00Z'), 'Europe/Berlin')).toBe(
      '2026-11-23T00:00:00+01:00',
    );
  });
});

/**
 * What the runtime's tz database says the wall clock reads, written
 * `YYYY-MM-DDTHH:MM:SS` by another path than the code under test: the Swedish
 * locale's date and time format.
 */
const intlReads = (instant: Date, timeZone: string) =>
  instant.toLocaleString('sv-SE', { timeZone, hourCycle: 'h23' }).replace(' ', 'T');

const zones = [
  'UTC',
  'Europe/Berlin',
  'Europe/London',
  'America/New_York',
  'America/St_Johns',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
];

describe('the store’s local time, against Intl', () => {
  it('reads what Intl reads at any instant since 1970, in zones with odd and changing offsets', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) }),
        fc.constantFrom(...zones),
        (ms, zone) => {
          const instant = new Date(ms);
          expect(localIso(instant, zone).slice(0, 19)).toBe(intlReads(instant, zone));
          expect(businessDate(instant, zone)).toBe(intlReads(instant, zone).slice(0, 10));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('follows a change of offset to the second, reading the instants in order as a till does', () => {
    // Europe/Berlin goes to summer time at 01:00 UTC, Lord Howe by half an hour at 15:00 UTC.
    for (const [zone, change] of [
      ['Europe/Berlin', Date.UTC(2026, 2, 29, 1)],
      ['Australia/Lord_Howe', Date.UTC(2026, 9, 3, 15, 30)],
    ] as const) {
      for (let ms = change - 90_000; ms <= change + 90_000; ms += 500) {
        const instant = new Date(ms);
        expect(localIso(instant, zone).slice(0, 19)).toBe(intlReads(instant, zone));
      }
    }
    expect(localIso(new Date(Date.UTC(2026, 2, 29, 0, 59, 59)), 'Europe/Berlin')).toBe(
      '2026-03-29T01:59:59+01:00',
    );
    expect(localIso(new Date(Date.UTC(2026, 2, 29, 1)), 'Europe/Berlin')).toBe(
      '2026-03-29T03:00:00+02:00',
    );
  });
});
