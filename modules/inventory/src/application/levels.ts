import { cursorScope, invalidCursor, isUuid, toPage, type CursorScope } from '@stratum/platform';
import { inventoryEvents, raise, type InventoryApi, type ListLevelsQuery } from '../contract.ts';
import { emptyLevel, withThreshold } from '../domain/level.ts';
import { visibleStores } from '../domain/stores.ts';
import { levelKey, type InventoryDeps, type LevelRow } from './ports.ts';
import { lowStockPayload, stockedItems, storeFor, assertStoreAccess } from './stock-writer.ts';
import { toLevelView } from './views.ts';

/** The keyset a level list is ordered by: the sort value, then a unique tie-breaker. */
const keyOf =
  (sort: ListLevelsQuery['sort']) =>
  (l: LevelRow): (string | number)[] =>
    sort === 'stockItemId' ? [l.stockItemId, l.storeId] : [l.onHand, l.stockItemId, l.storeId];

function decodeLevelCursor(
  cursors: CursorScope,
  query: ListLevelsQuery,
): (string | number)[] | undefined {
  const values = cursors.decode(query.cursor, query.sort === 'stockItemId' ? 2 : 3);
  if (!values) return undefined;
  const ids = query.sort === 'stockItemId' ? values : values.slice(1);
  if (!ids.every((v) => typeof v === 'string' && isUuid(v))) throw invalidCursor();
  if (query.sort !== 'stockItemId' && !Number.isSafeInteger(values[0])) throw invalidCursor();
  return values;
}

export function listLevels(deps: InventoryDeps): InventoryApi['listLevels'] {
  return async (ctx, query) => {
    if (query.storeId) assertStoreAccess(ctx, query.storeId);
    const cursors = cursorScope('levels', query.sort);
    const after = decodeLevelCursor(cursors, query);
    return deps.store.inTenant(ctx, async (repo) => {
      const rows = await repo.listLevels(
        { ...query, limit: query.limit + 1 },
        after,
        visibleStores(ctx.actor.stores),
      );
      return toPage(rows, query.limit, toLevelView, cursors.keyOf(keyOf(query.sort)));
    });
  };
}

export function getLevel(deps: InventoryDeps): InventoryApi['getLevel'] {
  return async (ctx, storeId, stockItemId) => {
    // A level row exists only once stock has moved, so the store is checked
    // first: an unknown store is a 404 here, as on the threshold beside it,
    // not a zero level.
    await storeFor(deps, ctx, storeId);
    return deps.store.inTenant(ctx, async (repo) => {
      const item = (await repo.findStockItems([stockItemId])).get(stockItemId);
      if (!item) raise('stock-item-not-found', 'No such stock item.');
      const level = (await repo.findLevel({ storeId, stockItemId })) ?? {
        storeId,
        stockItemId,
        ...emptyLevel(),
        updatedAt: null,
      };
      return toLevelView({ ...level, item });
    });
  };
}

export function setThreshold(deps: InventoryDeps): InventoryApi['setThreshold'] {
  return async (ctx, storeId, stockItemId, input) => {
    await storeFor(deps, ctx, storeId);
    return deps.store.inTenant(ctx, async (repo) => {
      const items = await stockedItems(repo, [stockItemId]);
      const item = items.get(stockItemId)!;
      const key = { storeId, stockItemId };
      const levels = await repo.lockLevels([key]);
      const before = levels.get(levelKey(key))!;
      // Setting the value already in force changes nothing: no write, no audit entry.
      if (input.threshold === before.threshold) return toLevelView({ ...before, item });
      const { level, lowStock } = withThreshold(before, input.threshold);
      const [after] = await repo.saveLevels([{ ...before, ...level }]);
      if (!after) throw new Error('level not saved');
      await repo.audit({
        action: 'stock.threshold-set',
        entityType: 'stock-level',
        entityId: levelKey(key),
        before: { threshold: before.threshold },
        after: { threshold: after.threshold },
      });
      if (lowStock && after.threshold !== null) {
        await repo.emit(inventoryEvents.lowStock, lowStockPayload(after, item, after.threshold));
      }
      return toLevelView({ ...after, item });
    });
  };
}

export function checkConsistency(deps: InventoryDeps): InventoryApi['checkConsistency'] {
  return async (ctx, query) => {
    if (query.storeId) assertStoreAccess(ctx, query.storeId);
    return deps.store.inTenant(ctx, async (repo) => {
      const report = await repo.consistency(query.storeId);
      return { consistent: report.mismatches.length === 0, ...report };
    });
  };
}
