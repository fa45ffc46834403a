import { DomainError, type CallContext } from '@stratum/platform';
import type { StoreOpsApi } from '@stratum/store-ops/contract';
import type { CatalogApi, MenuDocument } from '@stratum/catalog/contract';
import type { OrderingApi } from '@stratum/ordering/contract';
import type { InventoryApi } from '@stratum/inventory/contract';
import { newestFirst, openOrderStatuses, type BffCall, type BffSources } from './sources.ts';

/** The parts of each module's API the BFF reads. */
export interface BffModules {
  storeOps: Pick<StoreOpsApi, 'getStore' | 'getRegister' | 'currentDrawer'>;
  catalog: Pick<CatalogApi, 'menu'>;
  ordering: Pick<OrderingApi, 'listOrders' | 'salesSummary'>;
  inventory: Pick<InventoryApi, 'listLevels'>;
}

const contextOf = (call: BffCall): CallContext => ({ tenantId: call.tenantId, actor: call.actor });

const isDrawerClosed = (error: unknown) =>
  error instanceof DomainError && error.code === 'drawer-not-open';

/**
 * The BFF's sources over the module APIs in this process (the embedded
 * server). The modules apply tenancy and store scope; the BFF routes check
 * permissions, as the modules' own HTTP routes would.
 */
export function inProcessBffSources(modules: BffModules): BffSources {
  const { storeOps, catalog, ordering, inventory } = modules;
  return {
    getStore: (call, storeId) => storeOps.getStore(contextOf(call), storeId),
    getRegister: (call, registerId) => storeOps.getRegister(contextOf(call), registerId),
    async currentDrawer(call, registerId) {
      try {
        return await storeOps.currentDrawer(contextOf(call), registerId);
      } catch (error) {
        if (isDrawerClosed(error)) return null;
        throw error;
      }
    },
    async menu(call, storeId) {
      // The catalog serves the menu as cached bytes (ADR 0010); the BFF nests it in its answer.
      const serialized = await catalog.menu(contextOf(call), storeId);
      return JSON.parse(serialized.json) as MenuDocument;
    },
    async openOrders(call, { registerId, limit }) {
      const pages = await Promise.all(
        openOrderStatuses.map((status) =>
          ordering.listOrders(contextOf(call), { registerId, status, limit }),
        ),
      );
      return pages
        .flatMap((p) => p.items)
        .sort(newestFirst)
        .slice(0, limit);
    },
    salesSummary: (call, query) => ordering.salesSummary(contextOf(call), query),
    async lowStock(call, { storeId, limit }) {
      const page = await inventory.listLevels(contextOf(call), {
        storeId,
        lowStock: true,
        limit,
        sort: 'onHand',
      });
      return page.items;
    },
  };
}
