import { captureLogs, redisUrl } from '@stratum/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRateLimiterContract } from '../auth/rate-limit.contract.ts';
import type { RateLimit } from '../auth/rate-limit.ts';
import { createLogger } from '../logger.ts';
import { redisRateLimiter } from './redis-rate-limit.ts';
import { redisTestKit } from './test-kit.ts';
import { rejectionOf } from '../resilience/scripted-dependency.ts';

const url = redisUrl();
const logger = createLogger({ level: 'silent' });
const pin: RateLimit = { name: 'pin', points: 2, durationSeconds: 60 };

describe.runIf(url)('redisRateLimiter against Redis', () => {
  const kit = redisTestKit(url ?? '', logger);
  let redis: Redis;

  beforeAll(async () => {
    redis = await kit.connect('rate');
  });

  afterAll(() => kit.cleanUp());

  describeRateLimiterContract('redisRateLimiter', () =>
    redisRateLimiter({ redis, prefix: kit.subPrefix(), logger }),
  );

  it('counts hits from every process against one budget', async () => {
    const prefix = kit.subPrefix();
    const first = redisRateLimiter({ redis: await kit.connect('rate-a'), prefix, logger });
    const second = redisRateLimiter({ redis: await kit.connect('rate-b'), prefix, logger });

    await first.consume([{ limit: pin, key: 'device-1' }]);
    await second.consume([{ limit: pin, key: 'device-1' }]);

    expect((await rejectionOf(first.consume([{ limit: pin, key: 'device-1' }]))).code).toBe(
      'rate-limited',
    );
    await second.reset(pin, 'device-1');
    await expect(first.consume([{ limit: pin, key: 'device-1' }])).resolves.toBeUndefined();
  });

  it('stores its counters under its prefix, with the window as their expiry', async () => {
    const prefix = kit.subPrefix();
    const limiter = redisRateLimiter({ redis, prefix, logger });

    await limiter.consume([{ limit: pin, key: 'device-1' }]);

    const keys = await redis.keys(`${prefix}*`);
    expect(keys).toHaveLength(1);
    const ttl = await redis.pttl(keys[0] ?? '');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(pin.durationSeconds * 1000);
  });

  describe('with Redis unreachable', () => {
    it('keeps enforcing each limit per process, and says so in the log', async () => {
      const logs = captureLogs();
      const limiter = redisRateLimiter({
        redis: kit.unreachable('rate-down'),
        prefix: kit.subPrefix(),
        logger: logs.logger,
      });
      const hit = (key: string) => limiter.consume([{ limit: pin, key }]);

      await hit('device-1');
      await hit('device-1');
      const error = await rejectionOf(hit('device-1'));

      expect(error).toMatchObject({ code: 'rate-limited', kind: 'rate-limited' });
      expect(error.details?.['retryAfterSeconds']).toBeGreaterThan(0);
      await expect(hit('device-2')).resolves.toBeUndefined();
      await limiter.reset(pin, 'device-1');
      await expect(hit('device-1')).resolves.toBeUndefined();
      const warnings = logs
        .lines()
        .filter((line) => line['msg'] === 'redis unreachable: rate limits are counted per process');
      expect(warnings).toHaveLength(1);
    });
  });
});
