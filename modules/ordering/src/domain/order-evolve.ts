import { raise } from './errors.ts';
import type { OrderEvent } from './order-events.ts';
import type { Order, OrderLine } from './order-types.ts';

const updateLine = (order: Order, lineId: string, patch: (line: OrderLine) => OrderLine) => ({
  ...order,
  lines: order.lines.map((l) => (l.lineId === lineId ? patch(l) : l)),
});

/**
 * Applies one event to the order. It trusts the event (`decide` validated
 * it), so the state a row holds and the state rebuilt from the events are
 * the same thing.
 */
export function evolve(state: Order | null, event: OrderEvent): Order {
  if (event.type === 'OrderPlaced') {
    return {
      orderId: event.orderId,
      storeId: event.storeId,
      orderNumber: event.orderNumber,
      fulfilment: event.fulfilment,
      status: 'open',
      currency: event.currency,
      settings: event.settings,
      openedBy: event.openedBy,
      openedAt: event.at,
      lines: [],
      orderDiscount: null,
      serviceCharge: null,
      tip: 0,
      payments: [],
      paidAmount: 0,
      paidParts: [],
      paidAt: null,
      closedAt: null,
      voided: null,
      refunds: [],
      refundedAmount: 0,
      pendingRefund: null,
    };
  }
  if (!state) raise('order-not-found', `${event.type} for an order that was never placed.`);
  switch (event.type) {
    case 'LineAdded':
      return { ...state, lines: [...state.lines, event.line] };
    case 'LineQuantityChanged':
      return updateLine(state, event.lineId, (l) => ({ ...l, quantity: event.to }));
    case 'LineRemoved':
      if (!event.fired) {
        return { ...state, lines: state.lines.filter((l) => l.lineId !== event.lineId) };
      }
      return updateLine(state, event.lineId, (l) => ({
        ...l,
        voided: { reason: event.reason, approval: event.approval, at: event.at },
      }));
    case 'LineDiscountSet':
      return updateLine(state, event.lineId, (l) => ({ ...l, discount: event.discount }));
    case 'OrderDiscountSet':
      return { ...state, orderDiscount: event.discount };
    case 'ServiceChargeSet':
      return { ...state, serviceCharge: event.serviceCharge };
    case 'TipSet':
      return { ...state, tip: event.amount };
    case 'CourseFired': {
      const fired = new Set(event.lineIds);
      return {
        ...state,
        status: state.status === 'open' ? 'sent' : state.status,
        lines: state.lines.map((l) => (fired.has(l.lineId) ? { ...l, firedAt: event.at } : l)),
      };
    }
    case 'OrderPaid':
      return {
        ...state,
        checkout: null,
        status: 'paid',
        payments: event.payments,
        paidAmount: event.amount,
        paidAt: event.at,
      };
    case 'OrderPartPaid':
      return {
        ...state,
        checkout: null,
        payments: [
          ...state.payments,
          ...event.payments.map((p) => ({
            paymentId: p.paymentId,
            amount: p.amount,
            ...(p.tip && { tip: p.tip }),
          })),
        ],
        paidAmount: state.paidAmount + event.amount,
        paidParts: [
          ...(state.paidParts ?? []),
          { partId: event.partId, amount: event.amount, payments: event.payments, at: event.at },
        ],
      };
    case 'OrderClosed':
      // A refund before the close is kept in the status; the close is in `closedAt`.
      return {
        ...state,
        status: state.status === 'paid' ? 'closed' : state.status,
        closedAt: event.at,
      };
    case 'OrderVoided':
      return {
        ...state,
        checkout: null,
        status: 'voided',
        voided: { reason: event.reason, approval: event.approval, at: event.at },
      };
    case 'CheckoutHeld':
      return { ...state, checkout: { checkoutId: event.checkoutId, since: event.at } };
    case 'CheckoutReleased':
      return { ...state, checkout: null };
    case 'RefundBegun':
      return { ...state, pendingRefund: { ...event.refund, at: event.at } };
    case 'RefundCancelled':
      return { ...state, pendingRefund: null };
    case 'OrderRefunded':
      return {
        ...state,
        pendingRefund:
          state.pendingRefund?.refundId === event.refundId ? null : (state.pendingRefund ?? null),
        // Money given back on a bill still open (a paid part's) leaves it open.
        status:
          state.status === 'open' || state.status === 'sent'
            ? state.status
            : event.refundedTotal >= state.paidAmount
              ? 'refunded'
              : 'partially-refunded',
        refundedAmount: event.refundedTotal,
        refunds: [
          ...state.refunds,
          {
            refundId: event.refundId,
            amount: event.amount,
            ...(event.portions && { portions: event.portions }),
            lines: event.lines ?? [],
            reason: event.reason,
            approval: event.approval,
            at: event.at,
          },
        ],
      };
  }
}
