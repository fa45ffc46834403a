import { cursorScope, newId, toPage, type CallContext } from '@stratum/platform';
import {
  inventoryEvents,
  movementBatchView,
  type InventoryApi,
  type MovementBatchView,
  type OversellPolicy,
  type RecordMovementsInput,
} from '../contract.ts';
import { manualChanges, type ManualLine } from '../domain/movement.ts';
import { visibleStores } from '../domain/stores.ts';
import { keyedRequest, once } from './idempotency.ts';
import { levelKey, type InventoryDeps, type InventoryRepository } from './ports.ts';
import {
  assertStoreAccess,
  demandsFor,
  enforcePolicy,
  stockedItems,
  storeFor,
  writeChanges,
} from './stock-writer.ts';
import { toMovementView } from './views.ts';

/**
 * Receipts, adjustments and waste. Stock taken out is checked against the
 * store's policy like a sale; every line is audited with on-hand before and
 * after and the reason. One batch per Idempotency-Key: a retry gets the first
 * answer and moves nothing.
 */
export function recordMovements(deps: InventoryDeps): InventoryApi['recordMovements'] {
  return async (ctx, input, idempotencyKey) => {
    const request = keyedRequest('movements', idempotencyKey, input);
    const changes = manualChanges(input.kind, input.lines, input.reason);
    const store = await storeFor(deps, ctx, input.storeId);
    return deps.store.inTenant(ctx, (repo) =>
      once(repo, request, movementBatchView, () =>
        writeBatch(repo, ctx, input, changes, store.policy),
      ),
    );
  };
}

/** Writes the batch of a new request, in the transaction that claimed its key. */
async function writeBatch(
  repo: InventoryRepository,
  ctx: CallContext,
  input: RecordMovementsInput,
  changes: readonly ManualLine[],
  policy: OversellPolicy,
): Promise<MovementBatchView> {
  const { storeId } = input;
  const ids = changes.map((c) => c.stockItemId);
  const items = await stockedItems(repo, ids);
  const levels = await repo.lockLevels(ids.map((stockItemId) => ({ storeId, stockItemId })));
  const batchId = newId();
  const before = new Map(
    ids.map((id) => [id, levels.get(levelKey({ storeId, stockItemId: id }))!.onHand]),
  );
  const takes = changes
    .filter((c) => c.quantity < 0)
    .map((c) => ({ storeId, stockItemId: c.stockItemId, requested: -c.quantity }));
  const warnings = await enforcePolicy(repo, demandsFor(levels, takes), {
    storeId,
    policy,
    enforceable: true,
    source: 'movement',
    referenceId: batchId,
  });
  const reason = input.reason ?? null;
  const movements = await writeChanges(
    repo,
    levels,
    items,
    changes.map((c) => ({
      storeId,
      stockItemId: c.stockItemId,
      change: { onHand: c.quantity },
      kind: input.kind,
    })),
    {
      batchId,
      reason,
      referenceType: 'manual',
      referenceId: input.reference ?? null,
      actorId: ctx.actor.id,
    },
  );
  for (const m of movements) {
    await repo.audit({
      action: `stock.${input.kind}`,
      entityType: 'stock-level',
      entityId: levelKey(m),
      before: { onHand: before.get(m.stockItemId) },
      after: { onHand: m.onHandAfter, quantity: m.quantity, batchId },
      reason,
    });
  }
  await repo.emit(inventoryEvents.stockAdjusted, {
    batchId,
    storeId,
    kind: input.kind,
    reason,
    lines: movements.map((m) => ({
      stockItemId: m.stockItemId,
      quantity: m.quantity,
      onHandAfter: m.onHandAfter,
    })),
  });
  return { batchId, storeId, movements: movements.map(toMovementView), warnings };
}

export function listMovements(deps: InventoryDeps): InventoryApi['listMovements'] {
  return async (ctx, query) => {
    if (query.storeId) assertStoreAccess(ctx, query.storeId);
    const cursors = cursorScope('movements', query.sort);
    const after = cursors.decodeId(query.cursor);
    return deps.store.inTenant(ctx, async (repo) => {
      const rows = await repo.listMovements(
        { ...query, limit: query.limit + 1 },
        after,
        visibleStores(ctx.actor.stores),
      );
      return toPage(
        rows,
        query.limit,
        toMovementView,
        cursors.keyOf((m) => [m.id]),
      );
    });
  };
}
