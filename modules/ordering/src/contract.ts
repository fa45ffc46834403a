import { defineErrors, type Raise } from '@stratum/platform';

/** Ordering's error codes: stable kebab-case codes, each with its HTTP kind. */
export const orderingErrors = defineErrors({
  /** A money value is not a safe integer of minor units, or is negative where it may not be. */
  'invalid-amount': 'invalid',
  'invalid-quantity': 'invalid',
  /** A percentage outside 0–100 %, or a negative fixed amount. */
  'invalid-discount': 'invalid',
  /** Rate outside 0–10 000 bps, twice on one line, or one id with two meanings in an order. */
  'invalid-tax-rate': 'invalid',
  'invalid-service-charge': 'invalid',
  'invalid-currency': 'invalid',
  'invalid-course': 'invalid',
  'duplicate-line': 'invalid',
  'reason-required': 'invalid',
  'table-required': 'invalid',
  'delivery-details-required': 'invalid',
  'invalid-payment': 'invalid',
  'invalid-split': 'invalid',
  'order-not-found': 'not-found',
  'line-not-found': 'not-found',
  /** Removing or reducing a line the kitchen has seen, voiding and refunding need a manager. */
  'manager-approval-required': 'forbidden',
  'order-already-exists': 'conflict',
  /** Lines, discounts, service charge and tip change only while the order is open or sent. */
  'order-not-open': 'conflict',
  'invalid-order-transition': 'conflict',
  /** A fired line's quantity only goes down; more of it is a new line, fired on its own. */
  'line-already-fired': 'conflict',
  'nothing-to-fire': 'conflict',
  /** A paid order is voided only after its payments were voided. */
  'payment-not-voided': 'conflict',
  'duplicate-refund': 'conflict',
  'order-empty': 'unprocessable',
  /** The payments do not add up to the order's priced total. */
  'payment-amount-mismatch': 'unprocessable',
  /** Refunds never exceed what was paid minus what was already refunded. */
  'refund-exceeds-paid': 'unprocessable',
  /** A split by item must assign every unit of every line exactly once. */
  'split-quantity-mismatch': 'unprocessable',
});
export type OrderingErrorCode = keyof typeof orderingErrors.codes;
export const raise: Raise<OrderingErrorCode> = orderingErrors.raise;
