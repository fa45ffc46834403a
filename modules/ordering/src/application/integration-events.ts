import type { z } from 'zod';
import type { orderingEvents } from '../contract.ts';
import type { TicketChange } from '../domain/kitchen.ts';
import type { OrderRefunded } from '../domain/order-events.ts';
import { liveLines, priceOf } from '../domain/order-pricing.ts';
import type { Approval, OrderStatus } from '../domain/order-types.ts';
import type { PricedOrder } from '../domain/pricing.ts';
import type { OrderRecord, TicketRecord } from './ports.ts';
import { toTicketView } from './views.ts';

type Payload<K extends keyof typeof orderingEvents> = z.input<
  (typeof orderingEvents)[K]['payload']
>;

export const placedPayload = (o: OrderRecord): Payload<'orderPlaced'> => ({
  orderId: o.id,
  storeId: o.storeId,
  registerId: o.registerId,
  orderNumber: o.state.orderNumber,
  fulfilment: o.state.fulfilment.type,
  currency: o.state.currency,
  openedBy: o.state.openedBy,
  openedAt: o.state.openedAt,
});

export const firedPayload = (t: TicketRecord): Payload<'kitchenTicketFired'> => ({
  storeId: t.storeId,
  ticket: toTicketView(t),
});

export const bumpedPayload = (t: TicketRecord): Payload<'kitchenTicketBumped'> => ({
  storeId: t.storeId,
  ticketId: t.id,
  orderId: t.orderId,
  station: t.ticket.station,
  course: t.ticket.course,
  bumpedAt: (t.bumpedAt ?? t.firedAt).toISOString(),
  bumpedBy: t.bumpedBy ?? '',
});

export const changedPayload = (
  t: TicketRecord,
  change: TicketChange,
): Payload<'kitchenTicketChanged'> => ({
  storeId: t.storeId,
  ticket: toTicketView(t),
  change: { ...change, items: change.items.map((i) => ({ ...i })) },
});

/**
 * One payment's share of a refund as announced: the register that gave it
 * back, the payment and its tender, and the money (`refundId` is the refund
 * payments made; `refundedTotal` counts the order's refunds up to this share).
 */
export interface RefundRoute {
  registerId: string;
  paymentId: string;
  tender: string;
  refundId: string;
  amount: number;
  refundedTotal: number;
}

export const refundedPayload = (
  o: OrderRecord,
  event: OrderRefunded,
  route: RefundRoute,
): Payload<'orderRefunded'> => ({
  orderId: o.id,
  storeId: o.storeId,
  registerId: route.registerId,
  refundId: route.refundId,
  paymentId: route.paymentId,
  tender: route.tender,
  amount: route.amount,
  currency: o.state.currency,
  refundedTotal: route.refundedTotal,
  reason: event.reason,
  approvedBy: event.approval.approvedBy,
  refundedAt: event.at,
});

/**
 * A sale as reporting needs it: the lines as sold, discounts, taxes per rate,
 * tip, staff. `priced` is the order's pricing, when the caller has it already.
 */
export function paidPayload(
  o: OrderRecord,
  receiptNumber: number,
  priced: PricedOrder = priceOf(o.state),
): Payload<'orderPaid'> {
  const byLine = new Map(priced.lines.map((l) => [l.lineId, l]));
  const { totals } = priced;
  return {
    orderId: o.id,
    storeId: o.storeId,
    registerId: o.registerId,
    orderNumber: o.state.orderNumber,
    fulfilment: o.state.fulfilment.type,
    currency: o.state.currency,
    openedBy: o.state.openedBy,
    receiptNumber,
    paidAt: o.state.paidAt ?? o.updatedAt.toISOString(),
    payments: o.state.payments.map((p) => ({
      paymentId: p.paymentId,
      amount: p.amount,
      tip: p.tip ?? 0,
    })),
    lines: liveLines(o.state).map((l) => {
      const p = byLine.get(l.lineId);
      return {
        lineId: l.lineId,
        itemId: l.itemId,
        variantId: l.variantId,
        name: l.name,
        variantName: l.variantName,
        quantity: l.quantity,
        gross: p?.gross ?? 0,
        discount: (p?.itemDiscount ?? 0) + (p?.orderDiscountShare ?? 0),
        net: p?.net ?? 0,
        tax: (p?.inclusiveTax ?? 0) + (p?.exclusiveTax ?? 0),
      };
    }),
    discountTotal: totals.discountTotal,
    serviceCharge: totals.serviceCharge,
    taxes: totals.taxes.map((t) => ({ ...t })),
    taxTotal: totals.taxTotal,
    tip: totals.tip,
    total: totals.total,
  };
}

export const voidedPayload = (
  o: OrderRecord,
  from: OrderStatus,
  reason: string,
  approval: Approval | null,
): Payload<'orderVoided'> => ({
  orderId: o.id,
  storeId: o.storeId,
  registerId: o.registerId,
  from,
  reason,
  approvedBy: approval?.approvedBy ?? null,
  total: priceOf(o.state).totals.total,
  voidedAt: o.state.voided?.at ?? o.updatedAt.toISOString(),
});

export const closedPayload = (o: OrderRecord): Payload<'orderClosed'> => ({
  orderId: o.id,
  storeId: o.storeId,
  closedAt: o.state.closedAt ?? o.updatedAt.toISOString(),
});
