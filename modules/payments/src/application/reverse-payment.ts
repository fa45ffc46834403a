import { DomainError, stableId } from '@stratum/platform';
import { raise, voidPaymentInput, type PaymentsApi } from '../contract.ts';
import type { PaymentsDeps } from './ports.ts';
import { getPayment } from './queries.ts';
import { reconcile } from './reconcile.ts';
import { refundPayment } from './refund-payment.ts';
import { voidPayment } from './void-payment.ts';

/** The refund that reverses a payment: one per payment, whoever retries. */
export const reversalRefundId = (paymentId: string) => stableId(`payments:reversal:${paymentId}`);

/**
 * Undoes a payment for a sale that did not happen (see `PaymentsApi`). Every
 * branch is idempotent, so the saga may call it again after a crash.
 */
export function reversePayment(deps: PaymentsDeps): PaymentsApi['reversePayment'] {
  const get = getPayment(deps);
  const settle = reconcile(deps);
  const release = voidPayment(deps);
  const giveBack = refundPayment(deps, { reversal: true });
  return async (ctx, raw) => {
    const { paymentId, reason } = voidPaymentInput.parse(raw);
    let view;
    try {
      view = await get(ctx, paymentId);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'payment-not-found') return null;
      throw error;
    }
    if (view.status === 'pending') view = await settle(ctx, paymentId);
    switch (view.status) {
      case 'pending':
        return raise('payment-pending', 'The processor has not answered yet; try again shortly.');
      case 'authorized':
      case 'capture-failed':
        return release(ctx, { paymentId, reason });
      case 'captured':
      case 'partially-refunded':
        return view.refundable > 0
          ? giveBack(ctx, {
              paymentId,
              refundId: reversalRefundId(paymentId),
              amount: view.refundable,
              reason,
              toOriginalTender: true,
            })
          : view;
      default:
        return view;
    }
  };
}
