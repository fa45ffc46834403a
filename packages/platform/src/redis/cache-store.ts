import { deserialize, serialize } from 'node:v8';
import type { Redis } from 'ioredis';
import { luaScript } from './scripts.ts';
import type { Warn } from './warnings.ts';

/**
 * Stores a loaded value only if no delete happened since the load began:
 * every delete bumps the key's generation, read before the load.
 */
const SET_IF_GENERATION = `
if (redis.call('get', KEYS[2]) or '0') ~= ARGV[1] then return 0 end
redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`;

/**
 * In one step: drop the value, bump the generation so no load in flight in any
 * process stores what it read before, and tell every process to drop its near copy.
 */
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

export interface CacheStoreOptions {
  prefix: string;
  /** This process's id on invalidation messages, so it can skip its own. */
  origin: string;
  generationTtlMs: number;
  warn: Warn;
}

/**
 * The cache's entries in Redis: `<prefix>v:<key>` holds the serialized value,
 * `<prefix>g:<key>` the key's generation, and `<prefix>invalidate` carries
 * `<origin>\n<key>` for every write and delete. No call throws: a failure is
 * logged (throttled) and reported as a miss or as nothing stored.
 */
export function redisCacheStore(redis: Redis, options: CacheStoreOptions) {
  const { prefix, origin, warn } = options;
  const channel = `${prefix}invalidate`;
  const valueKey = (key: string) => `${prefix}v:${key}`;
  const generationKey = (key: string) => `${prefix}g:${key}`;
  const setIfGeneration = luaScript<number>(
    redis,
    'stratumCacheSetIfGeneration',
    2,
    SET_IF_GENERATION,
  );
  const deleteAndPublish = luaScript<number>(redis, 'stratumCacheDelete', 2, DELETE_AND_PUBLISH);

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

  /** Stores a loaded value unless the key was deleted since `generation` was read. */
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

  /** Stores and announces a value; false if Redis failed. */
  async function write(key: string, value: unknown, ttlMs: number): Promise<boolean> {
    try {
      await replyValues(
        redis
          .multi()
          .set(valueKey(key), serialize(value), 'PX', ttlMs)
          .publish(channel, `${origin}\n${key}`)
          .exec(),
      );
      return true;
    } catch (err) {
      warn('cache write failed; the value was not kept', err);
      return false;
    }
  }

  async function remove(key: string): Promise<void> {
    try {
      await deleteAndPublish(
        valueKey(key),
        generationKey(key),
        channel,
        `${origin}\n${key}`,
        options.generationTtlMs,
      );
    } catch (err) {
      warn('cache delete failed; other processes may serve the old value until it expires', err);
    }
  }

  return { channel, read, storeLoaded, write, remove };
}
