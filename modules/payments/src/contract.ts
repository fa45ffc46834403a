import {
  defineErrors,
  defineRemoteContract,
  type CallContext,
  type Raise,
} from '@stratum/platform';
import type {
  ListPaymentsQuery,
  Page,
  PaymentEventView,
  PaymentView,
  RefundLimitView,
  RefundPaymentInput,
  RefundPaymentOptions,
  TakePaymentInput,
  VoidPaymentInput,
} from './contract/payments.ts';
import { z } from 'zod';
import {
  paymentEventView,
  paymentView,
  refundPaymentInput,
  refundPaymentOptions,
  takePaymentInput,
  voidPaymentInput,
} from './contract/payments.ts';

export * from './contract/payments.ts';
export * from './contract/events.ts';

/** The roles payments knows about; they come from identity's tokens as plain strings. */
export const refundRoles = ['owner', 'manager', 'cashier'] as const;
/** Roles whose holder may approve a refund above the store's limit or to another tender. */
export const approverRoles = ['owner', 'manager'] as const;

/**
 * Permissions payments checks at its HTTP edge, and the roles holding them.
 * No route takes money: ordering's checkout does, under `ordering:checkout`.
 * A cashier may ask for refunds (the refund rules then decide whether a
 * manager must approve); voids need `payments:refund` too,
 * because they cancel a payment. Only managers and owners set the limits,
 * and only they reconcile a payment a crash left pending (it may conclude
 * that the processor never saw it, and record a decline).
 */
export const paymentsPermissions = {
  'payments:refund': ['owner', 'manager', 'cashier'],
  'payments:read': ['owner', 'manager', 'cashier'],
  'payments:configure': ['owner', 'manager'],
  'payments:reconcile': ['owner', 'manager'],
} as const satisfies Record<string, readonly string[]>;

/**
 * Payments' error codes. The payment rules raise the first group; the
 * Idempotency-Key rules the second; the card processor adapter the third.
 */
export const paymentErrors = defineErrors({
  'payment-not-found': 'not-found',
  'payment-already-exists': 'conflict',
  /** The payment id was used before for a different payment (or by another tenant). */
  'payment-id-reused': 'conflict',
  /** Another writer appended to the payment's stream first, twice in a row; try again. */
  'payment-concurrency-conflict': 'conflict',
  /** The processor's answer to the authorization is not recorded yet: reconcile first. */
  'payment-pending': 'conflict',
  'payment-not-pending': 'conflict',
  'payment-declined': 'conflict',
  /** The processor refused to capture the authorization; void it. */
  'payment-capture-failed': 'conflict',
  /** A captured payment is refunded, not voided. */
  'payment-already-captured': 'conflict',
  /** An uncaptured payment is voided, not refunded. */
  'payment-not-captured': 'conflict',
  'payment-voided': 'conflict',
  'refund-exceeds-captured': 'unprocessable',
  'capture-exceeds-authorized': 'unprocessable',
  'refund-already-recorded': 'conflict',
  /** The refund needs a manager's approval (amount over the store's limit, or another tender). */
  'refund-approval-required': 'forbidden',
  /** The approval token is not a valid access token of this tenant. */
  'refund-approval-invalid': 'forbidden',
  'refund-forbidden': 'forbidden',
  'store-not-allowed': 'forbidden',
  /** No such store in the caller's business. */
  'store-not-found': 'not-found',
  /** An archived store's settings are kept, not changed. */
  'store-archived': 'conflict',
  'reason-required': 'invalid',
  'invalid-amount': 'invalid',
  'invalid-currency': 'invalid',
  'tip-not-allowed': 'invalid',
  'currency-mismatch': 'unprocessable',
  'cash-insufficient': 'unprocessable',
  /** The card was declined; `declineCode` says why. Nothing was charged. */
  'card-declined': 'unprocessable',
  /**
   * A refund paid out in cash needs the drawer of the till that took the
   * payment open (details: `registerId`); open it and retry under the same key.
   */
  'drawer-not-open': 'conflict',
  /** The payment does not say which till took it, so no drawer can pay its cash back. */
  'payment-register-unknown': 'conflict',

  'idempotency-key-required': 'invalid',
  'idempotency-key-invalid': 'invalid',
  /** The first request with this key is still being processed. */
  'idempotency-key-in-flight': 'conflict',
  /** The key was used before with a different request. */
  'idempotency-key-reused': 'unprocessable',

  'card-number-invalid': 'unprocessable',
  /** The processor refused the request as it stands; details carry its own code. */
  'processor-rejected': 'unprocessable',
  /** The processor's state of the payment forbids the operation; details carry its code. */
  'processor-conflict': 'conflict',
  'processor-unauthorized': 'unavailable',
});
export type PaymentErrorCode = keyof typeof paymentErrors.codes;
export const raise: Raise<PaymentErrorCode> = paymentErrors.raise;

/**
 * Payments' public API. Each payment is an event-sourced stream (requested,
 * authorized, declined, captured, refunded, voided); views are its projection.
 * Every call takes the caller's tenant and actor first.
 */
export interface PaymentsApi {
  /**
   * Authorizes and captures a payment: cash at once (with the change due), a
   * card at the processor. Idempotent on `paymentId`: the same input again
   * returns the payment as it stands without charging twice, and resumes one
   * left half-way; a different input is `payment-id-reused`. A decline is
   * recorded and raised as `card-declined` (details: `declineCode`).
   */
  takePayment(ctx: CallContext, input: TakePaymentInput): Promise<PaymentView>;
  /** Releases an uncaptured authorization. Idempotent; a captured payment is refunded instead. */
  voidPayment(ctx: CallContext, input: VoidPaymentInput): Promise<PaymentView>;
  /**
   * Gives money back, up to captured minus refunded. Above the store's limit
   * or to another tender a manager must approve (`approval.token`). Cash
   * paid out (a cash payment's own refund, or any refund to another tender)
   * leaves the drawer of the till that took the payment, which must be open
   * (`drawer-not-open`) unless `options.drawerChecked`. Idempotent on
   * `refundId`: a refund already made is returned as it stands, whatever
   * the drawer's state by now.
   */
  refundPayment(
    ctx: CallContext,
    input: RefundPaymentInput,
    options?: RefundPaymentOptions,
  ): Promise<PaymentView>;
  getPayment(ctx: CallContext, paymentId: string): Promise<PaymentView>;
  listPayments(ctx: CallContext, query: ListPaymentsQuery): Promise<Page<PaymentView>>;
  /** The payment's stream, oldest first. */
  paymentEvents(ctx: CallContext, paymentId: string): Promise<PaymentEventView[]>;
  /**
   * Sets the largest refund staff may give alone in a store of the caller's
   * business (`store-not-found` otherwise), not an archived one
   * (`store-archived`).
   */
  setRefundLimit(ctx: CallContext, storeId: string, amount: number): Promise<RefundLimitView>;
  /** The store's refund limit, archived or not; `store-not-found` for no store of the business. */
  getRefundLimit(ctx: CallContext, storeId: string): Promise<RefundLimitView>;
  /**
   * For recovery after a crash: when the stream shows a card authorization
   * (or capture) whose outcome was never recorded, asks the processor what
   * happened (by the payment id as reference) and records it.
   */
  reconcile(ctx: CallContext, paymentId: string): Promise<PaymentView>;
  /**
   * Gives back all the money of a payment whose sale never happened (the
   * checkout saga undoing itself), whatever state it reached: an outcome left
   * unknown is reconciled first, an authorization is voided, a capture is
   * refunded in full to its own tender without a manager (the refund id is
   * derived from the payment id, so a retry refunds once). A payment that
   * does not exist, or has nothing left to give back, is returned as it is
   * (`null` if it does not exist). Not offered over the public API.
   */
  reversePayment(ctx: CallContext, input: VoidPaymentInput): Promise<PaymentView | null>;
}

/** What other modules (ordering's checkout and refunds) call on payments across a process boundary. */
export const paymentsRemote = defineRemoteContract<PaymentsApi>()('payments', {
  // Idempotent on the payment id and the refund id: a retry never charges or refunds twice.
  takePayment: { args: z.tuple([takePaymentInput]), result: paymentView, idempotent: true },
  reversePayment: {
    args: z.tuple([voidPaymentInput]),
    result: paymentView.nullable(),
    idempotent: true,
  },
  refundPayment: {
    args: z.tuple([refundPaymentInput, refundPaymentOptions.optional()]),
    result: paymentView,
    idempotent: true,
  },
  getPayment: { args: z.tuple([z.uuid()]), result: paymentView, idempotent: true },
  paymentEvents: {
    args: z.tuple([z.uuid()]),
    result: z.array(paymentEventView),
    idempotent: true,
  },
});
