import { cursorScope, newId, toPage, type CallContext } from '@stratum/platform';
import {
  dispatchResult,
  inventoryEvents,
  raise,
  type DispatchResult,
  type DispatchTransferInput,
  type InventoryApi,
  type OversellPolicy,
} from '../contract.ts';
import { receiveStep, validateTransfer } from '../domain/transfer.ts';
import { visibleStores } from '../domain/stores.ts';
import { keyedRequest, once } from './idempotency.ts';
import type { InventoryDeps, InventoryRepository } from './ports.ts';
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
 * one transaction. One transfer per Idempotency-Key: a retry gets the first
 * answer and dispatches nothing.
 */
export function dispatchTransfer(deps: InventoryDeps): InventoryApi['dispatchTransfer'] {
  return async (ctx, input, idempotencyKey) => {
    const request = keyedRequest('transfers', idempotencyKey, input);
    validateTransfer(input.fromStoreId, input.toStoreId, input.lines);
    const [from, to] = await Promise.all([
      storeFor(deps, ctx, input.fromStoreId),
      deps.stores.get(ctx, input.toStoreId),
    ]);
    return deps.store.inTenant(ctx, (repo) =>
      once(repo, request, dispatchResult, () => {
        // Refused once the key is claimed: a retry of a transfer dispatched
        // before its destination was archived still gets its answer.
        if (!to.active) raise('store-archived', 'The destination store is archived.');
        return dispatch(repo, ctx, input, from.policy);
      }),
    );
  };
}

/** Dispatches the transfer of a new request, in the transaction that claimed its key. */
async function dispatch(
  repo: InventoryRepository,
  ctx: CallContext,
  input: DispatchTransferInput,
  policy: OversellPolicy,
): Promise<DispatchResult> {
  const { fromStoreId, toStoreId, lines } = input;
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
    policy,
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
