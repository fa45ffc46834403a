import { priceOrder, type PricedOrder, type PricingInput } from './pricing.ts';
import type { Order, OrderLine } from './order-types.ts';

/** The lines that count: a fired line that was taken back stays on the order, priced at nothing. */
export const liveLines = (order: Order): OrderLine[] => order.lines.filter((l) => !l.voided);

/** The order as pricing sees it: snapshots only, never today's catalog. */
export function pricingInputOf(order: Order): PricingInput {
  return {
    lines: liveLines(order).map((l) => ({
      lineId: l.lineId,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      modifiers: l.modifiers.map((m) => ({ priceDelta: m.priceDelta })),
      taxes: l.taxRates.map((r) => ({ rateId: r.id, bps: r.bps, inclusive: r.inclusive })),
      discount: l.discount,
    })),
    orderDiscount: order.orderDiscount,
    serviceCharge: order.serviceCharge,
    tip: order.tip,
    settings: order.settings,
  };
}

export const priceOf = (order: Order): PricedOrder => priceOrder(pricingInputOf(order));
