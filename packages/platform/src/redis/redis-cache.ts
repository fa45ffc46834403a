import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Cache } from '../cache.ts';
import type { Logger } from '../logger.ts';
import { nearCache, type NearCacheOptions } from './near-cache.ts';
import { redisCacheStore } from './cache-store.ts';
import { channelSubscription } from './subscription.ts';
import { throttledWarnings } from './warnings.ts';

export interface RedisCacheOptions {
  redis: Redis;
  /** A connection of its own for invalidations (its drops clear the near cache); needed with `near`. */
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
  const warn = throttledWarnings(options.logger.child({ cache: prefix }));
  const origin = randomUUID();
  const store = redisCacheStore(redis, {
    prefix,
    origin,
    generationTtlMs: options.generationTtlMs ?? 60 * 60_000,
    warn,
  });
  const near = nearCache(options.near);
  const inFlight = new Map<string, Promise<unknown>>();
  const subscription =
    options.near && options.subscriber
      ? channelSubscription(
          options.subscriber,
          store.channel,
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

  async function loadThrough<T>(
    key: string,
    load: () => Promise<T>,
    ttlMs: number,
    self: () => unknown,
  ) {
    const pending = near.begin(key);
    try {
      const stored = await store.read(key);
      if (stored?.found) {
        near.keep(key, stored.value, stored.ttlMs, pending);
        return stored.value as T;
      }
      const value = await load();
      // Redis was unreachable (no generation to check against) or deleted here meanwhile.
      if (!stored || inFlight.get(key) !== self()) return value;
      if (await store.storeLoaded(key, value, ttlMs, stored.generation))
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
        const stored = await store.read(key);
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
        if (await store.write(key, value, ttl)) near.keep(key, value, ttl, pending);
      } finally {
        near.end(key, pending);
      }
    },
    async delete(key) {
      near.invalidate(key);
      inFlight.delete(key);
      await store.remove(key);
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
