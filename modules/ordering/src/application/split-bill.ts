import { raise, splitBillInput, type OrderingApi, type SplitView } from '../contract.ts';
import { splitBill as splitOrderBill } from '../domain/split-bill.ts';
import { loadOrder, withRetry } from './order-writer.ts';
import type { OrderingDeps, StoredSplit } from './ports.ts';

/**
 * Splits the bill and keeps the split on the order, stamped with the
 * version it was computed on; any later change of the amounts clears it, so
 * the checkout never charges parts of a bill that no longer exists.
 */
export function splitBill(deps: OrderingDeps): OrderingApi['splitBill'] {
  return async (ctx, orderId, raw, options) => {
    const input = splitBillInput.parse(raw);
    return withRetry(deps, options, (retry) =>
      deps.store.inTenant(ctx, async (repo) => {
        const order = await loadOrder(repo, ctx, orderId, retry);
        const expected = options?.expectedVersion;
        if (expected !== undefined && order.version !== expected) {
          raise('order-concurrency-conflict', 'The order changed since you read it.', {
            expectedVersion: expected,
            version: order.version,
          });
        }
        const bill = splitOrderBill(order.state, input);
        const split: StoredSplit = {
          mode: bill.mode,
          orderVersion: order.version,
          total: bill.total,
          parts: bill.parts.map((p) => ({
            partId: p.partId,
            lines: p.lines.map((l) => ({ ...l })),
            taxes: p.taxes.map((t) => ({ ...t })),
            subtotal: p.subtotal,
            tip: p.tip,
            total: p.total,
          })),
        };
        if (!(await repo.saveSplit(orderId, split, order.version))) {
          raise('order-concurrency-conflict', 'The order changed while the bill was split.');
        }
        // A split is made before any part is paid (`order-partly-paid` otherwise).
        const view: SplitView = {
          ...split,
          parts: split.parts.map((p) => ({ ...p, paid: false })),
        };
        return view;
      }),
    );
  };
}
