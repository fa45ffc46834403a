import { redisUrl } from '@stratum/testing';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { describeSessionRevocationsContract } from '../auth/revocations.contract.ts';
import { createLogger } from '../logger.ts';
import {
  redisSessionRevocations,
  type RedisSessionRevocations,
  type RedisSessionRevocationsOptions,
} from './redis-revocations.ts';
import { redisTestKit } from './test-kit.ts';

const url = redisUrl();
const logger = createLogger({ level: 'silent' });
const poll = { timeout: 5_000, interval: 10 };
const inAMinute = () => Date.now() + 60_000;

describe.runIf(url)('redisSessionRevocations against Redis', () => {
  const kit = redisTestKit(url ?? '', logger);
  const stores: RedisSessionRevocations[] = [];
  let redis: Redis;
  let subscriber: Redis;

  function store(overrides: Partial<RedisSessionRevocationsOptions> = {}) {
    const revocations = redisSessionRevocations({
      redis,
      subscriber,
      prefix: kit.subPrefix(),
      logger,
      ...overrides,
    });
    stores.push(revocations);
    return revocations;
  }

  async function started(overrides: Partial<RedisSessionRevocationsOptions> = {}) {
    const revocations = store(overrides);
    await revocations.start();
    return revocations;
  }

  /** A process of its own: its own connections, the shared key space. */
  async function processOn(prefix: string, name: string) {
    const sub = await kit.connect(`${name}-sub`);
    const own = await kit.connect(name);
    const revocations = await started({ redis: own, subscriber: sub, prefix });
    return { revocations, sub, redis: own };
  }

  beforeAll(async () => {
    redis = await kit.connect('revocations');
    subscriber = await kit.connect('revocations-sub');
  });

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });

  afterAll(() => kit.cleanUp());

  describeSessionRevocationsContract('redisSessionRevocations', () => started(), {
    answersSynchronously: true,
  });

  it('shares a revocation with every other process', async () => {
    const prefix = kit.subPrefix();
    const a = await processOn(prefix, 'a');
    const b = await processOn(prefix, 'b');

    await a.revocations.revoke('s-1', inAMinute());

    await vi.waitFor(() => expect(b.revocations.isRevoked('s-1')).toBe(true), poll);
    expect(b.revocations.isRevoked('s-2')).toBe(false);
  });

  it('loads the revocations made before it started', async () => {
    const prefix = kit.subPrefix();
    const a = await processOn(prefix, 'early');
    await a.revocations.revoke('s-1', inAMinute());
    await a.revocations.revoke('gone', Date.now() - 1);

    const late = await processOn(prefix, 'late');

    expect(late.revocations.isRevoked('s-1')).toBe(true);
    expect(late.revocations.isRevoked('gone')).toBe(false);
  });

  it('catches up on revocations it missed while its subscriber was disconnected', async () => {
    const prefix = kit.subPrefix();
    const a = await processOn(prefix, 'writer');
    const b = await processOn(prefix, 'reader');
    b.sub.disconnect();
    await vi.waitFor(() => expect(b.sub.status).toBe('end'), poll);

    await a.revocations.revoke('missed', inAMinute());
    await b.sub.connect();

    await vi.waitFor(() => expect(b.revocations.isRevoked('missed')).toBe(true), poll);
  });

  it('lets the key expire in Redis when the revocation does', async () => {
    const prefix = kit.subPrefix();
    const revocations = await started({ prefix });

    await revocations.revoke('short', Date.now() + 50);

    await vi.waitFor(async () => expect(await redis.keys(`${prefix}*`)).toEqual([]), poll);
  });

  describe('with Redis unreachable', () => {
    it('keeps answering from memory, and fails a revocation it cannot share', async () => {
      const prefix = kit.subPrefix();
      const a = await processOn(prefix, 'cut-off');
      await a.revocations.revoke('before', inAMinute());

      a.redis.disconnect();
      a.sub.disconnect();

      await expect(a.revocations.revoke('during', inAMinute())).rejects.toMatchObject({
        code: 'revocation-unavailable',
        kind: 'unavailable',
      });
      expect(a.revocations.isRevoked('before')).toBe(true);
      expect(a.revocations.isRevoked('during')).toBe(true);
      expect(a.revocations.isRevoked('never')).toBe(false);
    });

    it('refuses to start, since it could not load the revocations', async () => {
      const revocations = store({
        redis: kit.unreachable('rev-down'),
        subscriber: kit.unreachable('rev-down-sub'),
      });

      await expect(revocations.start()).rejects.toThrow();
      expect(revocations.isRevoked('anything')).toBe(false);
    });
  });
});
