import { newId, type CallContext } from '@stratum/platform';
import {
  countView,
  inventoryEvents,
  raise,
  type CountView,
  type InventoryApi,
  type RecordCountInput,
} from '../contract.ts';
import { countDifferences } from '../domain/count.ts';
import { keyedRequest, once } from './idempotency.ts';
import { levelKey, type InventoryDeps, type InventoryRepository } from './ports.ts';
import { assertStoreAccess, stockedItems, storeFor, writeChanges } from './stock-writer.ts';
import { toCountView } from './views.ts';

/**
 * A stock count: counted quantities are the truth, so the differences are
 * written as count-correction movements whatever the store's policy (a count
 * cannot take stock below zero). Each correction is audited. One count per
 * Idempotency-Key: the difference depends on what is on hand when the count
 * is written, so a retry after a sale would otherwise undo the sale.
 */
export function recordCount(deps: InventoryDeps): InventoryApi['recordCount'] {
  return async (ctx, input, idempotencyKey) => {
    const request = keyedRequest('counts', idempotencyKey, input);
    await storeFor(deps, ctx, input.storeId);
    return deps.store.inTenant(ctx, (repo) =>
      once(repo, request, countView, () => writeCount(repo, ctx, input)),
    );
  };
}

/** Writes the count of a new request, in the transaction that claimed its key. */
async function writeCount(
  repo: InventoryRepository,
  ctx: CallContext,
  input: RecordCountInput,
): Promise<CountView> {
  const { storeId } = input;
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
