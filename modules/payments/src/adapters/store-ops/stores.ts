import { DomainError } from '@stratum/platform';
import type { StoreDirectory } from '@stratum/store-ops/contract';
import { raise } from '../../contract.ts';
import type { Stores } from '../../application/ports.ts';

/** Payments' `Stores` port on store-ops' `StoreDirectory` (in process or remote alike). */
export function storeOpsStores(directory: StoreDirectory): Stores {
  return {
    async get(ctx, storeId) {
      try {
        const store = await directory.getStore(ctx, storeId);
        return { id: store.id, active: store.status === 'active' };
      } catch (err) {
        if (err instanceof DomainError && err.code === 'store-not-found') {
          raise('store-not-found', 'No such store.');
        }
        throw err;
      }
    },
  };
}
