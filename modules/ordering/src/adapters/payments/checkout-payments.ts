import type { PaymentsApi } from '@stratum/payments/contract';
import type { CheckoutPayments } from '../../application/checkout/ports.ts';
import type { RefundPayments } from '../../application/refund-order.ts';

/** The checkout's payments on payments' contract: both calls idempotent on the payment id. */
export function paymentsForCheckout(
  payments: Pick<PaymentsApi, 'takePayment' | 'reversePayment'>,
): CheckoutPayments {
  return {
    async take(ctx, tender, order) {
      await payments.takePayment(ctx, {
        paymentId: tender.paymentId,
        orderId: order.orderId,
        storeId: order.storeId,
        // The till the cash goes into: a refund through payments pays it back from there.
        registerId: order.registerId,
        currency: order.currency,
        amount: tender.amount,
        reference: `order ${order.orderId}`,
        ...(tender.kind === 'cash'
          ? { tender: { kind: 'cash', given: tender.given ?? tender.amount } }
          : { tip: tender.tip, tender: { kind: 'card', card: { number: tender.card!.number } } }),
      });
    },
    async undo(ctx, paymentId, reason) {
      await payments.reversePayment(ctx, { paymentId, reason: reason.slice(0, 500) });
    },
  };
}

/** Refunds of paid orders on payments' contract. */
export function paymentsForRefunds(
  payments: Pick<PaymentsApi, 'getPayment' | 'refundPayment' | 'paymentEvents'>,
): RefundPayments {
  return {
    async findRefund(ctx, paymentIds, refundId) {
      for (const paymentId of paymentIds) {
        const events = await payments.paymentEvents(ctx, paymentId);
        const holds = events.some(
          (e) => e.type === 'payment.refunded' && e.data['refundId'] === refundId,
        );
        if (holds) return { paymentId, tender: (await payments.getPayment(ctx, paymentId)).tender };
      }
      return undefined;
    },
    async refundable(ctx, paymentId) {
      const payment = await payments.getPayment(ctx, paymentId);
      return { refundable: payment.refundable, tender: payment.tender };
    },
    async refund(ctx, input) {
      await payments.refundPayment(
        ctx,
        {
          paymentId: input.paymentId,
          refundId: input.refundId,
          amount: input.amount,
          reason: input.reason,
          toOriginalTender: true,
          approval: { token: input.token },
        },
        // The order's refund found its till's drawer open before any money moved, and
        // carries on with a refund it began even if the drawer closed since.
        { drawerChecked: true },
      );
    },
  };
}
