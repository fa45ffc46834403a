import { describe, expect, it, vi } from 'vitest';
import type { RateLimit, RateLimiter } from './rate-limit.ts';
import { rejectionOf } from '../resilience/scripted-dependency.ts';

const loginPerIp: RateLimit = { name: 'login-ip', points: 5, durationSeconds: 60 };
const loginPerAccount: RateLimit = { name: 'login-account', points: 2, durationSeconds: 900 };

/**
 * The behaviour every `RateLimiter` adapter shares. `makeLimiter` returns a
 * fresh limiter with no hits counted (a new key space for a shared store).
 */
export function describeRateLimiterContract(
  name: string,
  makeLimiter: () => RateLimiter | Promise<RateLimiter>,
): void {
  describe(`${name} satisfies the RateLimiter contract`, () => {
    it('lets N hits through and rejects hit N+1 with rate-limited and a retry delay', async () => {
      const limiter = await makeLimiter();
      const hit = () => limiter.consume([{ limit: loginPerIp, key: '10.0.0.1' }]);

      for (let i = 0; i < loginPerIp.points; i += 1) await expect(hit()).resolves.toBeUndefined();
      const error = await rejectionOf(hit());

      expect(error).toMatchObject({ code: 'rate-limited', kind: 'rate-limited' });
      expect(error.details?.['limit']).toBe('login-ip');
      expect(error.details?.['retryAfterSeconds']).toBeGreaterThan(0);
      expect(error.details?.['retryAfterSeconds']).toBeLessThanOrEqual(loginPerIp.durationSeconds);
    });

    it('keeps rejecting while the window lasts', async () => {
      const limiter = await makeLimiter();
      const limit: RateLimit = { name: 'pin', points: 1, durationSeconds: 60 };
      const hit = () => limiter.consume([{ limit, key: 'device-1' }]);

      await hit();

      expect((await rejectionOf(hit())).code).toBe('rate-limited');
      expect((await rejectionOf(hit())).code).toBe('rate-limited');
    });

    it('lets hits through again once the window has passed', async () => {
      const limiter = await makeLimiter();
      const limit: RateLimit = { name: 'burst', points: 1, durationSeconds: 1 };
      const hit = () => limiter.consume([{ limit, key: 'k' }]);
      await hit();
      expect((await rejectionOf(hit())).code).toBe('rate-limited');

      await vi.waitFor(hit, { timeout: 5_000, interval: 50 });
    });

    it('counts each key separately', async () => {
      const limiter = await makeLimiter();
      const limit: RateLimit = { name: 'pin', points: 1, durationSeconds: 60 };

      await limiter.consume([{ limit, key: 'device-1' }]);

      await expect(limiter.consume([{ limit, key: 'device-2' }])).resolves.toBeUndefined();
      expect((await rejectionOf(limiter.consume([{ limit, key: 'device-1' }]))).code).toBe(
        'rate-limited',
      );
    });

    it('counts the same key separately under different limits', async () => {
      const limiter = await makeLimiter();
      const a: RateLimit = { name: 'a', points: 1, durationSeconds: 60 };
      const b: RateLimit = { name: 'b', points: 1, durationSeconds: 60 };

      await limiter.consume([{ limit: a, key: 'shared' }]);

      await expect(limiter.consume([{ limit: b, key: 'shared' }])).resolves.toBeUndefined();
    });

    it('counts two limits with the same name but different points independently', async () => {
      const limiter = await makeLimiter();
      const strict: RateLimit = { name: 'login-ip', points: 1, durationSeconds: 60 };
      const lenient: RateLimit = { name: 'login-ip', points: 3, durationSeconds: 60 };

      await limiter.consume([{ limit: strict, key: 'k' }]);
      expect((await rejectionOf(limiter.consume([{ limit: strict, key: 'k' }]))).code).toBe(
        'rate-limited',
      );

      for (let i = 0; i < lenient.points; i += 1) {
        await expect(limiter.consume([{ limit: lenient, key: 'k' }])).resolves.toBeUndefined();
      }
      expect((await rejectionOf(limiter.consume([{ limit: lenient, key: 'k' }]))).code).toBe(
        'rate-limited',
      );
    });

    it('counts two limits with the same name and points but different windows independently', async () => {
      const limiter = await makeLimiter();
      const perMinute: RateLimit = { name: 'pin', points: 1, durationSeconds: 60 };
      const perHour: RateLimit = { name: 'pin', points: 1, durationSeconds: 3600 };

      await limiter.consume([{ limit: perMinute, key: 'k' }]);

      await expect(limiter.consume([{ limit: perHour, key: 'k' }])).resolves.toBeUndefined();
    });

    it('reports the limit that is exceeded when two limits are consumed together', async () => {
      const limiter = await makeLimiter();
      const attempt = () =>
        limiter.consume([
          { limit: loginPerIp, key: '10.0.0.1' },
          { limit: loginPerAccount, key: 'ann@shop.test' },
        ]);

      await attempt();
      await attempt();
      const error = await rejectionOf(attempt());

      expect(error.details).toMatchObject({ limit: 'login-account' });
    });

    it('reports the limit with the longer wait when both are exceeded', async () => {
      const limiter = await makeLimiter();
      const short: RateLimit = { name: 'per-minute', points: 1, durationSeconds: 60 };
      const long: RateLimit = { name: 'per-day', points: 1, durationSeconds: 86_400 };
      const attempt = () =>
        limiter.consume([
          { limit: short, key: 'k' },
          { limit: long, key: 'k' },
        ]);

      await attempt();
      const error = await rejectionOf(attempt());

      expect(error.details?.['limit']).toBe('per-day');
      expect(error.details?.['retryAfterSeconds']).toBeGreaterThan(short.durationSeconds);
    });

    it('forgets a key’s hits on reset, and only that key’s', async () => {
      const limiter = await makeLimiter();
      const limit: RateLimit = { name: 'login-account', points: 1, durationSeconds: 900 };
      await limiter.consume([{ limit, key: 'ann' }]);
      await limiter.consume([{ limit, key: 'bob' }]);

      await limiter.reset(limit, 'ann');

      await expect(limiter.consume([{ limit, key: 'ann' }])).resolves.toBeUndefined();
      expect((await rejectionOf(limiter.consume([{ limit, key: 'bob' }]))).code).toBe(
        'rate-limited',
      );
    });

    it('accepts a reset of a key that was never hit', async () => {
      const limiter = await makeLimiter();

      await expect(limiter.reset(loginPerIp, 'never-seen')).resolves.toBeUndefined();
    });

    it('lets an empty list of hits through', async () => {
      const limiter = await makeLimiter();

      await expect(limiter.consume([])).resolves.toBeUndefined();
    });
  });
}
