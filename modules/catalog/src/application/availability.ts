import { cursorScope, toPage } from '@stratum/platform';
import { catalogEvents, raise, type AvailabilityView, type CatalogApi } from '../contract.ts';
import { endOfLocalDay } from '../domain/availability.ts';
import { afterOf, assertStoreAccess, type CatalogDeps } from './deps.ts';
import type { UnavailableRecord } from './ports.ts';

const view = (storeId: string, itemId: string, until: Date | null, available: boolean) =>
  ({
    storeId,
    itemId,
    available,
    until: available ? null : (until?.toISOString() ?? null),
  }) satisfies AvailabilityView;

/**
 * "86 an item": unavailable in one store, for the rest of today in that
 * store's time zone (asked of store-ops before the transaction), until a
 * given instant, or until further notice. Other stores are not touched.
 */
export function setAvailability(deps: CatalogDeps): CatalogApi['setAvailability'] {
  return async (ctx, storeId, itemId, input) => {
    assertStoreAccess(ctx, storeId);
    const store = await deps.stores.get(ctx, storeId);
    if (!store.active) raise('store-archived', 'The store is archived.');
    const now = deps.clock.now();
    let until: Date | null = null;
    if (!input.available) {
      if (input.until === undefined || input.until === 'end-of-day') {
        until = new Date(endOfLocalDay(now.getTime(), store.timezone));
      } else if (input.until !== null) {
        until = new Date(input.until);
        if (until <= now) raise('invalid-until', 'The item would be available again already.');
      }
    }
    return deps.store.write(ctx.tenantId, async (repo) => {
      const item = await repo.findItem(itemId, { lock: true });
      if (!item) raise('item-not-found', 'No such item.');
      if (input.available) {
        const before = await repo.findUnavailable(storeId, itemId);
        await repo.clearUnavailable(storeId, itemId);
        if (before && (before.until === null || before.until > now)) {
          await repo.emit(catalogEvents.availabilityChanged, {
            itemId,
            storeId,
            available: true,
            until: null,
          });
        }
        return view(storeId, itemId, null, true);
      }
      if (item.archivedAt) raise('item-archived', 'An archived item is not sold anyway.');
      await repo.setUnavailable(storeId, itemId, until);
      await repo.emit(catalogEvents.availabilityChanged, {
        itemId,
        storeId,
        available: false,
        until: until?.toISOString() ?? null,
      });
      return view(storeId, itemId, until, false);
    });
  };
}

export function listUnavailable(deps: CatalogDeps): CatalogApi['listUnavailable'] {
  return (ctx, storeId, query) => {
    assertStoreAccess(ctx, storeId);
    return deps.store.read(ctx.tenantId, async (repo) => {
      const cursors = cursorScope('unavailable-items');
      const after = afterOf(cursors, query.cursor, ['u']);
      const rows = await repo.listUnavailable(storeId, deps.clock.now(), query.limit + 1, after);
      return toPage(
        rows,
        query.limit,
        (r: UnavailableRecord) => view(r.storeId, r.itemId, r.until, false),
        cursors.keyOf((r) => [r.itemId]),
      );
    });
  };
}
