import { z } from 'zod';
import { defineErrors, defineEvent, type Raise } from '@stratum/platform';

/** The checkout's own error codes (the order's are in `orderingErrors`). */
export const checkoutErrors = defineErrors({
  /** The tenders do not add up to the order total (tips excluded). */
  'tenders-do-not-cover-total': 'unprocessable',
  /** A cash tender's `given` is less than the amount it pays. */
  'cash-given-too-small': 'unprocessable',
  /** Split-bill tenders must pay each part exactly. */
  'tenders-do-not-cover-parts': 'unprocessable',
  /** The checkout names a part the order's split bill does not have (or the bill is not split). */
  'split-part-not-found': 'unprocessable',
  /** That part of the split bill was paid already. */
  'part-already-paid': 'conflict',
  /** Cash goes into the register's open drawer: its drawer must be open first. */
  'drawer-not-open': 'conflict',
  /** Another checkout of the order is still running; retry shortly. */
  'checkout-in-progress': 'conflict',
  'checkout-not-found': 'not-found',
  'idempotency-key-required': 'invalid',
  /** The Idempotency-Key was used for a different checkout request. */
  'idempotency-key-reused': 'unprocessable',
  /** The order changed (lines, discounts) between the request and its placing. */
  'order-changed-during-checkout': 'conflict',
  /** The checkout was undone: nothing was charged, the stock is back, the bill is still owed. */
  'checkout-failed': 'unprocessable',
});
export type CheckoutErrorCode = keyof typeof checkoutErrors.codes;
export const raiseCheckout: Raise<CheckoutErrorCode> = checkoutErrors.raise;

const amount = z.number().int().positive().max(100_000_000);

/** The Luhn check digit every payment card number carries: a mistyped number fails it. */
export function passesLuhn(number: string): boolean {
  let sum = 0;
  for (let i = 0; i < number.length; i += 1) {
    let digit = number.charCodeAt(number.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}
const partId = z.string().trim().min(1).max(64).optional();

export const checkoutTender = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('cash'),
      amount,
      /** What the customer handed over; change is `given − amount`. */
      given: amount,
      partId,
    })
    // A field a tender does not take (a tip on cash, a misspelt one) is an error, not dropped.
    .strict(),
  z
    .object({
      kind: z.literal('card'),
      amount,
      tip: z.number().int().min(0).max(100_000_000).default(0),
      /** The card as the terminal read it; in production a processor token, never a PAN. */
      card: z
        .object({
          number: z
            .string()
            .regex(/^\d{12,19}$/, 'must be 12 to 19 digits')
            // Refused before the checkout starts: a typo must not void the order.
            .refine(passesLuhn, 'fails its check digit: the number was mistyped'),
        })
        .strict(),
      partId,
    })
    .strict(),
]);
export type CheckoutTender = z.infer<typeof checkoutTender>;

export const checkoutInput = z
  .object({
    /** The register taking the payment: its drawer and receipt numbers. */
    registerId: z.uuid(),
    /**
     * Pays one part of the split bill, now, and leaves the rest owed: the
     * tenders pay that part exactly. Without it the checkout pays what the
     * order owes (every part not yet paid).
     */
    partId: z.string().trim().min(1).max(64).optional(),
    /** None when the order owes nothing (comped in full): the checkout then only sells it. */
    tenders: z.array(checkoutTender).max(10),
  })
  .strict();
export type CheckoutInput = z.input<typeof checkoutInput>;

export const checkoutStatus = z.enum(['running', 'compensating', 'completed', 'compensated']);
export type CheckoutStatus = z.infer<typeof checkoutStatus>;

export const checkoutView = z.object({
  id: z.uuid(),
  orderId: z.uuid(),
  storeId: z.uuid(),
  registerId: z.uuid(),
  status: checkoutStatus,
  /** The step running (or being undone) now; `done` once terminal. */
  step: z.string(),
  /** The split-bill part this checkout pays; null when it pays what the order owes. */
  partId: z.string().nullable(),
  /** What this checkout pays of the order (tips excluded). */
  total: z.number().int(),
  /** What the order still owes when this checkout completes; 0 when it settles the bill. */
  balanceDue: z.number().int(),
  currency: z.string(),
  tenders: z.array(
    z.object({
      index: z.number().int(),
      paymentId: z.uuid(),
      kind: z.enum(['cash', 'card']),
      amount: z.number().int(),
      tip: z.number().int(),
      partId: z.string().optional(),
    }),
  ),
  changeDue: z.number().int(),
  receiptNumber: z.number().int().nullable(),
  failure: z.object({ code: z.string(), message: z.string(), step: z.string() }).nullable(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
});
export type CheckoutView = z.infer<typeof checkoutView>;

/** One payment a checkout took: `amount` pays the order, `tip` (a card's) comes on top. */
const checkoutPayment = z.object({
  paymentId: z.uuid(),
  kind: z.enum(['cash', 'card']),
  amount: z.number().int(),
  tip: z.number().int(),
});

export const checkoutEvents = {
  checkoutCompleted: defineEvent(
    'ordering.checkout-completed',
    1,
    z.object({
      checkoutId: z.uuid(),
      orderId: z.uuid(),
      storeId: z.uuid(),
      registerId: z.uuid(),
      total: z.number().int(),
      currency: z.string(),
      receiptNumber: z.number().int(),
      payments: z.array(checkoutPayment),
    }),
  ),
  /**
   * A split-bill part paid on its own, the rest of the bill still owed: its
   * money is taken but nothing is sold yet (no receipt, no stock). The
   * checkout that settles the bill is announced as `checkout-completed`.
   */
  checkoutPartPaid: defineEvent(
    'ordering.checkout-part-paid',
    1,
    z.object({
      checkoutId: z.uuid(),
      orderId: z.uuid(),
      storeId: z.uuid(),
      registerId: z.uuid(),
      partId: z.string(),
      /** What this part paid (tips excluded). */
      total: z.number().int(),
      /** What the order still owes. */
      balanceDue: z.number().int(),
      currency: z.string(),
      payments: z.array(checkoutPayment),
    }),
  ),
  checkoutCompensated: defineEvent(
    'ordering.checkout-compensated',
    1,
    z.object({
      checkoutId: z.uuid(),
      orderId: z.uuid(),
      storeId: z.uuid(),
      code: z.string(),
      step: z.string(),
    }),
  ),
} as const;
