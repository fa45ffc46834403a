import { z } from 'zod';
import { defineEvent } from '@stratum/platform';
import { tenderKind } from './payments.ts';

const common = {
  tenantId: z.uuid(),
  paymentId: z.uuid(),
  orderId: z.uuid(),
  storeId: z.uuid(),
  tender: tenderKind,
  currency: z.string(),
};
const minor = z.number().int();

/**
 * Integration events other contexts may follow (reporting, reconciliation
 * with the processor). Amounts are minor units of `currency`. (Store-ops'
 * drawer follows ordering's checkout and refund events, which name the register.)
 */
export const paymentsEvents = {
  /** Money was taken: `captured` = `amount` + `tip`. */
  paymentCaptured: defineEvent(
    'payments.payment-captured',
    1,
    z.object({
      ...common,
      amount: minor,
      tip: minor,
      captured: minor,
      /** Cash only: the change handed back. */
      change: minor.nullable(),
    }),
  ),
  paymentRefunded: defineEvent(
    'payments.payment-refunded',
    1,
    z.object({
      ...common,
      refundId: z.uuid(),
      amount: minor,
      /** Everything refunded on the payment so far, this refund included. */
      refundedTotal: minor,
      refundable: minor,
      toOriginalTender: z.boolean(),
      approvedBy: z.string().nullable(),
      reason: z.string(),
      /**
       * The till that took the payment, whose drawer pays cash back: null
       * when the payment does not say; absent from events written before
       * payments recorded it.
       */
      registerId: z.uuid().nullable().optional(),
    }),
  ),
  /** An uncaptured authorization was released; no money moved. */
  paymentVoided: defineEvent(
    'payments.payment-voided',
    1,
    z.object({ ...common, amount: minor, reason: z.string() }),
  ),
  /** The processor refused the card; no money moved. */
  paymentDeclined: defineEvent(
    'payments.payment-declined',
    1,
    z.object({ ...common, amount: minor, declineCode: z.string() }),
  ),
} as const;
