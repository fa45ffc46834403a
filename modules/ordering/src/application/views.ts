import type {
  FulfilmentView,
  KitchenTicketView,
  LineView,
  OrderSummaryView,
  OrderView,
  ReceiptView,
} from '../contract.ts';
import { refundedUnits } from '../domain/order.ts';
import { liveLines, priceOf } from '../domain/order-pricing.ts';
import type { Fulfilment } from '../domain/order-types.ts';
import type { OrderRecord, ReceiptRecord, TicketRecord } from './ports.ts';

const iso = (d: Date) => d.toISOString();

/** The contract names a delivery's recipient `name`; the domain says `recipientName`. */
export function toFulfilmentView(f: Fulfilment): FulfilmentView {
  if (f.type !== 'delivery') return { ...f };
  return {
    type: 'delivery',
    name: f.recipientName,
    address: f.address,
    ...(f.phone !== undefined && { phone: f.phone }),
  };
}

export function toFulfilment(f: FulfilmentView): Fulfilment {
  if (f.type !== 'delivery') return { ...f };
  return {
    type: 'delivery',
    recipientName: f.name,
    address: f.address,
    ...(f.phone !== undefined && { phone: f.phone }),
  };
}

export function toOrderView(r: OrderRecord): OrderView {
  const order = r.state;
  const priced = priceOf(order);
  const byLine = new Map(priced.lines.map((l) => [l.lineId, l]));
  const refunded = refundedUnits(order);
  const lines = order.lines.map((l): LineView => {
    const p = byLine.get(l.lineId);
    return {
      lineId: l.lineId,
      itemId: l.itemId,
      variantId: l.variantId,
      name: l.name,
      variantName: l.variantName,
      unitPrice: l.unitPrice,
      modifiers: l.modifiers.map((m) => ({
        optionId: m.optionId ?? null,
        name: m.name,
        priceDelta: m.priceDelta,
      })),
      taxRates: l.taxRates.map((t) => ({ ...t })),
      kitchenStation: l.kitchenStation,
      quantity: l.quantity,
      refundedQuantity: refunded.get(l.lineId) ?? 0,
      course: l.course,
      notes: l.notes,
      discount: l.discount,
      firedAt: l.firedAt,
      voided: l.voided && {
        reason: l.voided.reason,
        approvedBy: l.voided.approval.approvedBy,
        role: l.voided.approval.role,
        at: l.voided.at,
      },
      priced:
        p && !l.voided
          ? {
              unitPrice: p.unitPrice,
              gross: p.gross,
              itemDiscount: p.itemDiscount,
              orderDiscountShare: p.orderDiscountShare,
              net: p.net,
              serviceChargeShare: p.serviceChargeShare,
              taxes: p.taxes.map((t) => ({ ...t })),
              total: p.total,
            }
          : null,
    };
  });
  const unpaid = order.status === 'open' || order.status === 'sent';
  const parts = order.paidParts ?? [];
  const paidParts = new Set(parts.map((p) => p.partId));
  const tenderTips = order.payments.reduce((sum, p) => sum + (p.tip ?? 0), 0);
  return {
    orderId: r.id,
    storeId: r.storeId,
    registerId: r.registerId,
    orderNumber: order.orderNumber,
    status: order.status,
    fulfilment: toFulfilmentView(order.fulfilment),
    currency: order.currency,
    settings: { ...order.settings },
    notes: r.notes,
    openedBy: order.openedBy,
    openedAt: order.openedAt,
    lines,
    orderDiscount: order.orderDiscount,
    serviceCharge: order.serviceCharge && { bps: order.serviceCharge.bps },
    tip: order.tip,
    totals: { ...priced.totals, taxes: priced.totals.taxes.map((t) => ({ ...t })) },
    payments: order.payments.map((p) => ({
      paymentId: p.paymentId,
      amount: p.amount,
      tip: p.tip ?? 0,
    })),
    paidAmount: order.paidAmount,
    tenderTips,
    totalCharged: priced.totals.total + tenderTips,
    balanceDue: unpaid ? priced.totals.total - order.paidAmount : 0,
    paidParts: parts.map((p) => ({
      partId: p.partId,
      amount: p.amount,
      paidAt: p.at,
    })),
    paidAt: order.paidAt,
    closedAt: order.closedAt,
    voided: order.voided && {
      reason: order.voided.reason,
      approvedBy: order.voided.approval?.approvedBy ?? null,
      at: order.voided.at,
    },
    refundedAmount: order.refundedAmount,
    refundInProgress: order.pendingRefund
      ? {
          refundId: order.pendingRefund.refundId,
          amount: order.pendingRefund.amount,
          since: order.pendingRefund.at,
          until: order.pendingRefund.until,
        }
      : null,
    checkoutInProgress: order.checkout
      ? { checkoutId: order.checkout.checkoutId, since: order.checkout.since }
      : null,
    split: r.split && {
      ...r.split,
      parts: r.split.parts.map((p) => ({ ...p, paid: paidParts.has(p.partId) })),
    },
    version: r.version,
    updatedAt: iso(r.updatedAt),
  };
}

export function toSummaryView(r: OrderRecord): OrderSummaryView {
  return {
    orderId: r.id,
    storeId: r.storeId,
    registerId: r.registerId,
    orderNumber: r.state.orderNumber,
    status: r.state.status,
    fulfilment: toFulfilmentView(r.state.fulfilment),
    currency: r.state.currency,
    openedBy: r.state.openedBy,
    openedAt: r.state.openedAt,
    lineCount: liveLines(r.state).length,
    total: priceOf(r.state).totals.total,
    version: r.version,
    updatedAt: iso(r.updatedAt),
  };
}

export function toTicketView(t: TicketRecord): KitchenTicketView {
  return {
    ticketId: t.id,
    storeId: t.storeId,
    orderId: t.orderId,
    orderNumber: t.ticket.orderNumber,
    station: t.ticket.station,
    course: t.ticket.course,
    fulfilment: toFulfilmentView(t.ticket.fulfilment),
    orderNotes: t.orderNotes,
    items: t.ticket.items.map((i) => ({ ...i, modifiers: [...i.modifiers] })),
    status: t.status,
    firedAt: iso(t.firedAt),
    bumpedAt: t.bumpedAt && iso(t.bumpedAt),
    bumpedBy: t.bumpedBy,
  };
}

export function toReceiptView(r: ReceiptRecord): ReceiptView {
  const { footer, ...document } = r.document;
  return {
    orderId: r.orderId,
    storeId: r.storeId,
    registerId: r.registerId,
    receiptNumber: r.receiptNumber,
    document: {
      ...document,
      store: { ...document.store, address: [...document.store.address] },
      lines: document.lines.map((l) => ({ ...l, modifiers: [...l.modifiers] })),
      discounts: [...document.discounts],
      taxes: [...document.taxes],
      tenders: [...document.tenders],
      ...(footer && { footer: [...footer] }),
    },
    text: r.text,
    issuedAt: iso(r.createdAt),
  };
}
