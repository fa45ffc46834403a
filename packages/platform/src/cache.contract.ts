import { describe, expect, it, vi } from 'vitest';
import type { Cache } from './cache.ts';

export interface CacheContractOptions {
  /** The adapter keeps what this process stores or loads, so `peek` answers afterwards. */
  holdsValuesInProcess: boolean;
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

/** Short enough to run out during a test; conditions are polled, never slept on. */
const shortTtlMs = 40;
const poll = { timeout: 5_000, interval: 10 };

/** What the catalog caches for a menu: Buffers beside strings, numbers and null. */
const menuLike = () => ({
  json: '{"catalogVersion":3}',
  etag: '"3-abc"',
  body: Buffer.from('{"catalogVersion":3}'),
  br: Buffer.from([0x1b, 0x00, 0xff]),
  gzip: Buffer.alloc(0),
  validTo: null,
  nested: { prices: [150, 0, -20], note: 'ünïcødé', when: 1_767_225_600_000 },
});

/**
 * The behaviour every `Cache` adapter shares. `makeCache` returns a fresh,
 * empty cache for each test (a new key space for a shared store).
 */
export function describeCacheContract(
  name: string,
  makeCache: () => Cache | Promise<Cache>,
  options: CacheContractOptions,
): void {
  describe(`${name} satisfies the Cache contract`, () => {
    it('misses a key that was never set, and hits it once set', async () => {
      const cache = await makeCache();
      expect(await cache.get('k')).toBeUndefined();
      expect(cache.peek('k')).toBeUndefined();

      await cache.set('k', { n: 1 });

      expect(await cache.get('k')).toEqual({ n: 1 });
    });

    it('replaces a value that is set again', async () => {
      const cache = await makeCache();
      await cache.set('k', 'first');
      await cache.set('k', 'second');

      expect(await cache.get('k')).toBe('second');
    });

    it('round-trips a menu entry with its Buffers still Buffers', async () => {
      const cache = await makeCache();
      await cache.set('menu', menuLike());

      const got = await cache.get<ReturnType<typeof menuLike>>('menu');

      expect(got).toEqual(menuLike());
      expect(Buffer.isBuffer(got?.body)).toBe(true);
      expect(Buffer.isBuffer(got?.br)).toBe(true);
      expect(got?.body.toString()).toBe('{"catalogVersion":3}');
    });

    it('keeps falsy values as hits: 0, empty string, false and null', async () => {
      const cache = await makeCache();
      const falsy = { zero: 0, empty: '', no: false, nothing: null };
      for (const [key, value] of Object.entries(falsy))
        await cache.getOrLoad(key, () => Promise.resolve(value));

      const load = vi.fn(() => Promise.resolve('reloaded'));
      for (const [key, value] of Object.entries(falsy))
        expect(await cache.getOrLoad(key, load)).toBe(value);
      expect(load).not.toHaveBeenCalled();
    });

    it('forgets a deleted key, and leaves other keys alone', async () => {
      const cache = await makeCache();
      await cache.set('a', 1);
      await cache.set('b', 2);

      await cache.delete('a');

      expect(await cache.get('a')).toBeUndefined();
      expect(cache.peek('a')).toBeUndefined();
      expect(await cache.get('b')).toBe(2);
    });

    it('accepts a delete of a key it never held', async () => {
      const cache = await makeCache();
      await expect(cache.delete('never-set')).resolves.toBeUndefined();
    });

    it('drops an entry once its TTL runs out, while a longer-lived one stays', async () => {
      const cache = await makeCache();
      await cache.set('long', 'stays', 60_000);
      await cache.set('short', 'goes', shortTtlMs);

      await vi.waitFor(async () => expect(await cache.get('short')).toBeUndefined(), poll);
      expect(cache.peek('short')).toBeUndefined();
      expect(await cache.get('long')).toBe('stays');
    });

    it('loads a missing key and serves later calls from the cache', async () => {
      const cache = await makeCache();
      const load = vi.fn(() => Promise.resolve('loaded'));

      expect(await cache.getOrLoad('k', load)).toBe('loaded');
      expect(await cache.getOrLoad('k', load)).toBe('loaded');
      expect(await cache.get('k')).toBe('loaded');
      expect(load).toHaveBeenCalledTimes(1);
    });

    it('serves a value set earlier without loading', async () => {
      const cache = await makeCache();
      await cache.set('k', 'set');
      const load = vi.fn(() => Promise.resolve('loaded'));

      expect(await cache.getOrLoad('k', load)).toBe('set');
      expect(load).not.toHaveBeenCalled();
    });

    it('loads a missing key once, however many callers miss it at the same time', async () => {
      const cache = await makeCache();
      const gate = deferred<string>();
      const load = vi.fn(() => gate.promise);

      const callers = Array.from({ length: 20 }, () => cache.getOrLoad('k', load));
      gate.resolve('document');

      expect(await Promise.all(callers)).toEqual(Array(20).fill('document'));
      expect(load).toHaveBeenCalledTimes(1);
    });

    it('loads again once a loaded entry’s TTL runs out', async () => {
      const cache = await makeCache();
      let loads = 0;
      const load = () => {
        loads += 1;
        return Promise.resolve(loads);
      };
      await cache.getOrLoad('k', load, shortTtlMs);

      await vi.waitFor(
        async () => expect(await cache.getOrLoad('k', load, shortTtlMs)).toBe(2),
        poll,
      );
    });

    it('does not keep a failed load, so the next caller tries again', async () => {
      const cache = await makeCache();
      await expect(
        cache.getOrLoad('k', () => Promise.reject(new Error('db down'))),
      ).rejects.toThrow('db down');

      expect(await cache.getOrLoad('k', () => Promise.resolve(42))).toBe(42);
    });

    it('hands out, but does not keep, a value whose key was deleted while it loaded', async () => {
      const cache = await makeCache();
      const gate = deferred<string>();
      const pending = cache.getOrLoad('k', () => gate.promise);

      await cache.delete('k');
      gate.resolve('stale');

      expect(await pending).toBe('stale');
      expect(await cache.get('k')).toBeUndefined();
      expect(cache.peek('k')).toBeUndefined();
      expect(await cache.getOrLoad('k', () => Promise.resolve('fresh'))).toBe('fresh');
    });

    if (options.holdsValuesInProcess) {
      it('peeks synchronously at what it set or loaded, and at nothing once deleted', async () => {
        const cache = await makeCache();
        await cache.set('set', 'v');
        await cache.getOrLoad('loaded', () => Promise.resolve('w'));

        expect(cache.peek('set')).toBe('v');
        expect(cache.peek('loaded')).toBe('w');

        await cache.delete('set');
        expect(cache.peek('set')).toBeUndefined();
      });

      it('stops peeking at an entry once its TTL runs out', async () => {
        const cache = await makeCache();
        await cache.set('long', 'stays', 60_000);
        await cache.set('short', 'goes', shortTtlMs);

        await vi.waitFor(() => expect(cache.peek('short')).toBeUndefined(), poll);
        expect(cache.peek('long')).toBe('stays');
      });
    } else {
      it('peeks at nothing, since it holds nothing in process', async () => {
        const cache = await makeCache();
        await cache.set('k', 'v');
        await cache.getOrLoad('loaded', () => Promise.resolve('w'));

        expect(cache.peek('k')).toBeUndefined();
        expect(cache.peek('loaded')).toBeUndefined();
      });
    }
  });
}
