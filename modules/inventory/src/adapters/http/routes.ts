import type { StratumApp } from '@stratum/platform';
import type { InventoryApi } from '../../contract.ts';
import { salesRoutes } from './sales-routes.ts';
import { stockRoutes } from './stock-routes.ts';
import { transferRoutes } from './transfer-routes.ts';
import { auditRoutes } from './audit-routes.ts';

/** HTTP binding of the inventory API under /api/v1/inventory. */
export function inventoryRoutes(api: InventoryApi) {
  return (app: StratumApp) => {
    stockRoutes(app, api);
    salesRoutes(app, api);
    transferRoutes(app, api);
    auditRoutes(app, api);
  };
}
