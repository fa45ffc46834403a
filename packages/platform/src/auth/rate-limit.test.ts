import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import { describeRateLimiterContract } from './rate-limit.contract.ts';
import { inMemoryRateLimiter, rateLimited, type RateLimit } from './rate-limit.ts';

describeRateLimiterContract('inMemoryRateLimiter', () => inMemoryRateLimiter());

describe('inMemoryRateLimiter', () => {
  it('keeps separate counts for separate limiter instances', async () => {
    const first = inMemoryRateLimiter();
    const second = inMemoryRateLimiter();
    const limit: RateLimit = { name: 'pin', points: 1, durationSeconds: 60 };

    await first.consume([{ limit, key: 'k' }]);

    await expect(second.consume([{ limit, key: 'k' }])).resolves.toBeUndefined();
  });
});

describe('rateLimited', () => {
  it('rounds the wait up to whole seconds', () => {
    expect(rateLimited(1_001, 'x').details).toEqual({ retryAfterSeconds: 2, limit: 'x' });
    expect(rateLimited(60_000, 'x').details?.['retryAfterSeconds']).toBe(60);
  });

  it('never asks to wait less than one second', () => {
    expect(rateLimited(0, 'x').details?.['retryAfterSeconds']).toBe(1);
    expect(rateLimited(-50, 'x').details?.['retryAfterSeconds']).toBe(1);
  });

  it('is a rate-limited DomainError whose message states the wait', () => {
    const error = rateLimited(30_000, 'login-ip');

    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'rate-limited', kind: 'rate-limited' });
    expect(error.message).toContain('30 s');
  });
});
