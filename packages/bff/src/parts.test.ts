import { describe, expect, it } from 'vitest';
import { DomainError } from '@stratum/platform';
import { assertSomePart, isRequestError, runPart } from './parts.ts';

describe('a part of a BFF answer', () => {
  it('carries the data of a source that answers in time', async () => {
    expect(await runPart('menu', () => Promise.resolve([1, 2]), { timeoutMs: 1000 })).toEqual({
      status: 'ok',
      data: [1, 2],
    });
  });

  it('is unavailable when its deadline passes, and its source is told to stop', async () => {
    let seen: AbortSignal | undefined;
    const failures: string[] = [];
    const part = await runPart(
      'menu',
      (signal) => {
        seen = signal;
        return new Promise(() => {});
      },
      { timeoutMs: 20, onFailure: ({ part: name }) => failures.push(name) },
    );
    expect(part).toEqual({
      status: 'unavailable',
      code: 'part-timeout',
      detail: 'menu did not answer within 20 ms.',
    });
    expect(seen?.aborted).toBe(true);
    expect(failures).toEqual(['menu']);
  });

  it('keeps a module’s error code and hides anything else', async () => {
    const domain = await runPart(
      'sales',
      () =>
        Promise.reject(new DomainError('dependency-timeout', 'ordering did not answer in time.')),
      { timeoutMs: 1000 },
    );
    expect(domain).toEqual({
      status: 'unavailable',
      code: 'dependency-timeout',
      detail: 'ordering did not answer in time.',
    });
    const bug = await runPart('sales', () => Promise.reject(new TypeError('x is undefined')), {
      timeoutMs: 1000,
    });
    expect(bug).toEqual({
      status: 'unavailable',
      code: 'part-failed',
      detail: 'sales could not be loaded.',
    });
  });

  it('lets a request error through when asked to, instead of degrading', async () => {
    const notFound = new DomainError('register-not-found', 'No such register.', 'not-found');
    await expect(
      runPart('register', () => Promise.reject(notFound), {
        timeoutMs: 1000,
        rethrow: isRequestError,
      }),
    ).rejects.toBe(notFound);
    const down = new DomainError(
      'dependency-unavailable',
      'store-ops is unavailable.',
      'unavailable',
    );
    expect(isRequestError(down)).toBe(false);
  });

  it('fails the answer only when no part could be loaded', () => {
    const missing = { status: 'unavailable', code: 'part-timeout', detail: '' } as const;
    expect(() => assertSomePart({ a: missing, b: { status: 'ok', data: 1 } })).not.toThrow();
    expect(() => assertSomePart({ a: missing, b: missing })).toThrow(
      expect.objectContaining({
        code: 'bff-unavailable',
        details: { parts: { a: 'part-timeout', b: 'part-timeout' } },
      }),
    );
  });
});
