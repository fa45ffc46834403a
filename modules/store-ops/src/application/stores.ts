import { newId, type CallContext } from '@stratum/platform';
import { raise, storeOpsEvents, type StoreOpsApi, type StoreView } from '../contract.ts';
import { assertStoreAccess, type StoreOpsDeps } from './deps.ts';
import type { RowLock, StoreOpsRepository } from './ports.ts';

/**
 * The cache key of a store. It carries the tenant, so a lookup never reaches
 * another tenant's entry; each part is encoded so no pair of ids can collide.
 */
export const storeCacheKey = (tenantId: string, storeId: string) =>
  `store-ops:store:${encodeURIComponent(tenantId)}:${encodeURIComponent(storeId)}`;

/** Cached views are shared by every caller: frozen, so none can change another's copy. */
const frozen = (store: StoreView): StoreView =>
  Object.freeze({ ...store, address: store.address && Object.freeze({ ...store.address }) });

/**
 * Drops the cached store once `repo`'s transaction commits, so the very next
 * lookup reads the change (and a load already under way is not kept: see
 * `Cache.getOrLoad`). A failed delete leaves the entry to its TTL.
 */
function forgetStoreOnCommit(
  deps: StoreOpsDeps,
  repo: StoreOpsRepository,
  tenantId: string,
  storeId: string,
): void {
  const key = storeCacheKey(tenantId, storeId);
  repo.afterCommit(() => {
    deps.cache.delete(key).catch((err: unknown) => {
      deps.logger.warn({ err, key }, 'could not drop a cached store; it expires with its TTL');
    });
  });
}

/** The store, or `store-not-found`; `active` also rejects an archived store. */
export async function requireStore(
  repo: StoreOpsRepository,
  storeId: string,
  options: { active?: boolean; lock?: RowLock } = {},
): Promise<StoreView> {
  const store = await repo.findStore(storeId, options.lock ? { lock: options.lock } : {});
  if (!store) raise('store-not-found', 'No such store.');
  if (options.active && store.status !== 'active') {
    raise('store-archived', 'The store is archived.');
  }
  return store;
}

export function createStore(deps: StoreOpsDeps): StoreOpsApi['createStore'] {
  return (ctx, input) =>
    deps.store.inTenant(ctx.tenantId, async (repo) => {
      const store = await repo.insertStore({ id: newId(), ...input });
      await repo.emit(storeOpsEvents.storeCreated, store);
      return store;
    });
}

/**
 * Other modules look a store up on almost every write, and stores rarely
 * change: answered from the cache, loaded in a transaction on a miss. A
 * missing store is not cached, so it is found as soon as it exists.
 */
export function getStore(deps: StoreOpsDeps): StoreOpsApi['getStore'] {
  const ttlMs = deps.settings.storeCacheTtlMs;
  return (ctx: CallContext, storeId) => {
    const load = () =>
      deps.store.inTenant(ctx.tenantId, async (repo) => frozen(await requireStore(repo, storeId)));
    // A transaction without a tenant falls back to the request's: the key could not say whose.
    if (!ctx.tenantId) return load();
    return deps.cache.getOrLoad(storeCacheKey(ctx.tenantId, storeId), load, ttlMs);
  };
}

export function listStores(deps: StoreOpsDeps): StoreOpsApi['listStores'] {
  return (ctx, query) => deps.store.inTenant(ctx.tenantId, (repo) => repo.listStores(query));
}

export function updateStore(deps: StoreOpsDeps): StoreOpsApi['updateStore'] {
  return (ctx, storeId, input) => {
    assertStoreAccess(ctx, storeId);
    return deps.store.inTenant(ctx.tenantId, async (repo) => {
      const before = await requireStore(repo, storeId, { active: true, lock: 'update' });
      const after = await repo.updateStore(storeId, input);
      forgetStoreOnCommit(deps, repo, ctx.tenantId, storeId);
      await repo.audit({
        action: 'store.update',
        entityType: 'store',
        entityId: storeId,
        before,
        after,
      });
      await repo.emit(storeOpsEvents.storeUpdated, after);
      return after;
    });
  };
}

export function archiveStore(deps: StoreOpsDeps): StoreOpsApi['archiveStore'] {
  return (ctx, storeId, reason) => {
    assertStoreAccess(ctx, storeId);
    return deps.store.inTenant(ctx.tenantId, async (repo) => {
      const before = await requireStore(repo, storeId, { lock: 'update' });
      if (before.status === 'archived') return before;
      if ((await repo.countOpenDrawers(storeId)) > 0) {
        raise('store-has-open-drawers', 'Close every drawer of the store before archiving it.');
      }
      const after = await repo.updateStore(storeId, { status: 'archived' });
      forgetStoreOnCommit(deps, repo, ctx.tenantId, storeId);
      await repo.audit({
        action: 'store.archive',
        entityType: 'store',
        entityId: storeId,
        before,
        after,
        reason: reason ?? null,
      });
      await repo.emit(storeOpsEvents.storeUpdated, after);
      return after;
    });
  };
}
