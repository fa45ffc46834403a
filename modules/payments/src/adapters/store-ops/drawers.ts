import { DomainError } from '@stratum/platform';
import type { StoreOpsApi } from '@stratum/store-ops/contract';
import type { Drawers } from '../../application/ports.ts';

/** Payments' `Drawers` port on store-ops' current drawer session (in process or remote alike). */
export function storeOpsDrawers(storeOps: Pick<StoreOpsApi, 'currentDrawer'>): Drawers {
  return {
    async isOpen(ctx, registerId) {
      try {
        await storeOps.currentDrawer(ctx, registerId);
        return true;
      } catch (err) {
        if (err instanceof DomainError && err.code === 'drawer-not-open') return false;
        throw err;
      }
    },
  };
}
