import { describe, expect, it } from 'vitest';
import { DomainError } from '@stratum/platform';
import { withRetry } from './order-writer.ts';

const conflict = () => new DomainError('order-concurrency-conflict', 'lost', 'conflict');

/** An attempt that loses `losses` races, then wins; it records whether each was a retry. */
function racer(losses: number) {
  const retries: boolean[] = [];
  const attempt = (retry: boolean) => {
    retries.push(retry);
    return retries.length <= losses ? Promise.reject(conflict()) : Promise.resolve('done');
  };
  return { attempt, retries };
}

describe('deciding a command again after losing a race', () => {
  it('retries a lost race, telling each retry it is one (so it locks the row)', async () => {
    const { attempt, retries } = racer(2);
    await expect(withRetry({ attempts: 3 }, undefined, attempt)).resolves.toBe('done');
    expect(retries).toEqual([false, true, true]);
  });

  it('gives up with the conflict after the last attempt', async () => {
    const { attempt, retries } = racer(5);
    await expect(withRetry({ attempts: 3 }, undefined, attempt)).rejects.toMatchObject({
      code: 'order-concurrency-conflict',
    });
    expect(retries).toHaveLength(3);
  });

  it('never retries for a caller who pinned the version it saw', async () => {
    const { attempt, retries } = racer(1);
    await expect(withRetry({ attempts: 3 }, { expectedVersion: 4 }, attempt)).rejects.toMatchObject(
      { code: 'order-concurrency-conflict' },
    );
    expect(retries).toEqual([false]);
  });

  it('does not retry any other refusal', async () => {
    let calls = 0;
    const attempt = () => {
      calls += 1;
      return Promise.reject(new DomainError('order-not-open', 'paid', 'conflict'));
    };
    await expect(withRetry({ attempts: 3 }, undefined, attempt)).rejects.toMatchObject({
      code: 'order-not-open',
    });
    expect(calls).toBe(1);
  });
});
