import { z } from 'zod';

const int = z.number().int();
const label = z.object({ label: z.string(), amount: int });

/** A receipt as data (the domain's `Receipt`); `text` is its 80-column rendering. */
export const receiptDocument = z.object({
  kind: z.enum(['sale', 'refund', 'void']),
  currency: z.string(),
  store: z.object({
    name: z.string(),
    address: z.array(z.string()),
    taxId: z.string().optional(),
  }),
  register: z.string(),
  /** Gapless per register (ADR 0007); allocated by store-ops during checkout. */
  receiptNumber: int,
  orderNumber: z.string(),
  orderLabel: z.string().optional(),
  cashier: z.string(),
  openedAt: z.string(),
  printedAt: z.string(),
  lines: z.array(
    z.object({
      quantity: int,
      name: z.string(),
      variantName: z.string().nullable(),
      unitPrice: int,
      modifiers: z.array(z.object({ name: z.string(), priceDelta: z.number() })),
      discount: label.nullable(),
      amount: int,
    }),
  ),
  subtotal: int,
  discounts: z.array(label),
  serviceCharge: z.object({ bps: int, amount: int }).nullable(),
  taxes: z.array(z.object({ name: z.string(), bps: int, inclusive: z.boolean(), amount: int })),
  tip: int,
  total: int,
  tenders: z.array(label),
  change: int,
  footer: z.array(z.string()).optional(),
});

export const receiptView = z.object({
  orderId: z.uuid(),
  storeId: z.uuid(),
  registerId: z.uuid(),
  receiptNumber: int,
  document: receiptDocument,
  /** Plain text, no line wider than 80 columns. */
  text: z.string(),
  issuedAt: z.iso.datetime(),
});
export type ReceiptView = z.infer<typeof receiptView>;

/** Ordering's own per-store settings. */
export const storeSettingsView = z.object({
  storeId: z.uuid(),
  /**
   * Per-line: each line's tax is rounded per rate. Per-order: each rate's exact
   * total is rounded once and spread back over the lines. Orders keep the
   * setting they were placed under.
   */
  rounding: z.enum(['per-line', 'per-order']),
  /** null: never set, the default applies. */
  updatedAt: z.iso.datetime().nullable(),
});
export type StoreSettingsView = z.infer<typeof storeSettingsView>;

export const setStoreSettingsInput = z.object({ rounding: z.enum(['per-line', 'per-order']) });
export type SetStoreSettingsInput = z.input<typeof setStoreSettingsInput>;
