import { randomUUID } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import type { Redis } from 'ioredis';
import type { Cache } from '../cache.ts';
import type { Logger } from '../logger.ts';
import { nearCache, type NearCacheOptions } from './near-cache.ts';
import { luaScript } from './scripts.ts';
import { channelSubscription } from './subscription.ts';
import { throttledWarnings } from './warnings.ts';

export interface RedisCacheOptions {
  redis: Redis;
  /** A connection of its own (a subscribed connection takes no other commands); needed with `near`. */
  subscriber?: Redis;
  /** Put before every key and the invalidation channel, e.g. `stratum:cache:`. */
  prefix: string;
  logger: Logger;
  /** Default time to live, in ms (5 minutes). */
  ttlMs?: number;
  /** An in-process copy of what this process reads and writes, so `peek` can answer. */
  near?: NearCacheOptions;
  /**
   * How long a delete keeps guarding against loads that began before it
   * (1 hour); a load that takes longer may store what it read before the delete.
   */
  generationTtlMs?: number;
}

/** The cache port on Redis, plus the lifecycle of its invalidation subscription. */
export interface RedisCache extends Cache {
  /**
   * Subscribes to invalidations; until then nothing is kept near. Rejects if
   * the subscriber is not connected, and subscribes by itself once it is.
   */
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Stores a loaded value only if no delete happened since the load began:
 * every delete bumps the key's generation, read before the load.
 */
const SET_IF_GENERATION = `
if (redis.call('get', KEYS[2]) or '0') ~= ARGV[1] then return 0 end
redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`;

const DELETE_AND_PUBLISH = `
redis.call('del', KEYS[1])
redis.call('incr', KEYS[2])
redis.call('pexpire', KEYS[2], ARGV[3])
redis.call('publish', ARGV[1], ARGV[2])
return 1`;

/** The replies of a pipeline or transaction; the first failed command's error is thrown. */
async function replyValues(
  replies: Promise<[error: Error | null, result: unknown][] | null>,
): Promise<unknown[]> {
  const settled = await replies;
  if (!settled) throw new Error('redis transaction aborted');
  return settled.map(([err, reply]) => {
    if (err) throw err;
    return reply;
  });
}

interface Stored {
  found: boolean;
  value: unknown;
  ttlMs: number;
  generation: string;
}

/**
 * Cache-aside on Redis (ADR 0017). Values are stored with `v8.serialize`,
 * which keeps Buffers, Dates, Maps and `undefined` that JSON would lose.
 * Concurrent misses in one process share one load; across processes a
 * delete during a load keeps the loaded value out of Redis (per-key
 * generation, checked by a script). Deletes and writes are broadcast so other
 * processes drop their near copies. While Redis is unreachable every call
 * degrades to a miss (the loader answers) and never throws.
 */
export function redisCache(options: RedisCacheOptions): RedisCache {
  const { redis, prefix } = options;
  if (options.near && !options.subscriber)
    throw new Error('redisCache: a near cache needs a subscriber connection for invalidations');
  const defaultTtl = options.ttlMs ?? 5 * 60_000;
  const generationTtl = options.generationTtlMs ?? 60 * 60_000;
  const warn = throttledWarnings(options.logger.child({ cache: prefix }));
  const origin = randomUUID();
  const channel = `${prefix}invalidate`;
  const valueKey = (key: string) => `${prefix}v:${key}`;
  const generationKey = (key: string) => `${prefix}g:${key}`;
  const near = nearCache(options.near);
  const inFlight = new Map<string, Promise<unknown>>();
  const setIfGeneration = luaScript<number>(
    redis,
    'stratumCacheSetIfGeneration',
    2,
    SET_IF_GENERATION,
  );
  const deleteAndPublish = luaScript<number>(redis, 'stratumCacheDelete', 2, DELETE_AND_PUBLISH);
  const subscription =
    options.near && options.subscriber
      ? channelSubscription(
          options.subscriber,
          channel,
          {
            message: (text) => {
              const at = text.indexOf('\n');
              if (text.slice(0, at) !== origin) near.invalidate(text.slice(at + 1));
            },
            up: () => near.setLive(true),
            down: () => near.setLive(false),
          },
          warn,
        )
      : undefined;
  const ttlOf = (ttlMs: number | undefined) => Math.max(1, Math.ceil(ttlMs ?? defaultTtl));

  /** The stored value, its remaining TTL and the key's generation; undefined if Redis failed. */
  async function read(key: string): Promise<Stored | undefined> {
    let replies: unknown[];
    try {
      replies = await replyValues(
        redis
          .pipeline()
          .getBuffer(valueKey(key))
          .pttl(valueKey(key))
          .get(generationKey(key))
          .exec(),
      );
    } catch (err) {
      warn('cache read failed; treating it as a miss', err);
      return undefined;
    }
    const [bytes, ttl, generation] = replies;
    const stored = {
      found: false,
      value: undefined,
      // -1: stored without an expiry (not by this adapter); the near copy's own TTL applies.
      ttlMs: ttl === -1 ? Infinity : Number(ttl),
      generation: typeof generation === 'string' ? generation : '0',
    };
    if (!Buffer.isBuffer(bytes)) return stored;
    try {
      return { ...stored, found: true, value: deserialize(bytes) };
    } catch (err) {
      // Written by an incompatible version: a miss, and the next load overwrites it.
      warn('cache entry could not be decoded; treating it as a miss', err, { key });
      return stored;
    }
  }

  async function storeLoaded(key: string, value: unknown, ttlMs: number, generation: string) {
    try {
      const payload = serialize(value);
      return (
        (await setIfGeneration(valueKey(key), generationKey(key), generation, payload, ttlMs)) === 1
      );
    } catch (err) {
      warn('cache write failed; the value was not kept', err);
      return false;
    }
  }

  async function loadThrough<T>(
    key: string,
    load: () => Promise<T>,
    ttlMs: number,
    self: () => unknown,
  ) {
    const pending = near.begin(key);
    try {
      const stored = await read(key);
      if (stored?.found) {
        near.keep(key, stored.value, stored.ttlMs, pending);
        return stored.value as T;
      }
      const value = await load();
      // Redis was unreachable (no generation to check against) or deleted here meanwhile.
      if (!stored || inFlight.get(key) !== self()) return value;
      if (await storeLoaded(key, value, ttlMs, stored.generation))
        near.keep(key, value, ttlMs, pending);
      return value;
    } finally {
      near.end(key, pending);
    }
  }

  const cache: RedisCache = {
    peek<T>(key: string) {
      return near.get(key)?.value as T | undefined;
    },
    async get<T>(key: string) {
      const hit = near.get(key);
      if (hit) return hit.value as T;
      const pending = near.begin(key);
      try {
        const stored = await read(key);
        if (stored?.found) near.keep(key, stored.value, stored.ttlMs, pending);
        return stored?.value as T | undefined;
      } finally {
        near.end(key, pending);
      }
    },
    async set(key, value, ttlMs) {
      near.invalidate(key);
      const pending = near.begin(key);
      try {
        const ttl = ttlOf(ttlMs);
        await replyValues(
          redis
            .multi()
            .set(valueKey(key), serialize(value), 'PX', ttl)
            .publish(channel, `${origin}\n${key}`)
            .exec(),
        );
        near.keep(key, value, ttl, pending);
      } catch (err) {
        warn('cache write failed; the value was not kept', err);
      } finally {
        near.end(key, pending);
      }
    },
    async delete(key) {
      near.invalidate(key);
      inFlight.delete(key);
      try {
        await deleteAndPublish(
          valueKey(key),
          generationKey(key),
          channel,
          `${origin}\n${key}`,
          generationTtl,
        );
      } catch (err) {
        warn('cache delete failed; other processes may serve the old value until it expires', err);
      }
    },
    getOrLoad<T>(key: string, load: () => Promise<T>, ttlMs?: number): Promise<T> {
      const hit = near.get(key);
      if (hit) return Promise.resolve(hit.value as T);
      const pending = inFlight.get(key);
      if (pending) return pending as Promise<T>;
      const loading: Promise<T> = loadThrough(key, load, ttlOf(ttlMs), () => loading).finally(
        () => {
          if (inFlight.get(key) === loading) inFlight.delete(key);
        },
      );
      inFlight.set(key, loading);
      return loading;
    },
    async start() {
      await subscription?.start();
    },
    async close() {
      await subscription?.stop();
      near.setLive(false);
    },
  };
  return cache;
}
