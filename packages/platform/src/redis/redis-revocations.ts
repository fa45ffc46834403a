import type { Redis } from 'ioredis';
import type { SessionRevocations } from '../auth/tokens.ts';
import { DomainError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { globEscape, luaScript } from './scripts.ts';
import { channelSubscription } from './subscription.ts';
import { throttledWarnings } from './warnings.ts';

export interface RedisSessionRevocationsOptions {
  redis: Redis;
  /** A connection of its own for the channel; after it drops, the mirror is loaded again. */
  subscriber: Redis;
  /** Put before every key and the channel, e.g. `stratum:revocations:`. */
  prefix: string;
  logger: Logger;
  now?: () => number;
  /** How often revocations past their time are dropped from memory (60 s). */
  sweepIntervalMs?: number;
}

/** Session revocations shared through Redis, answered from an in-process mirror. */
export interface RedisSessionRevocations extends SessionRevocations {
  /** Subscribes, then loads every live revocation; rejects if Redis cannot be reached. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Keeps the later of two revocations of one session, like the in-memory store. */
const REVOKE = `
local current = tonumber(redis.call('get', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then
  redis.call('set', KEYS[1], ARGV[1], 'PXAT', ARGV[1])
end
redis.call('publish', ARGV[2], ARGV[1] .. ' ' .. ARGV[3])
return 1`;

/**
 * Revocations every process sees (ADR 0017). `revoke` writes one key per
 * session that expires when the revocation does, and publishes it; every
 * process mirrors the live keys in memory (loaded with SCAN at start and after
 * each reconnect, kept current from the channel), so `isRevoked` stays
 * synchronous on the request path. While Redis is down the mirror keeps
 * answering, and `revoke` fails with `revocation-unavailable` (after
 * recording the revocation in this process) so a logout is never lost silently.
 */
export function redisSessionRevocations(
  options: RedisSessionRevocationsOptions,
): RedisSessionRevocations {
  const { redis, prefix } = options;
  const now = options.now ?? Date.now;
  const warn = throttledWarnings(options.logger.child({ revocations: prefix }));
  const channel = `${prefix}revoked`;
  const keyPrefix = `${prefix}session:`;
  const mirror = new Map<string, number>();
  const revokeScript = luaScript<number>(redis, 'stratumRevokeSession', 1, REVOKE);
  let reloadNeeded = true;
  let sweeper: NodeJS.Timeout | undefined;

  const remember = (sessionId: string, until: number) => {
    if (Number.isFinite(until) && until > now())
      mirror.set(sessionId, Math.max(until, mirror.get(sessionId) ?? 0));
  };
  const sweep = () => {
    const at = now();
    for (const [sessionId, until] of mirror) if (until <= at) mirror.delete(sessionId);
  };

  async function reload(): Promise<void> {
    reloadNeeded = true;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(
        cursor,
        'MATCH',
        `${globEscape(keyPrefix)}*`,
        'COUNT',
        1000,
      );
      cursor = next;
      if (keys.length === 0) continue;
      const values = await redis.mget(keys);
      keys.forEach((key, i) => remember(key.slice(keyPrefix.length), Number(values[i])));
    } while (cursor !== '0');
    sweep();
    reloadNeeded = false;
  }

  const subscription = channelSubscription(
    options.subscriber,
    channel,
    {
      message: (text) => {
        const space = text.indexOf(' ');
        remember(text.slice(space + 1), Number(text.slice(0, space)));
      },
      // Subscribed first, loaded second: a revocation published in between is in one or the other.
      up: reload,
      down: () => {
        reloadNeeded = true;
      },
    },
    warn,
  );
  // The subscriber may come back before the command connection does; reload once both are up.
  const onRedisReady = () => {
    if (reloadNeeded && options.subscriber.status === 'ready')
      reload().catch((err: unknown) => warn('could not reload session revocations', err));
  };

  return {
    async revoke(sessionId, untilEpochMs) {
      remember(sessionId, untilEpochMs);
      try {
        await revokeScript(`${keyPrefix}${sessionId}`, Math.ceil(untilEpochMs), channel, sessionId);
      } catch (err) {
        options.logger.error(
          { err, sessionId },
          'session revocation not shared: redis unreachable',
        );
        throw new DomainError(
          'revocation-unavailable',
          'The session was not ended everywhere; try again.',
          'unavailable',
        );
      }
    },
    isRevoked(sessionId) {
      const until = mirror.get(sessionId);
      if (until === undefined) return false;
      if (until > now()) return true;
      mirror.delete(sessionId);
      return false;
    },
    async start() {
      redis.off('ready', onRedisReady).on('ready', onRedisReady);
      sweeper ??= setInterval(sweep, options.sweepIntervalMs ?? 60_000).unref();
      await subscription.start();
    },
    async close() {
      redis.off('ready', onRedisReady);
      clearInterval(sweeper);
      sweeper = undefined;
      await subscription.stop();
    },
  };
}
