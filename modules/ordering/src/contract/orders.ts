import { z } from 'zod';
import { pageQuery } from '@stratum/platform';

/**
 * A non-negative amount in the currency's minor unit (no floats in money
 * paths), up to 10^12: thousands of such amounts still add up safely.
 */
export const minor = z.number().int().min(0).max(1_000_000_000_000);
const text = (max: number) => z.string().trim().min(1).max(max);
const bps = z.number().int().min(0).max(10_000);

export const orderStatus = z.enum([
  'open',
  'sent',
  'paid',
  'closed',
  'voided',
  'partially-refunded',
  'refunded',
]);

/** How the order reaches the customer; each kind carries what it cannot do without. */
export const fulfilment = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('dine-in'),
    /**
     * A table of the store's floor plan (its store-ops id: it must be an active
     * table of the order's store), or a label the floor knows the table by.
     */
    tableId: text(64),
    /** The floor-plan table’s name (store-ops allows 80 characters), set by the server when `tableId` is a table’s id. */
    tableName: text(80).optional(),
    covers: z.number().int().min(1).max(500).optional(),
  }),
  z.object({ type: z.literal('takeaway'), customerName: text(100).optional() }),
  z.object({
    type: z.literal('delivery'),
    name: text(100),
    address: text(300),
    phone: text(40).optional(),
  }),
  z.object({ type: z.literal('retail') }),
]);
export type FulfilmentView = z.infer<typeof fulfilment>;

/** A fixed discount is for the whole line (or order), not per unit. */
export const discount = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fixed'), amount: minor }),
  z.object({ kind: z.literal('percent'), bps }),
]);

export const addLineInput = z.object({
  /** The client's id for the line: adding the same line again changes nothing. */
  lineId: z.uuid().optional(),
  variantId: z.uuid(),
  optionIds: z.array(z.uuid()).max(100).default([]),
  quantity: z.number().int().min(1).max(9_999),
  notes: z.string().trim().max(200).optional(),
  /** 1 for starters, 2 for mains, …; default 1. */
  course: z.number().int().min(1).max(20).optional(),
});
export type AddLineInput = z.input<typeof addLineInput>;

export const createOrderInput = z.object({
  /**
   * The client's id for the order (a terminal offline picks it), so a retried
   * creation returns the first order; the same id with another request is
   * `order-already-exists`.
   */
  orderId: z.uuid().optional(),
  storeId: z.uuid(),
  registerId: z.uuid(),
  fulfilment,
  /** For the kitchen: printed on every ticket of the order. */
  notes: z.string().trim().max(500).optional(),
  /**
   * Lines to open the order with, as a till that rang the sale up locally
   * sends it: each priced and snapshotted as `POST …/lines` would.
   */
  lines: z.array(addLineInput).max(200).optional(),
});
export type CreateOrderInput = z.input<typeof createOrderInput>;

/** Approval of a manager: their access token (PIN or password login) in the same business. */
const approval = z.string().min(1).max(8_192);
const reason = z.string().trim().min(1).max(500);

export const changeQuantityInput = z.object({
  quantity: z.number().int().min(1).max(9_999),
  /** Needed, with an approval, to reduce a line the kitchen has seen. */
  reason: reason.optional(),
  approval: approval.optional(),
});
export type ChangeQuantityInput = z.input<typeof changeQuantityInput>;

export const removeLineInput = z.object({
  /** Needed, with an approval, for a line the kitchen has seen. */
  reason: reason.optional(),
  approval: approval.optional(),
});
export type RemoveLineInput = z.input<typeof removeLineInput>;

export const setDiscountInput = z.object({ discount: discount.nullable() });
export type SetDiscountInput = z.input<typeof setDiscountInput>;

export const setServiceChargeInput = z.object({
  serviceCharge: z.object({ bps }).nullable(),
});
export type SetServiceChargeInput = z.input<typeof setServiceChargeInput>;

export const setTipInput = z.object({ amount: minor });
export type SetTipInput = z.input<typeof setTipInput>;

export const voidOrderInput = z.object({
  reason,
  /** Needed once the kitchen has seen a line. */
  approval: approval.optional(),
});
export type VoidOrderInput = z.input<typeof voidOrderInput>;

export const listOrdersQuery = z.object({
  ...pageQuery,
  storeId: z.uuid().optional(),
  registerId: z.uuid().optional(),
  status: orderStatus.optional(),
  /** Creation order; newest first by default. */
  sort: z.enum(['createdAt', '-createdAt']).default('-createdAt'),
});
export type ListOrdersQuery = z.input<typeof listOrdersQuery>;
/** The list query with its defaults applied. */
export type ListOrdersFilter = z.output<typeof listOrdersQuery>;

export const splitBillInput = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('even'), parts: z.number().int().min(2).max(50) }),
  z.object({
    mode: z.literal('by-item'),
    parts: z
      .array(
        z.object({
          partId: text(40).optional(),
          items: z
            .array(z.object({ lineId: z.string().min(1).max(64), quantity: z.number().int() }))
            .min(1)
            .max(200),
        }),
      )
      .min(2)
      .max(50),
  }),
]);
export type SplitBillInput = z.input<typeof splitBillInput>;
