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
