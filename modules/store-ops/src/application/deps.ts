import type { CallContext } from '@stratum/platform';
import { raise } from '../contract.ts';
import { mayActInStore } from '../domain/access.ts';
import type { Clock, StoreOpsStore } from './ports.ts';

export interface StoreOpsDeps {
  store: StoreOpsStore;
  clock: Clock;
}

/** Rejects a caller whose session is scoped to other stores. */
export function assertStoreAccess(ctx: CallContext, storeId: string): void {
  if (!mayActInStore(ctx.actor, storeId)) {
    raise('store-not-allowed', 'This session may not act in that store.');
  }
}
