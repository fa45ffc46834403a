import { DomainError } from '@stratum/platform';
import type { StoreDirectory } from '@stratum/store-ops/contract';
import { raise } from '../../contract.ts';
import type { StorePolicies } from '../../application/ports.ts';

/** Inventory's `StorePolicies` port on store-ops' `StoreDirectory`. */
export function storePoliciesFrom(directory: StoreDirectory): StorePolicies {
  return {
    async get(ctx, storeId) {
      try {
        const store = await directory.getStore(ctx, storeId);
        return { policy: store.oversellPolicy, active: store.status === 'active' };
      } catch (err) {
        // Store-ops' error codes are its own; callers of inventory see inventory's.
        if (err instanceof DomainError && err.code === 'store-not-found') {
          raise('store-not-found', 'No such store.');
        }
        throw err;
      }
    },
  };
}
