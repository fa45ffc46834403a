import { describe, expect, it } from 'vitest';
import { timezoneName } from './stores.ts';

describe('a store’s time zone', () => {
  it('is kept in the tz database’s own spelling, however it was typed', () => {
    expect(timezoneName.parse('asia/tokyo')).toBe('Asia/Tokyo');
    expect(timezoneName.parse('AMERICA/NEW_YORK')).toBe('America/New_York');
    expect(timezoneName.parse('Europe/Paris')).toBe('Europe/Paris');
  });

  it('is refused when the tz database does not know it', () => {
    const result = timezoneName.safeParse('Mars/Olympus_Mons');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('IANA time zone');
  });
});
