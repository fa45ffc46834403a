import { DomainError } from '@stratum/platform';
import type { StoreOpsApi } from '@stratum/store-ops/contract';
import type { Tables } from '../../application/ports.ts';

/**
 * Ordering's `Tables` port on store-ops' `getTable`. Tables are renamed and
 * (de)activated, so nothing is kept: only a dine-in order opened at a
 * floor-plan table asks.
 */
export function storeOpsTables(storeOps: Pick<StoreOpsApi, 'getTable'>): Tables {
  return {
    async find(ctx, tableId) {
      try {
        const { storeId, name, active } = await storeOps.getTable(ctx, tableId);
        return { storeId, name, active };
      } catch (err) {
        if (err instanceof DomainError && err.code === 'table-not-found') return undefined;
        throw err;
      }
    },
  };
}
