import { z } from 'zod';
import { discount, fulfilment, orderStatus } from './orders.ts';

const bps = z.number().int().min(0).max(10_000);
const taxAmount = z.object({ rateId: z.string(), bps, inclusive: z.boolean(), amount: z.number() });

export const lineView = z.object({
  lineId: z.string(),
  itemId: z.string(),
  variantId: z.string(),
  /** Snapshots of the catalog when the line was rung up; never looked up again. */
  name: z.string(),
  variantName: z.string(),
  unitPrice: z.number().int(),
  modifiers: z.array(
    z.object({ optionId: z.string().nullable(), name: z.string(), priceDelta: z.number() }),
  ),
  taxRates: z.array(z.object({ id: z.string(), name: z.string(), bps, inclusive: z.boolean() })),
  kitchenStation: z.string().nullable(),
  quantity: z.number().int(),
  /** Units of this line given back by refunds so far; each unit is refunded once at most. */
  refundedQuantity: z.number().int(),
  course: z.number().int(),
  notes: z.string().nullable(),
  discount: discount.nullable(),
  firedAt: z.string().nullable(),
  /** A fired line taken back: it stays for the kitchen and the audit trail, priced at nothing. */
  voided: z
    .object({ reason: z.string(), approvedBy: z.string(), role: z.string(), at: z.string() })
    .nullable(),
  /** The line as priced now (null for a voided line). */
  priced: z
    .object({
      unitPrice: z.number().int(),
      gross: z.number().int(),
      itemDiscount: z.number().int(),
      orderDiscountShare: z.number().int(),
      net: z.number().int(),
      serviceChargeShare: z.number().int(),
      taxes: z.array(taxAmount),
      total: z.number().int(),
    })
    .nullable(),
});
export type LineView = z.infer<typeof lineView>;

export const totalsView = z.object({
  subtotal: z.number().int(),
  itemDiscounts: z.number().int(),
  orderDiscount: z.number().int(),
  orderDiscountClamped: z.boolean(),
  discountTotal: z.number().int(),
  netSubtotal: z.number().int(),
  serviceCharge: z.number().int(),
  taxes: z.array(taxAmount),
  inclusiveTax: z.number().int(),
  exclusiveTax: z.number().int(),
  taxTotal: z.number().int(),
  tip: z.number().int(),
  total: z.number().int(),
});

export const splitPartView = z.object({
  partId: z.string(),
  /** By item: the units of each line this part takes and their share of the line's total. */
  lines: z.array(
    z.object({ lineId: z.string(), quantity: z.number().int(), amount: z.number().int() }),
  ),
  taxes: z.array(taxAmount),
  subtotal: z.number().int(),
  tip: z.number().int(),
  /** What this guest pays. */
  total: z.number().int(),
  /** Whether this part was paid on its own (a checkout with its `partId`). */
  paid: z.boolean(),
});

/** A bill split into parts, each paid on its own; the parts add up to the order's total. */
export const splitView = z.object({
  mode: z.enum(['even', 'by-item']),
  /** The order's version the split was computed on; any later change clears it. */
  orderVersion: z.number().int(),
  total: z.number().int(),
  parts: z.array(splitPartView),
});
export type SplitView = z.infer<typeof splitView>;

export const orderView = z.object({
  orderId: z.uuid(),
  storeId: z.uuid(),
  registerId: z.uuid(),
  /** A short per-store daily number for the kitchen and the customer ("42"). */
  orderNumber: z.string().nullable(),
  status: orderStatus,
  fulfilment,
  currency: z.string(),
  /** The store's pricing settings when the order was placed; later changes do not reprice it. */
  settings: z.object({ taxInclusive: z.boolean(), rounding: z.enum(['per-line', 'per-order']) }),
  notes: z.string().nullable(),
  openedBy: z.string(),
  openedAt: z.string(),
  lines: z.array(lineView),
  orderDiscount: discount.nullable(),
  serviceCharge: z.object({ bps }).nullable(),
  tip: z.number().int(),
  totals: totalsView,
  /** `amount` pays the order's total; `tip` was given with the payment on top of it (a card's). */
  payments: z.array(
    z.object({ paymentId: z.string(), amount: z.number().int(), tip: z.number().int() }),
  ),
  /** What was paid of the total: the parts paid so far while open, the total once paid. */
  paidAmount: z.number().int(),
  /** Tips given with the payments on top of the total (a card's): not the order's `tip`. */
  tenderTips: z.number().int(),
  /** What the customer was charged in all: the total and the tenders' tips, the receipt's TOTAL. */
  totalCharged: z.number().int(),
  /** What is still owed (tip included) while the order is open or sent; 0 after. */
  balanceDue: z.number().int(),
  /** Split-bill parts paid on their own, in the order they were paid. */
  paidParts: z.array(
    z.object({ partId: z.string(), amount: z.number().int(), paidAt: z.string() }),
  ),
  paidAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  voided: z
    .object({ reason: z.string(), approvedBy: z.string().nullable(), at: z.string() })
    .nullable(),
  refundedAmount: z.number().int(),
  /**
   * A refund whose money payments is giving back now: its units are spoken
   * for until it is recorded (or, past `until`, settled by the next refund).
   */
  refundInProgress: z
    .object({
      refundId: z.string(),
      amount: z.number().int(),
      since: z.string(),
      until: z.string(),
    })
    .nullable(),
  /**
   * The checkout paying the order now: until it pays the order (or its part)
   * or is undone, the order does not change (`order-in-checkout`).
   */
  checkoutInProgress: z.object({ checkoutId: z.string(), since: z.string() }).nullable(),
  split: splitView.nullable(),
  /** Increases with every change; send it back as `If-Match` to refuse a stale write. */
  version: z.number().int(),
  updatedAt: z.iso.datetime(),
});
export type OrderView = z.infer<typeof orderView>;

/** An order as lists show it. */
export const orderSummaryView = orderView
  .pick({
    orderId: true,
    storeId: true,
    registerId: true,
    orderNumber: true,
    status: true,
    fulfilment: true,
    currency: true,
    openedBy: true,
    openedAt: true,
    version: true,
    updatedAt: true,
  })
  .extend({ lineCount: z.number().int(), total: z.number().int() });
export type OrderSummaryView = z.infer<typeof orderSummaryView>;
