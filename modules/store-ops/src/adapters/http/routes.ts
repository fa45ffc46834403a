import type { StratumApp } from '@stratum/platform';
import type { StoreOpsApi } from '../../contract.ts';
import { auditRoutes } from './audit-routes.ts';
import { drawerRoutes } from './drawer-routes.ts';
import { registerRoutes } from './register-routes.ts';
import { storeRoutes } from './store-routes.ts';

/** HTTP binding of the store-ops API under /api/v1/store-ops. */
export function storeOpsRoutes(api: StoreOpsApi) {
  return (app: StratumApp) => {
    storeRoutes(app, api);
    registerRoutes(app, api);
    drawerRoutes(app, api);
    auditRoutes(app, api);
  };
}
