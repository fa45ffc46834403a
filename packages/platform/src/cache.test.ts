import { describe, expect, it, vi } from 'vitest';
import { describeCacheContract } from './cache.contract.ts';
import { lruCache } from './cache.ts';

describeCacheContract('lruCache', () => lruCache(), { holdsValuesInProcess: true });

describe('lruCache', () => {
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

  it('applies its default TTL to entries set without one', async () => {
    const cache = lruCache({ ttlMs: 20 });
    await cache.set('default', 'goes');
    await cache.set('explicit', 'stays', 60_000);

    await vi.waitFor(() => expect(cache.peek('default')).toBeUndefined(), { interval: 5 });
    expect(cache.peek('explicit')).toBe('stays');
  });

  it('hands out the very object it was given, without copying it', async () => {
    const cache = lruCache();
    const entry = { body: Buffer.from('x') };
    await cache.set('k', entry);

    expect(cache.peek('k')).toBe(entry);
    expect(await cache.getOrLoad('k', async () => ({ body: Buffer.from('y') }))).toBe(entry);
  });
});
