import { describe, expect, it, vi } from 'vitest';
import { lruCache } from './cache.ts';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('lruCache', () => {
  it('loads a missing key once, however many callers miss it at the same time', async () => {
    const cache = lruCache();
    const gate = deferred<string>();
    let loads = 0;
    const load = () => {
      loads += 1;
      return gate.promise;
    };
    const callers = Array.from({ length: 20 }, () => cache.getOrLoad('menu:t:s:1', load));
    gate.resolve('document');
    expect(await Promise.all(callers)).toEqual(Array(20).fill('document'));
    expect(loads).toBe(1);
    expect(await cache.getOrLoad('menu:t:s:1', load)).toBe('document');
    expect(loads).toBe(1);
  });

  it('does not keep a failed load, so the next caller tries again', async () => {
    const cache = lruCache();
    await expect(cache.getOrLoad('k', () => Promise.reject(new Error('db down')))).rejects.toThrow(
      'db down',
    );
    expect(await cache.getOrLoad('k', () => Promise.resolve(42))).toBe(42);
  });

  it('hands out, but does not keep, a value whose key was deleted while it loaded', async () => {
    const cache = lruCache();
    const gate = deferred<string>();
    const pending = cache.getOrLoad('k', () => gate.promise);
    await cache.delete('k');
    gate.resolve('stale');
    expect(await pending).toBe('stale');
    expect(await cache.get('k')).toBeUndefined();
  });

  it('evicts the least recently used entry when full', async () => {
    const cache = lruCache({ max: 2 });
    await cache.set('a', 1);
    await cache.set('b', 2);
    await cache.get('a');
    await cache.set('c', 3);
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBe(1);
    expect(await cache.get('c')).toBe(3);
  });

  it('peeks at a held value synchronously and at nothing for a miss or an expired entry', async () => {
    const cache = lruCache({ ttlMs: 50 });
    expect(cache.peek('k')).toBeUndefined();
    await cache.set('k', 'v');
    expect(cache.peek('k')).toBe('v');
    await cache.set('short', 'v', 1);
    await vi.waitFor(() => expect(cache.peek('short')).toBeUndefined());
    await cache.delete('k');
    expect(cache.peek('k')).toBeUndefined();
  });
});
