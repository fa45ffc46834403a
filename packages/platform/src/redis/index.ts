export * from './connection.ts';
export * from './redis-cache.ts';
export * from './redis-rate-limit.ts';
export * from './redis-revocations.ts';
export type { NearCacheOptions } from './near-cache.ts';
