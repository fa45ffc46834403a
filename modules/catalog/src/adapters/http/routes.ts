import type { StratumApp } from '@stratum/platform';
import type { CatalogApi } from '../../contract.ts';
import { categoryRoutes } from './category-routes.ts';
import { itemRoutes } from './item-routes.ts';
import { menuRoutes, type CachedMenu } from './menu-routes.ts';
import { modifierRoutes } from './modifier-routes.ts';
import { storeRoutes } from './store-routes.ts';

/** HTTP binding of the catalog API under /api/v1/catalog. */
export function catalogRoutes(api: CatalogApi, cachedMenu: CachedMenu) {
  const parts = [
    menuRoutes(api, cachedMenu),
    categoryRoutes(api),
    itemRoutes(api),
    modifierRoutes(api),
    storeRoutes(api),
  ];
  return (app: StratumApp) => {
    for (const register of parts) register(app);
  };
}
