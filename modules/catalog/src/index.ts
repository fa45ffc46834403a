import { fileURLToPath } from 'node:url';
import type { Cache, ModuleDeps, ModuleInstance, ModuleManifest } from '@stratum/platform';
import type { StoreDirectory } from '@stratum/store-ops/contract';
import { catalogPermissions, type CatalogApi } from './contract.ts';
import { defaultSettings, type CatalogDeps, type CatalogSettings } from './application/deps.ts';
import type { Clock } from './application/ports.ts';
import { setAvailability, listUnavailable } from './application/availability.ts';
import {
  createCategory,
  deleteCategory,
  listCategories,
  reorderCategories,
  updateCategory,
} from './application/categories.ts';
import { setItemModifierGroups, setItemTaxRates } from './application/item-links.ts';
import {
  archiveItem,
  createItem,
  getItem,
  listItems,
  lookup,
  updateItem,
} from './application/items.ts';
import { cachedMenu, invalidatingWrites, menuInvalidation, readMenu } from './application/menu.ts';
import {
  addModifierOption,
  changeModifierOptionPrice,
  createModifierGroup,
  getModifierGroup,
  listModifierGroups,
  removeModifierOption,
  renameModifierOption,
  updateModifierGroup,
} from './application/modifier-groups.ts';
import { quoteLine } from './application/quote.ts';
import { listStorePrices, removeStorePrice, setStorePrice } from './application/store-prices.ts';
import {
  createTaxRate,
  deleteTaxRate,
  listTaxRates,
  updateTaxRate,
} from './application/tax-rates.ts';
import {
  addVariant,
  changeBasePrice,
  priceHistory,
  updateVariant,
} from './application/variants.ts';
import { menuCacheSubscription } from './adapters/bus/menu-cache.ts';
import { catalogRoutes } from './adapters/http/routes.ts';
import { pgMenuSource } from './adapters/postgres/menu-source.ts';
import { outbox } from './adapters/postgres/schema.ts';
import { pgCatalogStore } from './adapters/postgres/store.ts';
import { storeUpdatedSubscription } from './adapters/store-ops/store-events.ts';
import { storeOpsStores } from './adapters/store-ops/stores.ts';

export type { CatalogSettings } from './application/deps.ts';

export const catalogManifest: ModuleManifest = {
  name: 'catalog',
  migrations: {
    module: 'catalog',
    schema: 'catalog',
    folder: fileURLToPath(new URL('./adapters/postgres/migrations', import.meta.url)),
  },
  permissions: catalogPermissions,
};

export interface CatalogModuleDeps extends ModuleDeps {
  /** The read cache of the POS menu (in-memory LRU now, Redis later). */
  cache: Cache;
  /** store-ops' API (in process) or its remote client: time zones, currencies, tax mode. */
  storeDirectory: StoreDirectory;
  settings?: Partial<CatalogSettings>;
  clock?: Clock;
}

export interface CatalogModule extends ModuleInstance {
  readonly api: CatalogApi;
}

export function createCatalogModule(deps: CatalogModuleDeps): CatalogModule {
  const d: CatalogDeps = {
    store: invalidatingWrites(
      pgCatalogStore(deps.database, deps.wakeRelay),
      deps.cache,
      deps.logger,
    ),
    menus: pgMenuSource(deps.database),
    stores: storeOpsStores(deps.storeDirectory),
    cache: deps.cache,
    clock: deps.clock ?? { now: () => new Date() },
    settings: { ...defaultSettings, ...deps.settings },
  };
  const api: CatalogApi = {
    listCategories: listCategories(d),
    createCategory: createCategory(d),
    updateCategory: updateCategory(d),
    reorderCategories: reorderCategories(d),
    deleteCategory: deleteCategory(d),
    listItems: listItems(d),
    getItem: getItem(d),
    lookup: lookup(d),
    createItem: createItem(d),
    updateItem: updateItem(d),
    archiveItem: archiveItem(d),
    setItemModifierGroups: setItemModifierGroups(d),
    setItemTaxRates: setItemTaxRates(d),
    addVariant: addVariant(d),
    updateVariant: updateVariant(d),
    changeBasePrice: changeBasePrice(d),
    priceHistory: priceHistory(d),
    listModifierGroups: listModifierGroups(d),
    getModifierGroup: getModifierGroup(d),
    createModifierGroup: createModifierGroup(d),
    updateModifierGroup: updateModifierGroup(d),
    addModifierOption: addModifierOption(d),
    renameModifierOption: renameModifierOption(d),
    changeModifierOptionPrice: changeModifierOptionPrice(d),
    removeModifierOption: removeModifierOption(d),
    listTaxRates: listTaxRates(d),
    createTaxRate: createTaxRate(d),
    updateTaxRate: updateTaxRate(d),
    deleteTaxRate: deleteTaxRate(d),
    listStorePrices: listStorePrices(d),
    setStorePrice: setStorePrice(d),
    removeStorePrice: removeStorePrice(d),
    setAvailability: setAvailability(d),
    listUnavailable: listUnavailable(d),
    menu: readMenu(d),
    quoteLine: quoteLine(d),
  };
  const invalidate = menuInvalidation(d);
  return {
    name: 'catalog',
    api,
    outbox,
    subscriptions: [
      menuCacheSubscription(invalidate.catalogChanged),
      storeUpdatedSubscription(invalidate.storeChanged),
    ],
    registerRoutes: catalogRoutes(api, cachedMenu(d)),
  };
}
