import { z } from 'zod';
import { pageQuery } from '@stratum/platform';

/** The largest amount one payment may carry, in minor units (10 million in major units). */
export const maxAmount = 1_000_000_000;

const positiveAmount = z.number().int().positive().max(maxAmount);
const amountOrZero = z.number().int().min(0).max(maxAmount);
const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code in upper case');
const reason = z.string().trim().min(1).max(500);

export const tenderKind = z.enum(['cash', 'card']);
export type TenderKind = z.infer<typeof tenderKind>;

export const tenderInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('cash'), given: amountOrZero.describe('Cash handed over') }),
  z.object({
    kind: z.literal('card'),
    card: z.object({ number: z.string().regex(/^\d{12,19}$/, 'must be 12 to 19 digits') }),
  }),
]);

/** Takes a payment for (part of) an order: authorized and captured in one call. */
export const takePaymentInput = z.object({
  /**
   * Chosen by the caller (the checkout saga), so that a retried call returns
   * the first payment instead of charging again.
   */
  paymentId: z.uuid(),
  orderId: z.uuid(),
  storeId: z.uuid(),
  currency,
  /** Minor units, tip excluded. */
  amount: positiveAmount,
  /** Minor units; cards only. */
  tip: amountOrZero.optional(),
  tender: tenderInput,
  /** Free text for people reading the payment, e.g. an order number. */
  reference: z.string().trim().min(1).max(200).optional(),
  /**
   * The till that took it. Cash given back through payments' own refund route
   * comes out of this till's drawer, which must be open; without it, only a
   * refund of the order (which names its till) gives the payment's cash back.
   */
  registerId: z.uuid().optional(),
});
export type TakePaymentInput = z.input<typeof takePaymentInput>;

export const voidPaymentInput = z.object({ paymentId: z.uuid(), reason });
export type VoidPaymentInput = z.input<typeof voidPaymentInput>;

export const refundPaymentInput = z.object({
  paymentId: z.uuid(),
  /** Chosen by the caller, so a retried refund is recorded (and sent to the processor) once. */
  refundId: z.uuid(),
  amount: positiveAmount,
  reason,
  /** False: the money goes back another way (cash for a card sale), which needs approval. */
  toOriginalTender: z.boolean().default(true),
  /**
   * A manager's or owner's access token (from a PIN or password login at the
   * till), needed above the store's refund limit or to another tender.
   */
  approval: z.object({ token: z.string().min(1).max(4096) }).optional(),
});
export type RefundPaymentInput = z.input<typeof refundPaymentInput>;

/** What a module calling `refundPayment` has already seen to itself; never taken over HTTP. */
export const refundPaymentOptions = z.object({
  /**
   * The caller pays a cash refund out of a drawer it found open itself and
   * posts the refund to that drawer (ordering's refunds of orders, which may
   * name another till than the one that took the payment), so payments does
   * not ask store-ops again, nor refuse a refund the caller has begun.
   */
  drawerChecked: z.boolean().optional(),
});
export type RefundPaymentOptions = z.input<typeof refundPaymentOptions>;

export const paymentStatus = z.enum([
  'pending',
  'declined',
  'authorized',
  'capture-failed',
  'captured',
  'partially-refunded',
  'refunded',
  'voided',
]);
export type PaymentStatusName = z.infer<typeof paymentStatus>;

export const paymentView = z.object({
  id: z.uuid(),
  orderId: z.uuid(),
  storeId: z.uuid(),
  status: paymentStatus,
  tender: tenderKind,
  currency: z.string(),
  /** All amounts in minor units. The sale's own amount, tip excluded. */
  amount: z.number().int(),
  tip: z.number().int(),
  authorized: z.number().int(),
  /** Tip included. */
  captured: z.number().int(),
  refunded: z.number().int(),
  refundable: z.number().int(),
  refundCount: z.number().int(),
  /** Cash handed over and the change due back. */
  cash: z.object({ given: z.number().int(), change: z.number().int() }).nullable(),
  card: z.object({ last4: z.string().nullable(), processorRef: z.string().nullable() }).nullable(),
  declineCode: z.string().nullable(),
  /** Why it was voided or declined, or why its capture failed. */
  note: z.string().nullable(),
  reference: z.string().nullable(),
  /** The stream version this view reflects. */
  version: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type PaymentView = z.infer<typeof paymentView>;

/** A page of a cursor-paginated list (`pageOf(item)` in the platform). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const listPaymentsQuery = z.object({
  ...pageQuery,
  orderId: z.uuid().optional(),
  storeId: z.uuid().optional(),
});
export type ListPaymentsQuery = z.input<typeof listPaymentsQuery>;

/** One event of a payment's stream, as stored. */
export const paymentEventView = z.object({
  version: z.number().int(),
  type: z.string(),
  occurredAt: z.iso.datetime(),
  actorId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type PaymentEventView = z.infer<typeof paymentEventView>;

export const setRefundLimitInput = z.object({ refundLimit: amountOrZero });

export const refundLimitView = z.object({
  storeId: z.uuid(),
  /** Minor units: refunds above it need a manager's approval. */
  refundLimit: z.number().int(),
  /** `default` until the store sets its own. */
  source: z.enum(['store', 'default']),
  updatedAt: z.iso.datetime().nullable(),
});
export type RefundLimitView = z.infer<typeof refundLimitView>;
