import { fileURLToPath } from 'node:url';
import type { ModuleDeps, ModuleInstance, ModuleManifest } from '@stratum/platform';
import type { StoreDirectory } from '@stratum/store-ops/contract';
import { inventoryPermissions, type InventoryApi } from './contract.ts';
import type { Clock, InventoryDeps, StorePolicies } from './application/ports.ts';
import { getStockItem, listStockItems } from './application/registry.ts';
import { checkConsistency, getLevel, listLevels, setThreshold } from './application/levels.ts';
import { listMovements, recordMovements } from './application/movements.ts';
import { getCount, recordCount } from './application/counts.ts';
import { confirmReservation, getReservation, reserve } from './application/reservations.ts';
import {
  releaseReservation,
  sweepAllTenants,
  sweepExpiredReservations,
} from './application/release.ts';
import { deleteRecipe, getRecipe, listRecipes, setRecipe } from './application/recipes.ts';
import {
  dispatchTransfer,
  getTransfer,
  listTransfers,
  receiveTransfer,
} from './application/transfers.ts';
import { intervalSweeper } from './application/sweeper.ts';
import { listAudit } from './application/audit.ts';
import { pgInventoryStore } from './adapters/postgres/store.ts';
import { outbox } from './adapters/postgres/schema.ts';
import { inventoryRoutes } from './adapters/http/routes.ts';
import { catalogSubscriptions } from './adapters/catalog/subscriptions.ts';
import { storePoliciesFrom } from './adapters/store-ops/store-policies.ts';

export type { StorePolicies, StoreInfo, Clock } from './application/ports.ts';

export const inventoryManifest: ModuleManifest = {
  name: 'inventory',
  migrations: {
    module: 'inventory',
    schema: 'inventory',
    folder: fileURLToPath(new URL('./adapters/postgres/migrations', import.meta.url)),
  },
  permissions: inventoryPermissions,
};

export interface InventoryOptions {
  clock?: Clock;
  /** How often lapsed reservations are expired once the module is started (ms). */
  sweepIntervalMs?: number;
}

export interface InventoryModule extends ModuleInstance {
  readonly api: InventoryApi;
  /** Expires lapsed reservations of every tenant now; returns how many. */
  sweepNow(): Promise<number>;
}

export interface InventoryModuleDeps extends ModuleDeps, InventoryOptions {
  /** Store-ops' directory, for each store's oversell policy. */
  storeDirectory: StoreDirectory;
}

export function createInventoryModule(deps: InventoryModuleDeps): InventoryModule {
  return buildInventoryModule({ ...deps, stores: storePoliciesFrom(deps.storeDirectory) });
}

/** The module over any `StorePolicies` (tests pass an in-memory one). */
export function buildInventoryModule(
  deps: ModuleDeps & InventoryOptions & { stores: StorePolicies },
): InventoryModule {
  const d: InventoryDeps = {
    store: pgInventoryStore(deps.database, deps.wakeRelay),
    stores: deps.stores,
    clock: deps.clock ?? { now: () => new Date() },
  };
  const api: InventoryApi = {
    listStockItems: listStockItems(d),
    getStockItem: getStockItem(d),
    listLevels: listLevels(d),
    getLevel: getLevel(d),
    setThreshold: setThreshold(d),
    recordMovements: recordMovements(d),
    listMovements: listMovements(d),
    recordCount: recordCount(d),
    getCount: getCount(d),
    reserve: reserve(d),
    confirmReservation: confirmReservation(d),
    releaseReservation: releaseReservation(d),
    getReservation: getReservation(d),
    sweepExpiredReservations: sweepExpiredReservations(d),
    listRecipes: listRecipes(d),
    getRecipe: getRecipe(d),
    setRecipe: setRecipe(d),
    deleteRecipe: deleteRecipe(d),
    dispatchTransfer: dispatchTransfer(d),
    receiveTransfer: receiveTransfer(d),
    getTransfer: getTransfer(d),
    listTransfers: listTransfers(d),
    checkConsistency: checkConsistency(d),
    listAudit: listAudit(d),
  };
  const sweepNow = () => sweepAllTenants(d);
  const sweeper = intervalSweeper(sweepNow, deps.sweepIntervalMs ?? 1000, deps.logger);
  return {
    name: 'inventory',
    api,
    outbox,
    subscriptions: catalogSubscriptions(deps.database, deps.wakeRelay),
    registerRoutes: inventoryRoutes(api),
    sweepNow,
    start: () => sweeper.start(),
    stop: () => sweeper.stop(),
  };
}
