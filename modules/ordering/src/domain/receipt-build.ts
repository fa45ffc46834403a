import { formatBps } from './currency.ts';
import { raise } from './errors.ts';
import { liveLines } from './order-pricing.ts';
import type { Fulfilment, Order } from './order-types.ts';
import type { Discount, PricedOrder } from './pricing.ts';
import type { Receipt } from './receipt.ts';

/** What the order does not know: where and by whom it is printed, and what was handed over. */
export interface ReceiptDetails {
  readonly kind?: Receipt['kind'];
  readonly store: Receipt['store'];
  readonly register: string;
  readonly receiptNumber: number;
  readonly cashier: string;
  /** Local times with offset; `openedAt` defaults to the order's (UTC) opening instant. */
  readonly openedAt?: string;
  readonly printedAt: string;
  /** What the customer handed over, cash before change, card tips included. */
  readonly tenders: Receipt['tenders'];
  /** Tips given with the tenders on top of the order's total (a tip on the card). */
  readonly tips?: number;
  readonly orderLabel?: string;
  readonly footer?: readonly string[];
}

const discountLabel = (prefix: string, d: Discount | null) =>
  d?.kind === 'percent' ? `${prefix} ${formatBps(d.bps)}` : prefix;

const labelOf = (f: Fulfilment): string | undefined =>
  f.type === 'dine-in'
    ? `Table ${f.tableName ?? f.tableId}`
    : f.type === 'takeaway'
      ? 'Takeaway'
      : f.type === 'delivery'
        ? 'Delivery'
        : undefined;

/**
 * The receipt of an order as priced: lines with their modifiers and item
 * discounts, then the order's discount, service charge, tax per rate, tip
 * (the order's and any given with a card), total, tenders and change. A sale whose tenders fall short of the total is
 * refused: a receipt never shows money still owed.
 */
export function receiptOf(order: Order, priced: PricedOrder, details: ReceiptDetails): Receipt {
  const byId = new Map(priced.lines.map((l) => [l.lineId, l]));
  const names = new Map(order.lines.flatMap((l) => l.taxRates.map((r) => [r.id, r.name])));
  const { totals } = priced;
  const tips = details.tips ?? 0;
  // What the customer paid: the order's total and the tips given with the tenders.
  const total = totals.total + tips;
  const tendered = details.tenders.reduce((sum, t) => sum + t.amount, 0);
  const kind = details.kind ?? 'sale';
  if (kind === 'sale' && tendered < total) {
    raise('payment-amount-mismatch', 'The tenders do not cover the total.', {
      expected: total,
      received: tendered,
    });
  }
  const orderLabel = details.orderLabel ?? labelOf(order.fulfilment);
  return {
    kind,
    currency: order.currency,
    store: details.store,
    register: details.register,
    receiptNumber: details.receiptNumber,
    orderNumber: order.orderNumber ?? order.orderId,
    ...(orderLabel !== undefined && { orderLabel }),
    cashier: details.cashier,
    openedAt: details.openedAt ?? order.openedAt,
    printedAt: details.printedAt,
    lines: liveLines(order).flatMap((line) => {
      const priced = byId.get(line.lineId);
      if (!priced) return [];
      return [
        {
          quantity: line.quantity,
          name: line.name,
          variantName: line.variantName || null,
          unitPrice: priced.unitPrice,
          modifiers: line.modifiers.map((m) => ({ name: m.name, priceDelta: m.priceDelta })),
          discount:
            priced.itemDiscount > 0
              ? { label: discountLabel('Discount', line.discount), amount: priced.itemDiscount }
              : null,
          amount: priced.gross,
        },
      ];
    }),
    subtotal: totals.subtotal - totals.itemDiscounts,
    discounts:
      totals.orderDiscount > 0
        ? [
            {
              label: discountLabel('Order discount', order.orderDiscount),
              amount: totals.orderDiscount,
            },
          ]
        : [],
    serviceCharge: order.serviceCharge
      ? { bps: order.serviceCharge.bps, amount: totals.serviceCharge }
      : null,
    taxes: totals.taxes.map((t) => ({
      name: names.get(t.rateId) ?? t.rateId,
      bps: t.bps,
      inclusive: t.inclusive,
      amount: t.amount,
    })),
    tip: totals.tip + tips,
    total,
    tenders: details.tenders,
    change: Math.max(0, tendered - total),
    ...(details.footer && { footer: details.footer }),
  };
}
