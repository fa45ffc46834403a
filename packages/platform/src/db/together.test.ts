import { describe, expect, it } from 'vitest';
import { withPendingCommit } from './pending-commit.ts';
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

  it('calls off a pending commit at the first failure, before the rest has settled', async () => {
    let calledOff = false;
    let slowSettled = false;
    const slow = later(10, 'slow').then(() => (slowSettled = true));
    const waited = withPendingCommit(
      () => (calledOff = true),
      () => together([slow, Promise.reject(new Error('at once'))]),
    );
    await Promise.resolve();
    expect({ calledOff, slowSettled }).toEqual({ calledOff: true, slowSettled: false });
    await expect(waited).rejects.toThrow('at once');
  });

  it('starts a query builder once when it watches for failures', async () => {
    // A query builder runs its statement on every `then`.
    let runs = 0;
    const builder = {
      then(resolve: (v: string) => void) {
        runs += 1;
        resolve('rows');
      },
    };
    expect(
      await withPendingCommit(
        () => {},
        () => together([builder]),
      ),
    ).toEqual(['rows']);
    expect(runs).toBe(1);
  });
});
