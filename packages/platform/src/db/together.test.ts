import { describe, expect, it } from 'vitest';
import { together } from './together.ts';

const later = <T>(ms: number, value: T) => new Promise<T>((r) => setTimeout(() => r(value), ms));
const failLater = (ms: number, message: string) =>
  new Promise<never>((_, reject) => setTimeout(() => reject(new Error(message)), ms));

describe('together', () => {
  it('answers every value in the order given, whatever order they settle in', async () => {
    expect(await together([later(5, 'a'), Promise.resolve(2), later(1, true)])).toEqual([
      'a',
      2,
      true,
    ]);
  });

  it('throws the earliest failure in the list, even when a later one failed first', async () => {
    // The first statement's refusal arrives after the second's knock-on failure.
    await expect(together([failLater(10, 'first'), failLater(1, 'second')])).rejects.toThrow(
      'first',
    );
  });

  it('waits for all of them before throwing, so nothing is left running', async () => {
    let finished = false;
    const slow = later(10, 'slow').then((v) => {
      finished = true;
      return v;
    });
    await expect(together([Promise.reject(new Error('at once')), slow])).rejects.toThrow('at once');
    expect(finished).toBe(true);
  });
});
