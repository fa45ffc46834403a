import { describe, expect, it } from 'vitest';
import { isCalendarDate, localDate, localDayWindow } from './local-day.ts';

describe('a store’s local day', () => {
  it('starts and ends at the store’s midnight, not the server’s', () => {
    expect(localDayWindow('2026-11-22', 'Europe/Paris')).toEqual({
      from: '2026-11-21T23:00:00.000Z',
      to: '2026-11-22T23:00:00.000Z',
    });
    expect(localDayWindow('2026-11-22', 'America/New_York')).toEqual({
      from: '2026-11-22T05:00:00.000Z',
      to: '2026-11-23T05:00:00.000Z',
    });
    expect(localDayWindow('2026-11-22', 'UTC')).toEqual({
      from: '2026-11-22T00:00:00.000Z',
      to: '2026-11-23T00:00:00.000Z',
    });
  });

  it('is 23 or 25 hours long on the days clocks change', () => {
    const spring = localDayWindow('2026-03-29', 'Europe/Paris');
    expect(spring).toEqual({ from: '2026-03-28T23:00:00.000Z', to: '2026-03-29T22:00:00.000Z' });
    const autumn = localDayWindow('2026-10-25', 'Europe/Paris');
    expect(autumn).toEqual({ from: '2026-10-24T22:00:00.000Z', to: '2026-10-25T23:00:00.000Z' });
  });

  it('reads the date at an instant in the store’s zone', () => {
    const instant = new Date('2026-11-22T23:30:00Z');
    expect(localDate(instant, 'Europe/Paris')).toBe('2026-11-23');
    expect(localDate(instant, 'America/Los_Angeles')).toBe('2026-11-22');
  });

  it('accepts only real calendar dates', () => {
    expect(isCalendarDate('2026-02-28')).toBe(true);
    expect(isCalendarDate('2026-02-30')).toBe(false);
    expect(isCalendarDate('2026-2-3')).toBe(false);
    expect(() => localDayWindow('tomorrow', 'UTC')).toThrow(RangeError);
  });
});
