import type { Cache, CallContext, Logger } from '@stratum/platform';
import { raise } from '../contract.ts';
import { mayActInStore } from '../domain/access.ts';
import type { Clock, StoreOpsStore } from './ports.ts';

export interface StoreOpsSettings {
  /**
   * How long a looked-up store stays cached. Store-ops' own writes drop the
   * entry on commit; this bounds how stale it can be after a write made by
   * another process.
   */
  storeCacheTtlMs: number;
}

export const defaultSettings: StoreOpsSettings = { storeCacheTtlMs: 60_000 };

export interface StoreOpsDeps {
  store: StoreOpsStore;
  clock: Clock;
  /** Holds stores between `getStore` calls: other modules look one up on almost every write. */
  cache: Cache;
  logger: Logger;
  settings: StoreOpsSettings;
}

/** Rejects a caller whose session is scoped to other stores. */
export function assertStoreAccess(ctx: CallContext, storeId: string): void {
  if (!mayActInStore(ctx.actor, storeId)) {
    raise('store-not-allowed', 'This session may not act in that store.');
  }
}
