import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { DomainError } from '../errors.ts';

/** A limit: at most `points` hits per `durationSeconds` for one key. */
export interface RateLimit {
  readonly name: string;
  readonly points: number;
  readonly durationSeconds: number;
}

/** Counts hits per key; the store behind it (memory, Redis) is the adapter's business. */
export interface RateLimiter {
  /** Records one hit for each key; throws a 429 DomainError if any is over its limit. */
  consume(hits: readonly { limit: RateLimit; key: string }[]): Promise<void>;
  /** Forgets a key's hits (e.g. after a successful login). */
  reset(limit: RateLimit, key: string): Promise<void>;
}

export function rateLimited(retryAfterMs: number, limit: string): DomainError {
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new DomainError(
    'rate-limited',
    `Too many attempts; try again in ${retryAfterSeconds} s.`,
    'rate-limited',
    { retryAfterSeconds, limit },
  );
}

/**
 * Records one hit per entry with `consume` (a rate-limiter-flexible call,
 * which rejects with a `RateLimiterRes` when over the limit) and, if any is
 * over, throws `rate-limited` for the one that must wait longest.
 */
export async function consumeEach(
  hits: readonly { limit: RateLimit; key: string }[],
  consume: (limit: RateLimit, key: string) => Promise<unknown>,
): Promise<void> {
  let worst: { ms: number; name: string } | undefined;
  for (const { limit, key } of hits) {
    try {
      await consume(limit, key);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      if (!worst || res.msBeforeNext > worst.ms) worst = { ms: res.msBeforeNext, name: limit.name };
    }
  }
  if (worst) throw rateLimited(worst.ms, worst.name);
}

/** In-process limiter (embedded shape and tests), on rate-limiter-flexible. */
export function inMemoryRateLimiter(): RateLimiter {
  const limiters = new Map<string, RateLimiterMemory>();
  const limiterFor = (limit: RateLimit) => {
    const key = `${limit.name}:${limit.points}/${limit.durationSeconds}`;
    let limiter = limiters.get(key);
    if (!limiter) {
      limiter = new RateLimiterMemory({
        keyPrefix: key,
        points: limit.points,
        duration: limit.durationSeconds,
      });
      limiters.set(key, limiter);
    }
    return limiter;
  };
  return {
    consume: (hits) => consumeEach(hits, (limit, key) => limiterFor(limit).consume(key)),
    async reset(limit, key) {
      await limiterFor(limit).delete(key);
    },
  };
}
