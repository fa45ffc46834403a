import { captureLogs, redisUrl } from '@stratum/testing';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { describeCacheContract } from '../cache.contract.ts';
import { createLogger } from '../logger.ts';
import { redisCache, type RedisCache, type RedisCacheOptions } from './redis-cache.ts';
import { redisTestKit } from './test-kit.ts';

const url = redisUrl();
const logger = createLogger({ level: 'silent' });
const near = { max: 1_000, ttlMs: 30_000 };
const poll = { timeout: 5_000, interval: 10 };

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

describe.runIf(url)('redisCache against Redis', () => {
  const kit = redisTestKit(url ?? '', logger);
  const caches: RedisCache[] = [];
  let redis: Redis;
  let subscriber: Redis;

  /** A started cache; by default on the shared connections, in a key space of its own. */
  async function startedCache(overrides: Partial<RedisCacheOptions> = {}) {
    const cache = redisCache({ redis, subscriber, prefix: kit.subPrefix(), logger, ...overrides });
    caches.push(cache);
    await cache.start();
    return cache;
  }

  /** Two processes sharing one key space, each with connections of its own. */
  async function twoProcesses() {
    const prefix = kit.subPrefix();
    const make = async (name: string) => {
      const sub = await kit.connect(`${name}-sub`);
      const cache = await startedCache({
        redis: await kit.connect(name),
        subscriber: sub,
        prefix,
        near,
      });
      return { cache, sub };
    };
    return { a: await make('a'), b: await make('b') };
  }

  beforeAll(async () => {
    redis = await kit.connect('cache');
    subscriber = await kit.connect('cache-sub');
  });

  afterEach(async () => {
    await Promise.all(caches.splice(0).map((cache) => cache.close()));
  });

  afterAll(() => kit.cleanUp());

  describeCacheContract('redisCache with a near cache', () => startedCache({ near }), {
    holdsValuesInProcess: true,
  });
  describeCacheContract('redisCache without a near cache', () => startedCache(), {
    holdsValuesInProcess: false,
  });

  it('stores values in Redis: another process reads the Buffers back as Buffers', async () => {
    const { a, b } = await twoProcesses();
    const entry = { body: Buffer.from('{"a":1}'), gzip: Buffer.from([31, 139]), validTo: null };
    await a.cache.set('menu', entry);
    const load = vi.fn(async () => ({ body: Buffer.from('rebuilt') }));

    const got = await b.cache.getOrLoad('menu', load);

    expect(load).not.toHaveBeenCalled();
    expect(got).toEqual(entry);
    expect(got).not.toBe(entry);
    expect(Buffer.isBuffer(got.body)).toBe(true);
    expect(b.cache.peek('menu')).toEqual(entry);
  });

  it('drops another process’s near copy when a key is deleted', async () => {
    const { a, b } = await twoProcesses();
    await a.cache.getOrLoad('k', async () => 'v1');
    expect(await b.cache.getOrLoad('k', async () => 'unused')).toBe('v1');
    expect(b.cache.peek('k')).toBe('v1');

    await a.cache.delete('k');

    await vi.waitFor(() => expect(b.cache.peek('k')).toBeUndefined(), poll);
    expect(await b.cache.get('k')).toBeUndefined();
  });

  it('drops another process’s near copy when a key is set again', async () => {
    const { a, b } = await twoProcesses();
    await a.cache.set('k', 'old');
    await b.cache.get('k');
    expect(b.cache.peek('k')).toBe('old');

    await a.cache.set('k', 'new');

    await vi.waitFor(() => expect(b.cache.peek('k')).toBeUndefined(), poll);
    expect(await b.cache.get('k')).toBe('new');
  });

  it('does not keep a value loaded while another process deleted the key', async () => {
    const { a, b } = await twoProcesses();
    const started = deferred<void>();
    const gate = deferred<string>();
    const pending = a.cache.getOrLoad('k', () => {
      started.resolve();
      return gate.promise;
    });
    await started.promise;

    await b.cache.delete('k');
    gate.resolve('stale');

    expect(await pending).toBe('stale');
    expect(a.cache.peek('k')).toBeUndefined();
    expect(await a.cache.get('k')).toBeUndefined();
    expect(await b.cache.get('k')).toBeUndefined();
  });

  it('forgets every near copy while its subscriber is disconnected, and keeps none until it is back', async () => {
    const { a, b } = await twoProcesses();
    await a.cache.set('k', 'v1');
    await a.cache.set('other', 'o');
    expect(a.cache.peek('k')).toBe('v1');

    a.sub.disconnect();
    await vi.waitFor(() => expect(a.cache.peek('k')).toBeUndefined(), poll);
    // Published while A could not hear it: A must not serve its old copy afterwards.
    await b.cache.set('k', 'v2');
    expect(await a.cache.get('k')).toBe('v2');
    expect(await a.cache.get('other')).toBe('o');
    expect(a.cache.peek('other')).toBeUndefined();

    await a.sub.connect();

    await vi.waitFor(async () => {
      await a.cache.get('other');
      expect(a.cache.peek('other')).toBe('o');
    }, poll);
  });

  it('keeps near copies again once a dropped subscriber has reconnected by itself', async () => {
    const { a, b } = await twoProcesses();
    await a.cache.set('k', 'v1');
    expect(a.cache.peek('k')).toBe('v1');

    await kit.kill(a.sub);
    await vi.waitFor(async () => {
      await a.cache.get('k');
      expect(a.sub.status).toBe('ready');
      expect(a.cache.peek('k')).toBe('v1');
    }, poll);

    await b.cache.delete('k');
    await vi.waitFor(() => expect(a.cache.peek('k')).toBeUndefined(), poll);
  });

  describe('with Redis unreachable', () => {
    it('serves from the loader, swallows writes and deletes, and warns without flooding the log', async () => {
      const logs = captureLogs();
      const cache = redisCache({
        redis: kit.unreachable('down'),
        subscriber: kit.unreachable('down-sub'),
        prefix: kit.subPrefix(),
        logger: logs.logger,
        near,
      });
      caches.push(cache);
      await expect(cache.start()).rejects.toThrow();
      let loads = 0;
      const load = async () => {
        loads += 1;
        return `loaded ${loads}`;
      };

      expect(await cache.get('k')).toBeUndefined();
      expect(await cache.getOrLoad('k', load)).toBe('loaded 1');
      expect(await cache.getOrLoad('k', load)).toBe('loaded 2');
      await expect(cache.set('k', 'v')).resolves.toBeUndefined();
      await expect(cache.delete('k')).resolves.toBeUndefined();
      expect(cache.peek('k')).toBeUndefined();
      for (let i = 0; i < 20; i += 1) await cache.get('k');

      const readWarnings = logs
        .lines()
        .filter(
          (line) =>
            line['level'] === 'warn' && line['msg'] === 'cache read failed; treating it as a miss',
        );
      expect(readWarnings).toHaveLength(1);
      expect(logs.text()).toContain('cache write failed');
      expect(logs.text()).toContain('cache delete failed');
    });

    it('still shares one load among concurrent misses', async () => {
      const cache = redisCache({
        redis: kit.unreachable('down-2'),
        prefix: kit.subPrefix(),
        logger,
      });
      const gate = deferred<string>();
      const load = vi.fn(() => gate.promise);

      const callers = Array.from({ length: 10 }, () => cache.getOrLoad('k', load));
      gate.resolve('from the source');

      expect(await Promise.all(callers)).toEqual(Array(10).fill('from the source'));
      expect(load).toHaveBeenCalledTimes(1);
    });
  });
});
