import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { consumeEach, type RateLimit, type RateLimiter } from '../auth/rate-limit.ts';
import type { Logger } from '../logger.ts';
import { throttledWarnings } from './warnings.ts';

export interface RedisRateLimiterOptions {
  redis: Redis;
  /** Put before every key, e.g. `stratum:rate:`. */
  prefix: string;
  logger: Logger;
}

/**
 * Rate limits counted in Redis, so every process enforces the same budget
 * (ADR 0017); the same semantics as `inMemoryRateLimiter`. While Redis is
 * unreachable each limit falls back to rate-limiter-flexible's insurance
 * limiter, an in-process counter: limits hold per process (at most N times
 * the budget with N processes) instead of failing open or locking everyone out.
 */
export function redisRateLimiter(options: RedisRateLimiterOptions): RateLimiter {
  const { redis, prefix } = options;
  const warn = throttledWarnings(options.logger.child({ rateLimiter: prefix }));
  const limiters = new Map<string, { shared: RateLimiterRedis; local: RateLimiterMemory }>();
  const limiterFor = (limit: RateLimit) => {
    const name = `${limit.name}:${limit.points}/${limit.durationSeconds}`;
    let limiter = limiters.get(name);
    if (!limiter) {
      const shape = { points: limit.points, duration: limit.durationSeconds };
      const local = new RateLimiterMemory({ ...shape, keyPrefix: name });
      const shared = new RateLimiterRedis({
        ...shape,
        storeClient: redis,
        keyPrefix: `${prefix}${name}`,
        // Not connected: straight to the insurance limiter, without building an error first.
        rejectIfRedisNotReady: true,
        insuranceLimiter: local,
      });
      limiter = { shared, local };
      limiters.set(name, limiter);
    }
    return limiter;
  };
  const noteDegraded = () => {
    if (redis.status !== 'ready')
      warn('redis unreachable: rate limits are counted per process', undefined, {
        status: redis.status,
      });
  };
  return {
    consume(hits) {
      if (hits.length > 0) noteDegraded();
      return consumeEach(hits, (limit, key) => limiterFor(limit).shared.consume(key));
    },
    async reset(limit, key) {
      noteDegraded();
      const { shared, local } = limiterFor(limit);
      // Hits counted during an outage must not outlive a reset either.
      await Promise.all([shared.delete(key), local.delete(key)]);
    },
  };
}
