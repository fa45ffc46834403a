import type { OrderEvent } from './order-events.ts';
import type { KitchenTicket, KitchenTicketItem, Order, OrderLine } from './order-types.ts';

/**
 * Groups the lines being fired by kitchen station, stations in the order
 * their first line was rung up. A line without a station (a bottled drink
 * handed over at the till) is fired with the course but appears on no ticket.
 */
export function ticketsFor(
  order: Order,
  lines: readonly OrderLine[],
  course: number,
  at: string,
): KitchenTicket[] {
  const byStation = new Map<string, KitchenTicketItem[]>();
  for (const line of lines) {
    if (line.kitchenStation === null) continue;
    const items = byStation.get(line.kitchenStation) ?? [];
    items.push({
      lineId: line.lineId,
      name: line.name,
      variantName: line.variantName,
      quantity: line.quantity,
      modifiers: line.modifiers.map((m) => m.name),
      notes: line.notes,
    });
    byStation.set(line.kitchenStation, items);
  }
  return [...byStation].map(([station, items]) => ({
    orderId: order.orderId,
    orderNumber: order.orderNumber,
    station,
    course,
    fulfilment: order.fulfilment,
    firedAt: at,
    items,
  }));
}

/** What an order change takes back from the kitchen. */
export type KitchenTakeBack =
  | {
      readonly kind: 'line-voided';
      readonly lineId: string;
      readonly reason: string;
      readonly at: string;
    }
  | {
      readonly kind: 'line-reduced';
      readonly lineId: string;
      readonly quantity: number;
      readonly reason: string;
      readonly at: string;
    }
  | { readonly kind: 'order-voided'; readonly reason: string; readonly at: string };

/** One item of a ticket as a take-back changed it: `to` is 0 for a voided one. */
export interface TicketItemChange {
  readonly lineId: string;
  readonly name: string;
  readonly variantName: string;
  readonly from: number;
  readonly to: number;
}

export interface TicketChange {
  readonly kind: KitchenTakeBack['kind'];
  readonly reason: string;
  readonly at: string;
  readonly items: readonly TicketItemChange[];
}

/**
 * The take-backs in an order's events. Only a fired line's void or reduction
 * carries a reason (and a manager's approval), so an unfired line taken off
 * the order, which the kitchen never saw, yields none. An order void yields
 * one whatever was fired; it only touches tickets that exist.
 */
export function takeBacksOf(events: readonly OrderEvent[]): KitchenTakeBack[] {
  return events.flatMap((e): KitchenTakeBack[] => {
    if (e.type === 'LineRemoved' && e.fired) {
      return [{ kind: 'line-voided', lineId: e.lineId, reason: e.reason, at: e.at }];
    }
    if (e.type === 'LineQuantityChanged' && e.approval && e.reason !== null && e.to < e.from) {
      return [
        { kind: 'line-reduced', lineId: e.lineId, quantity: e.to, reason: e.reason, at: e.at },
      ];
    }
    if (e.type === 'OrderVoided') return [{ kind: 'order-voided', reason: e.reason, at: e.at }];
    return [];
  });
}

/**
 * A ticket after a take-back, and what changed on it; null when the ticket
 * does not hold what was taken back. A voided item stays on the ticket, marked,
 * so the cook sees what to stop; a reduced one keeps the quantity first fired.
 */
export function applyTakeBack(
  ticket: KitchenTicket,
  takeBack: KitchenTakeBack,
): { ticket: KitchenTicket; change: TicketChange } | null {
  const changed: TicketItemChange[] = [];
  const items = ticket.items.map((item): KitchenTicketItem => {
    if (item.voided) return item;
    if (takeBack.kind !== 'order-voided' && item.lineId !== takeBack.lineId) return item;
    const { lineId, name, variantName, quantity } = item;
    const { reason, at } = takeBack;
    if (takeBack.kind === 'line-reduced') {
      if (takeBack.quantity >= quantity) return item;
      changed.push({ lineId, name, variantName, from: quantity, to: takeBack.quantity });
      return {
        ...item,
        quantity: takeBack.quantity,
        reduced: { from: item.reduced?.from ?? quantity, reason, at },
      };
    }
    changed.push({ lineId, name, variantName, from: quantity, to: 0 });
    return { ...item, voided: { reason, at } };
  });
  if (changed.length === 0) return null;
  return {
    ticket: { ...ticket, items },
    change: { kind: takeBack.kind, reason: takeBack.reason, at: takeBack.at, items: changed },
  };
}
