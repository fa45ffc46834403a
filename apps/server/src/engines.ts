import {
  inMemoryRateLimiter,
  inMemorySessionRevocations,
  inProcessEventBus,
  lruCache,
  type Cache,
  type EventBus,
  type Logger,
  type RateLimiter,
  type SessionRevocations,
} from '@stratum/platform';
import type { ServerConfig } from './config.ts';

/** The shared infrastructure a process runs on: in-process or on Redis and NATS. */
export interface Engines {
  bus: EventBus;
  cache: Cache;
  limiter: RateLimiter;
  revocations: SessionRevocations;
  /** Readiness checks of the engines in use. */
  checks: Record<string, () => Promise<void>>;
  /** Begins delivering events to subscriptions (after every module subscribed). */
  start(): Promise<void> | void;
  close(): Promise<void>;
}

/** In-process engines: the embedded shape and single-process deployments without Redis or NATS. */
export function createEngines(_config: ServerConfig, logger: Logger): Promise<Engines> | Engines {
  return {
    bus: inProcessEventBus(logger),
    cache: lruCache({ max: 10_000 }),
    limiter: inMemoryRateLimiter(),
    revocations: inMemorySessionRevocations(),
    checks: {},
    start: () => undefined,
    close: () => Promise.resolve(),
  };
}
