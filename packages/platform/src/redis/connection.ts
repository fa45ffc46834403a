import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import { throttledWarnings } from './warnings.ts';

export type { Redis } from 'ioredis';

export interface RedisConnectionOptions {
  logger: Logger;
  /** Shown by `CLIENT LIST` and on every log line about this connection. */
  name: string;
  /** A command without a reply after this long fails (default 500 ms). */
  commandTimeoutMs?: number;
  /** A connection attempt is abandoned after this long (default 2 s). */
  connectTimeoutMs?: number;
  /** Longest wait between two reconnection attempts (default 2 s). */
  maxReconnectDelayMs?: number;
}

/** Exponential backoff from 50 ms, capped, plus jitter so processes do not reconnect in step. */
export function reconnectDelay(attempt: number, maxMs: number): number {
  return Math.min(maxMs, 50 * 2 ** Math.min(attempt - 1, 16)) + Math.floor(Math.random() * 100);
}

/**
 * An ioredis client that fails fast while Redis is down (ADR 0017): commands
 * issued while it is not connected are rejected at once instead of waiting in
 * an unbounded offline queue, a command without a reply fails after a short
 * timeout, and commands cut off by a dropped connection are not replayed
 * later (a cache write replayed after a reconnect could be stale by then).
 * It keeps reconnecting in the background with capped backoff.
 */
export function createRedis(url: string, options: RedisConnectionOptions): Redis {
  const maxDelay = options.maxReconnectDelayMs ?? 2000;
  const redis = new Redis(url, {
    connectionName: options.name,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 500,
    connectTimeout: options.connectTimeoutMs ?? 2000,
    retryStrategy: (attempt) => reconnectDelay(attempt, maxDelay),
  });
  reportConnectionState(redis, options.logger.child({ redis: options.name }));
  return redis;
}

/** One line when the connection goes down or comes back; errors in between are throttled. */
function reportConnectionState(redis: Redis, logger: Logger): void {
  const warn = throttledWarnings(logger);
  let down = false;
  redis.on('ready', () => {
    if (down) logger.info('redis connection restored');
    down = false;
  });
  redis.on('close', () => {
    if (!down && redis.status !== 'end') logger.warn('redis connection lost; reconnecting');
    down = true;
  });
  // Without a listener ioredis prints every failed reconnection to stderr.
  redis.on('error', (err: Error) => warn('redis connection error', err));
}

/**
 * Resolves once the client is ready for commands. Clients start connecting
 * when created but reject commands until then, so a process that wants a warm
 * start awaits this (and may go on without Redis if it rejects).
 */
export function redisReady(redis: Redis, timeoutMs = 5000): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('end', onEnd);
      if (err) reject(err);
      else resolve();
    };
    const onReady = () => done();
    const onEnd = () => done(new Error('the redis connection was closed'));
    const timer = setTimeout(
      () => done(new Error(`redis not ready within ${timeoutMs} ms`)),
      timeoutMs,
    );
    redis.on('ready', onReady);
    redis.on('end', onEnd);
  });
}

/** Closes politely (QUIT) when connected, and at once otherwise; never throws. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  await redis.quit().catch(() => redis.disconnect());
}
