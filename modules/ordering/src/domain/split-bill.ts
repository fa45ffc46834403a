import { raise } from './errors.ts';
import { requireNothingPaid, requireNotInCheckout } from './order-lines.ts';
import { liveLines, priceOf } from './order-pricing.ts';
import type { Order } from './order-types.ts';
import { splitByItem, splitEvenly, type SplitAssignment, type SplitPart } from './split.ts';

export type SplitRequest =
  | { readonly mode: 'even'; readonly parts: number }
  | {
      readonly mode: 'by-item';
      readonly parts: readonly {
        readonly partId?: string | undefined;
        readonly items: readonly SplitAssignment[];
      }[];
    };

export interface BillSplit {
  readonly mode: SplitRequest['mode'];
  /** The order's total; the parts' totals add up to it exactly. */
  readonly total: number;
  readonly parts: readonly SplitPart[];
}

/**
 * Splits an unpaid order's bill into parts that are paid one by one. Evenly,
 * the total, the tip and each tax are spread so that parts differ by at most
 * one minor unit (the first parts carry the extra units) and still add up;
 * by item, every unit of every live line goes to one part (`splitByItem`).
 */
export function splitBill(order: Order, request: SplitRequest): BillSplit {
  if (order.status !== 'open' && order.status !== 'sent') {
    raise('order-not-open', `The order is ${order.status}; its bill is no longer split.`, {
      status: order.status,
    });
  }
  // The parts paid were parts of the split as it stands: splitting again would lose them.
  requireNothingPaid(order, 'be split again');
  requireNotInCheckout(order, 'be split');
  if (liveLines(order).length === 0) raise('order-empty', 'An order without lines has no bill.');
  const priced = priceOf(order);
  const { total, tip, taxes } = priced.totals;
  if (request.mode === 'by-item') {
    const parts = splitByItem(
      priced,
      request.parts.map((p, i) => ({ partId: p.partId ?? String(i + 1), items: p.items })),
    );
    return { mode: 'by-item', total, parts };
  }
  const totals = splitEvenly(total, request.parts);
  const tips = splitEvenly(tip, request.parts);
  const taxShares = taxes.map((t) => splitEvenly(t.amount, request.parts));
  const parts = totals.map((partTotal, i): SplitPart => ({
    partId: String(i + 1),
    lines: [],
    taxes: taxes.map((t, k) => ({ ...t, amount: taxShares[k]?.[i] ?? 0 })),
    subtotal: partTotal - (tips[i] ?? 0),
    tip: tips[i] ?? 0,
    total: partTotal,
  }));
  return { mode: 'even', total, parts };
}
