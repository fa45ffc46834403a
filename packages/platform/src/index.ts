export * from './config.ts';
export * from './context.ts';
export * from './errors.ts';
export * from './ids.ts';
export * from './logger.ts';
export * from './lifecycle.ts';
export * from './periodic-worker.ts';
export * from './module.ts';
export * from './db/types.ts';
export * from './db/database.ts';
export * from './db/tables.ts';
export { applyMigrations, ensureAppRole } from './db/migrate.ts';
export * from './http/access.ts';
export * from './http/app.ts';
export * from './http/fast-lane.ts';
export * from './http/health.ts';
export * from './http/idempotency-key.ts';
export * from './http/problem.ts';
export * from './messaging/envelope.ts';
export * from './messaging/bus.ts';
export * from './messaging/in-process-bus.ts';
export { natsEventBus, type NatsEventBus, type NatsEventBusOptions } from './messaging/nats-bus.ts';
export {
  deadLetters,
  type DeadLetter,
  type DeadLetters,
  type DeadLettersOptions,
} from './messaging/dead-letters.ts';
export * from './messaging/outbox.ts';
export * from './messaging/inbox.ts';
export * from './messaging/relay.ts';
export * from './auth/passwords.ts';
export * from './auth/tokens.ts';
export * from './auth/rate-limit.ts';
export * from './cache.ts';
export * from './audit.ts';
export * from './pagination.ts';
export * from './db/errors.ts';
export * from './resilience/index.ts';
export * from './remote/index.ts';
export * from './redis/index.ts';
export * from './telemetry/index.ts';
export * from './db/together.ts';
export * from './db/compiled.ts';
export * from './db/repository.ts';
