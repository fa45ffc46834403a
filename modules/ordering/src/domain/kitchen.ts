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
