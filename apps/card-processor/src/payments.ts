import { ProcessorError } from './errors.ts';

export type PaymentStatus =
  'authorized' | 'captured' | 'partially_refunded' | 'refunded' | 'voided';

/** A sandbox payment as the API returns it. Amounts are integer minor units. */
export interface Payment {
  id: string;
  status: PaymentStatus;
  amount: number;
  currency: string;
  capturedAmount: number;
  refundedAmount: number;
  authorizationCode: string;
  last4: string;
  reference: string | null;
  createdAt: string;
}

export interface AuthorizeInput {
  id: string;
  amount: number;
  currency: string;
  cardNumber: string;
  capture: boolean;
  reference: string | null;
  authorizationCode: string;
  createdAt: string;
}

/** An approved card becomes an authorization, or a captured payment when `capture` is set. */
export function authorizePayment(input: AuthorizeInput): Payment {
  return {
    id: input.id,
    status: input.capture ? 'captured' : 'authorized',
    amount: input.amount,
    currency: input.currency,
    capturedAmount: input.capture ? input.amount : 0,
    refundedAmount: 0,
    authorizationCode: input.authorizationCode,
    // Only the last four digits are kept: the sandbox behaves as if it were PCI-scoped.
    last4: input.cardNumber.slice(-4),
    reference: input.reference,
    createdAt: input.createdAt,
  };
}

/**
 * Captures all or part of an authorization, once. As with card schemes, a partial capture
 * releases the rest of the hold: there is no second capture.
 */
export function capturePayment(payment: Payment, amount: number = payment.amount): Payment {
  if (payment.status === 'voided') {
    throw new ProcessorError('payment-voided', `Payment ${payment.id} was voided.`);
  }
  if (payment.status !== 'authorized') {
    throw new ProcessorError('already-captured', `Payment ${payment.id} is already captured.`);
  }
  if (amount > payment.amount) {
    throw new ProcessorError(
      'capture-exceeds-authorized',
      `Cannot capture ${amount}: only ${payment.amount} was authorized.`,
      { authorized: payment.amount },
    );
  }
  return { ...payment, status: 'captured', capturedAmount: amount };
}

/** Releases an authorization that was never captured. */
export function voidPayment(payment: Payment): Payment {
  if (payment.status !== 'authorized') {
    throw new ProcessorError(
      'not-voidable',
      `Payment ${payment.id} is ${payment.status}; only an authorized payment can be voided.`,
    );
  }
  return { ...payment, status: 'voided' };
}

/** Returns money from a captured payment, possibly in several parts. */
export function refundPayment(payment: Payment, amount: number): Payment {
  if (payment.status === 'authorized' || payment.status === 'voided') {
    throw new ProcessorError(
      'not-refundable',
      `Payment ${payment.id} is ${payment.status}; only a captured payment can be refunded.`,
    );
  }
  const refundable = payment.capturedAmount - payment.refundedAmount;
  if (amount > refundable) {
    throw new ProcessorError(
      'refund-exceeds-captured',
      `Cannot refund ${amount}: only ${refundable} of the captured amount is left.`,
      { refundable },
    );
  }
  const refundedAmount = payment.refundedAmount + amount;
  return {
    ...payment,
    refundedAmount,
    status: refundedAmount === payment.capturedAmount ? 'refunded' : 'partially_refunded',
  };
}
