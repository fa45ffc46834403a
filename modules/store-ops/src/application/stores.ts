import { newId, type CallContext } from '@stratum/platform';
import { raise, storeOpsEvents, type StoreOpsApi, type StoreView } from '../contract.ts';
import { assertStoreAccess, type StoreOpsDeps } from './deps.ts';
import type { RowLock, StoreOpsRepository } from './ports.ts';

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

export function getStore(deps: StoreOpsDeps): StoreOpsApi['getStore'] {
  return (ctx: CallContext, storeId) =>
    deps.store.inTenant(ctx.tenantId, (repo) => requireStore(repo, storeId));
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
