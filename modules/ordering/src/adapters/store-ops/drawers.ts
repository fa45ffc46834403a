import { drawerIsOpen, type StoreOpsApi } from '@stratum/store-ops/contract';
import type { Drawers } from '../../application/checkout/ports.ts';

/** The checkout's `Drawers` port on store-ops' current drawer session. */
export function storeOpsDrawers(storeOps: Pick<StoreOpsApi, 'currentDrawer'>): Drawers {
  return { isOpen: (ctx, registerId) => drawerIsOpen(storeOps, ctx, registerId) };
}
