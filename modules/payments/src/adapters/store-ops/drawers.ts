import { drawerIsOpen, type StoreOpsApi } from '@stratum/store-ops/contract';
import type { Drawers } from '../../application/ports.ts';

/** Payments' `Drawers` port on store-ops' current drawer session (in process or remote alike). */
export function storeOpsDrawers(storeOps: Pick<StoreOpsApi, 'currentDrawer'>): Drawers {
  return { isOpen: (ctx, registerId) => drawerIsOpen(storeOps, ctx, registerId) };
}
