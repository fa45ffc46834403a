import { DomainError, type CallContext } from '@stratum/platform';
import { raiseCheckout } from '../../contract/checkout.ts';
import type { OrderingApi } from '../../contract.ts';
import type { cancelForCheckout, recordPayment } from '../settlement.ts';
import type { CheckoutOrders } from './ports.ts';

/** The saga's view of ordering, on ordering's own use cases. */
export function checkoutOrders(
  api: Pick<OrderingApi, 'getOrder' | 'fireCourse'>,
  settle: {
    recordPayment: ReturnType<typeof recordPayment>;
    cancelForCheckout: ReturnType<typeof cancelForCheckout>;
  },
): CheckoutOrders {
  return {
    async snapshot(ctx, orderId) {
      const order = await api.getOrder(ctx, orderId);
      // What is held is what is sold: units of each variant on the live lines.
      const units = new Map<string, number>();
      for (const line of order.lines) {
        if (line.voided) continue;
        units.set(line.variantId, (units.get(line.variantId) ?? 0) + line.quantity);
      }
      return {
        orderId,
        storeId: order.storeId,
        status: order.status,
        currency: order.currency,
        total: order.totals.total,
        version: order.version,
        lines: [...units].map(([variantId, quantity]) => ({ variantId, quantity })),
        parts: order.split?.parts.map((p) => ({ partId: p.partId, total: p.total })) ?? [],
      };
    },

    async markPaid(ctx, orderId, payment) {
      const order = await api.getOrder(ctx, orderId);
      const alreadyOurs =
        order.payments.length === payment.tenders.length &&
        payment.tenders.every((t, i) => order.payments[i]?.paymentId === t.paymentId);
      if (!alreadyOurs && order.version !== payment.orderVersion) {
        raiseCheckout(
          'order-changed-during-checkout',
          'The order changed while it was being paid; the payments are given back.',
        );
      }
      await settle.recordPayment(ctx, orderId, {
        payments: payment.tenders.map((t) => ({
          paymentId: t.paymentId,
          amount: t.amount,
          label: t.kind === 'cash' ? 'Cash' : `Card •••• ${t.card?.number.slice(-4) ?? ''}`,
          ...(t.kind === 'cash' && t.given !== undefined && { tendered: t.given }),
        })),
        receiptNumber: payment.receiptNumber,
        paidAt: payment.paidAt,
      });
    },

    async fireRemaining(ctx, orderId) {
      const order = await api.getOrder(ctx, orderId);
      const courses = new Set(
        order.lines.filter((l) => !l.voided && !l.firedAt).map((l) => l.course),
      );
      for (const course of [...courses].sort((a, b) => a - b)) {
        await fireIgnoringDone(api, ctx, orderId, course);
      }
    },

    async cancel(ctx, orderId, reason) {
      await settle.cancelForCheckout(ctx, orderId, reason);
    },
  };
}

/** A course fired meanwhile (a retry after a crash) is not an error. */
async function fireIgnoringDone(
  api: Pick<OrderingApi, 'fireCourse'>,
  ctx: CallContext,
  orderId: string,
  course: number,
) {
  try {
    await api.fireCourse(ctx, orderId, course);
  } catch (err) {
    if (err instanceof DomainError && err.code === 'nothing-to-fire') return;
    throw err;
  }
}
