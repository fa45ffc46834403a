import { fileURLToPath } from 'node:url';
import type { Cache, ModuleDeps, ModuleInstance, ModuleManifest } from '@stratum/platform';
import { storeOpsPermissions, type StoreOpsApi } from './contract.ts';
import { defaultSettings, type StoreOpsDeps, type StoreOpsSettings } from './application/deps.ts';
import type { Clock } from './application/ports.ts';
import {
  archiveStore,
  createStore,
  getStore,
  listStores,
  updateStore,
} from './application/stores.ts';
import {
  createRegister,
  deactivateRegister,
  getRegister,
  listRegisters,
  updateRegister,
} from './application/registers.ts';
import {
  createSection,
  createTable,
  getTable,
  listSections,
  listTables,
  removeSection,
  updateSection,
  updateTable,
} from './application/floor-plan.ts';
import {
  cashIn,
  cashOut,
  currentDrawer,
  getDrawerSession,
  listDrawerMovements,
  listDrawerSessions,
  openDrawer,
  recordDrawerMovement,
} from './application/drawer-sessions.ts';
import { closeDrawer, getZReport, xReport } from './application/drawer-reports.ts';
import { allocateReceiptNumber } from './application/receipts.ts';
import { listAudit } from './application/audit.ts';
import { pgStoreOpsStore } from './adapters/postgres/store.ts';
import { outbox } from './adapters/postgres/schema.ts';
import { storeOpsRoutes } from './adapters/http/routes.ts';
import { identitySubscriptions } from './adapters/identity/subscriptions.ts';
import { orderingSubscriptions } from './adapters/ordering/subscriptions.ts';

export type { StoreOpsSettings } from './application/deps.ts';

export const storeOpsManifest: ModuleManifest = {
  name: 'store-ops',
  migrations: {
    module: 'store-ops',
    schema: 'store_ops',
    folder: fileURLToPath(new URL('./adapters/postgres/migrations', import.meta.url)),
  },
  permissions: storeOpsPermissions,
};

export interface StoreOpsModuleDeps extends ModuleDeps {
  /** Where store lookups are cached (in-memory LRU now, a shared store later). */
  cache: Cache;
  settings?: Partial<StoreOpsSettings>;
  clock?: Clock;
}

export interface StoreOpsModule extends ModuleInstance {
  /** The whole API; its `getStore` is the `StoreDirectory` other modules take. */
  readonly api: StoreOpsApi;
}

export function createStoreOpsModule(deps: StoreOpsModuleDeps): StoreOpsModule {
  const settings = { ...defaultSettings, ...deps.settings };
  // A TTL of 0 means "never expires" to an LRU cache: refuse it rather than lose the backstop.
  if (!Number.isInteger(settings.storeCacheTtlMs) || settings.storeCacheTtlMs <= 0) {
    throw new Error(`storeCacheTtlMs must be a positive integer, not ${settings.storeCacheTtlMs}`);
  }
  const d: StoreOpsDeps = {
    store: pgStoreOpsStore(deps.database, deps.wakeRelay),
    clock: deps.clock ?? { now: () => new Date() },
    cache: deps.cache,
    logger: deps.logger,
    settings,
  };
  const api: StoreOpsApi = {
    createStore: createStore(d),
    getStore: getStore(d),
    listStores: listStores(d),
    updateStore: updateStore(d),
    archiveStore: archiveStore(d),
    createRegister: createRegister(d),
    getRegister: getRegister(d),
    getTable: getTable(d),
    listRegisters: listRegisters(d),
    updateRegister: updateRegister(d),
    deactivateRegister: deactivateRegister(d),
    createSection: createSection(d),
    listSections: listSections(d),
    updateSection: updateSection(d),
    removeSection: removeSection(d),
    createTable: createTable(d),
    listTables: listTables(d),
    updateTable: updateTable(d),
    openDrawer: openDrawer(d),
    currentDrawer: currentDrawer(d),
    getDrawerSession: getDrawerSession(d),
    listDrawerSessions: listDrawerSessions(d),
    cashIn: cashIn(d),
    cashOut: cashOut(d),
    recordDrawerMovement: recordDrawerMovement(d),
    listDrawerMovements: listDrawerMovements(d),
    xReport: xReport(d),
    closeDrawer: closeDrawer(d),
    getZReport: getZReport(d),
    allocateReceiptNumber: allocateReceiptNumber(d),
    listAudit: listAudit(d),
  };
  return {
    name: 'store-ops',
    api,
    outbox,
    subscriptions: [
      ...orderingSubscriptions(deps.database, deps.wakeRelay, deps.logger),
      ...identitySubscriptions(deps.database, deps.wakeRelay),
    ],
    registerRoutes: storeOpsRoutes(api),
  };
}
