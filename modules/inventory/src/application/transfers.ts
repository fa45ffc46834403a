import { cursorScope, newId, toPage } from '@stratum/platform';
import { inventoryEvents, raise, type InventoryApi } from '../contract.ts';
import { receiveStep, validateTransfer } from '../domain/transfer.ts';
import { visibleStores } from '../domain/stores.ts';
import type { InventoryDeps } from './ports.ts';
import {
  assertStoreAccess,
  demandsFor,
  enforcePolicy,
  stockedItems,
  storeFor,
  writeChanges,
} from './stock-writer.ts';
import { toTransferView } from './views.ts';

/**
 * Dispatch: transfer-out movements at the source (checked against its
 * policy like any removal) and in-transit quantities at the destination, in
 * one transaction.
 */
export function dispatchTransfer(deps: InventoryDeps): InventoryApi['dispatchTransfer'] {
  return async (ctx, input) => {
    const { fromStoreId, toStoreId, lines } = input;
    validateTransfer(fromStoreId, toStoreId, lines);
    const [from, to] = await Promise.all([
      storeFor(deps, ctx, fromStoreId),
      deps.stores.get(ctx, toStoreId),
    ]);
    if (!to.active) raise('store-archived', 'The destination store is archived.');
    return deps.store.inTenant(ctx, async (repo) => {
      const ids = lines.map((l) => l.stockItemId);
      const items = await stockedItems(repo, ids);
      const levels = await repo.lockLevels(
        ids.flatMap((stockItemId) => [
          { storeId: fromStoreId, stockItemId },
          { storeId: toStoreId, stockItemId },
        ]),
      );
      const id = newId();
      const batchId = newId();
      const takes = lines.map((l) => ({
        storeId: fromStoreId,
        stockItemId: l.stockItemId,
        requested: l.quantity,
      }));
      const warnings = await enforcePolicy(repo, demandsFor(levels, takes), {
        storeId: fromStoreId,
        policy: from.policy,
        enforceable: true,
        source: 'transfer',
        referenceId: id,
      });
      await writeChanges(
        repo,
        levels,
        items,
        lines.flatMap((l) => [
          {
            storeId: fromStoreId,
            stockItemId: l.stockItemId,
            change: { onHand: -l.quantity },
            kind: 'transfer-out' as const,
          },
          { storeId: toStoreId, stockItemId: l.stockItemId, change: { inTransit: l.quantity } },
        ]),
        {
          batchId,
          reason: input.note ?? null,
          referenceType: 'transfer',
          referenceId: id,
          actorId: ctx.actor.id,
        },
      );
      const transfer = await repo.insertTransfer({
        id,
        fromStoreId,
        toStoreId,
        status: 'dispatched',
        note: input.note ?? null,
        lines,
        dispatchedBy: ctx.actor.id,
        dispatchBatchId: batchId,
        receivedAt: null,
        receivedBy: null,
        receiveBatchId: null,
      });
      await repo.emit(inventoryEvents.transferDispatched, {
        transferId: id,
        fromStoreId,
        toStoreId,
        lines,
      });
      return { transfer: toTransferView(transfer), warnings };
    });
  };
}

/** Receive: the in-transit quantities become transfer-in movements at the destination. */
export function receiveTransfer(deps: InventoryDeps): InventoryApi['receiveTransfer'] {
  return (ctx, transferId) =>
    deps.store.inTenant(ctx, async (repo) => {
      const t = await repo.findTransfer(transferId, true);
      if (!t) raise('transfer-not-found', 'No such transfer.');
      assertStoreAccess(ctx, t.toStoreId);
      receiveStep(t.status);
      const storeId = t.toStoreId;
      const ids = t.lines.map((l) => l.stockItemId);
      const items = await repo.findStockItems(ids);
      const levels = await repo.lockLevels(ids.map((stockItemId) => ({ storeId, stockItemId })));
      const batchId = newId();
      await writeChanges(
        repo,
        levels,
        items,
        t.lines.map((l) => ({
          storeId,
          stockItemId: l.stockItemId,
          change: { onHand: l.quantity, inTransit: -l.quantity },
          kind: 'transfer-in' as const,
        })),
        {
          batchId,
          reason: t.note,
          referenceType: 'transfer',
          referenceId: t.id,
          actorId: ctx.actor.id,
        },
      );
      const received = await repo.markReceived(t.id, {
        receivedBy: ctx.actor.id,
        receiveBatchId: batchId,
      });
      await repo.emit(inventoryEvents.transferReceived, {
        transferId: t.id,
        fromStoreId: t.fromStoreId,
        toStoreId: t.toStoreId,
        lines: t.lines,
      });
      return toTransferView(received);
    });
}

export function getTransfer(deps: InventoryDeps): InventoryApi['getTransfer'] {
  return (ctx, transferId) =>
    deps.store.inTenant(ctx, async (repo) => {
      const t = await repo.findTransfer(transferId);
      if (!t) raise('transfer-not-found', 'No such transfer.');
      const stores = visibleStores(ctx.actor.stores);
      if (stores && !stores.includes(t.fromStoreId) && !stores.includes(t.toStoreId)) {
        raise('store-not-allowed', 'You may not see this transfer.');
      }
      return toTransferView(t);
    });
}

export function listTransfers(deps: InventoryDeps): InventoryApi['listTransfers'] {
  return async (ctx, query) => {
    const cursors = cursorScope('transfers', query.sort);
    const after = cursors.decodeId(query.cursor);
    return deps.store.inTenant(ctx, async (repo) => {
      const rows = await repo.listTransfers(
        { ...query, limit: query.limit + 1 },
        after,
        visibleStores(ctx.actor.stores),
      );
      return toPage(
        rows,
        query.limit,
        toTransferView,
        cursors.keyOf((t) => [t.id]),
      );
    });
  };
}
