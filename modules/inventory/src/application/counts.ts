import { newId } from '@stratum/platform';
import { inventoryEvents, raise, type InventoryApi } from '../contract.ts';
import { countDifferences } from '../domain/count.ts';
import { levelKey, type InventoryDeps } from './ports.ts';
import { assertStoreAccess, stockedItems, storeFor, writeChanges } from './stock-writer.ts';
import { toCountView } from './views.ts';

/**
 * A stock count: counted quantities are the truth, so the differences are
 * written as count-correction movements whatever the store's policy (a count
 * cannot take stock below zero). Each correction is audited.
 */
export function recordCount(deps: InventoryDeps): InventoryApi['recordCount'] {
  return async (ctx, input) => {
    const { storeId } = input;
    await storeFor(deps, ctx, storeId);
    return deps.store.inTenant(ctx, async (repo) => {
      const ids = input.lines.map((l) => l.stockItemId);
      const items = await stockedItems(repo, ids);
      const levels = await repo.lockLevels(ids.map((stockItemId) => ({ storeId, stockItemId })));
      const lines = countDifferences(
        input.lines,
        (stockItemId) => levels.get(levelKey({ storeId, stockItemId }))!.onHand,
      );
      const countId = newId();
      const batchId = newId();
      const reason = input.note ?? 'stock count';
      const movements = await writeChanges(
        repo,
        levels,
        items,
        lines
          .filter((l) => l.difference !== 0)
          .map((l) => ({
            storeId,
            stockItemId: l.stockItemId,
            change: { onHand: l.difference },
            kind: 'count-correction' as const,
          })),
        { batchId, reason, referenceType: 'count', referenceId: countId, actorId: ctx.actor.id },
      );
      const count = await repo.insertCount({
        id: countId,
        storeId,
        batchId,
        note: input.note ?? null,
        lines,
        countedBy: ctx.actor.id,
      });
      for (const l of lines.filter((x) => x.difference !== 0)) {
        await repo.audit({
          action: 'stock.count-correction',
          entityType: 'stock-level',
          entityId: levelKey({ storeId, stockItemId: l.stockItemId }),
          before: { onHand: l.expected },
          after: { onHand: l.counted, quantity: l.difference, countId },
          reason,
        });
      }
      if (movements.length > 0) {
        await repo.emit(inventoryEvents.stockAdjusted, {
          batchId,
          storeId,
          kind: 'count-correction',
          reason,
          lines: movements.map((m) => ({
            stockItemId: m.stockItemId,
            quantity: m.quantity,
            onHandAfter: m.onHandAfter,
          })),
        });
      }
      return toCountView(count);
    });
  };
}

export function getCount(deps: InventoryDeps): InventoryApi['getCount'] {
  return (ctx, countId) =>
    deps.store.inTenant(ctx, async (repo) => {
      const count = await repo.findCount(countId);
      if (!count) raise('count-not-found', 'No such count.');
      assertStoreAccess(ctx, count.storeId);
      return toCountView(count);
    });
}
