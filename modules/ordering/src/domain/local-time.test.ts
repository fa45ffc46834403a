import { describe, expect, it } from 'vitest';
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
