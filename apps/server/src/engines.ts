import {
  closeRedis,
  createRedis,
  inMemoryRateLimiter,
  inMemorySessionRevocations,
  inProcessEventBus,
  lruCache,
  natsEventBus,
  observeGauge,
  redisCache,
  redisRateLimiter,
  redisReady,
  redisSessionRevocations,
  type Cache,
  type EventBus,
  type Logger,
  type RateLimiter,
  type SessionRevocations,
} from '@stratum/platform';
import type { ServerConfig } from './config.ts';

/** The shared infrastructure a process runs on: in-process, or Redis and NATS. */
export interface Engines {
  bus: EventBus;
  cache: Cache;
  limiter: RateLimiter;
  revocations: SessionRevocations;
  /** Begins delivering events to subscriptions (after every module subscribed). */
  start(): Promise<void> | void;
  close(): Promise<void>;
}

interface SharedState {
  cache: Cache;
  limiter: RateLimiter;
  revocations: SessionRevocations;
  close(): Promise<void>;
}

/**
 * Cache, rate limits and revocations on Redis (ADR 0017). The API keeps
 * serving while Redis is down, so Redis is not a readiness check: a process
 * that starts without it logs a warning and catches up once it connects.
 */
async function onRedis(url: string, config: ServerConfig, logger: Logger): Promise<SharedState> {
  const log = logger.child({ engine: 'redis' });
  const redis = createRedis(url, { logger: log, name: 'stratum' });
  const subscriber = createRedis(url, { logger: log, name: 'stratum-subscriber' });
  const cache = redisCache({
    redis,
    subscriber,
    prefix: 'stratum:cache:',
    logger: log,
    near: { max: 10_000, ttlMs: config.CACHE_NEAR_TTL_MS },
  });
  const revocations = redisSessionRevocations({
    redis,
    subscriber,
    prefix: 'stratum:revoked:',
    logger: log,
  });
  try {
    await Promise.all(
      [redis, subscriber].map((r) => redisReady(r, config.REDIS_CONNECT_TIMEOUT_MS)),
    );
    await Promise.all([cache.start(), revocations.start()]);
  } catch (err) {
    log.warn({ err }, 'Redis is not reachable: serving from the source until it is');
  }
  return {
    cache,
    limiter: redisRateLimiter({ redis, prefix: 'stratum:rate:', logger: log }),
    revocations,
    async close() {
      await Promise.all([cache.close(), revocations.close()]);
      await Promise.all([closeRedis(redis), closeRedis(subscriber)]);
    },
  };
}

function inProcess(): SharedState {
  return {
    cache: lruCache({ max: 10_000 }),
    limiter: inMemoryRateLimiter(),
    revocations: inMemorySessionRevocations(),
    close: () => Promise.resolve(),
  };
}

/**
 * The event bus: NATS JetStream when NATS_URL is set (ADR 0018), with its
 * consumer lag as a metric; in-process otherwise. NATS is not a readiness
 * check either: while it is down the outbox keeps events and the API serves.
 */
function eventBus(config: ServerConfig, logger: Logger): { bus: EventBus; close: () => void } {
  if (!config.NATS_URL) return { bus: inProcessEventBus(logger), close: () => undefined };
  const bus = natsEventBus({
    servers: config.NATS_URL,
    prefix: config.NATS_PREFIX,
    logger: logger.child({ engine: 'nats' }),
  });
  const stopGauge = observeGauge(
    'stratum_consumer_lag',
    'Messages not yet acknowledged by a durable consumer (pending + in flight)',
    async () =>
      (await bus.lag()).map((l) => ({
        value: l.pending + l.ackPending,
        attributes: { subscription: l.subscription, consumer: l.consumer, stream: l.stream },
      })),
  );
  return { bus, close: stopGauge };
}

/** The engines the configuration names: Redis and NATS when their URLs are set; in-process otherwise. */
export async function createEngines(config: ServerConfig, logger: Logger): Promise<Engines> {
  const shared = config.REDIS_URL ? await onRedis(config.REDIS_URL, config, logger) : inProcess();
  const { bus, close } = eventBus(config, logger);
  return {
    bus,
    ...shared,
    start: () => bus.start?.(),
    close: async () => {
      close();
      await shared.close();
    },
  };
}
