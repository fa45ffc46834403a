// Builders shared by the order tests. Plain domain data, no test framework,
// so this file stays as pure as the rules it feeds.
import { decide } from './order.ts';
import type { OrderEvent } from './order-events.ts';
import type {
  Approval,
  Fulfilment,
  NewLine,
  Order,
  OrderCommand,
  TaxRateSnapshot,
} from './order-types.ts';
import type { PricingSettings } from './pricing.ts';

export const minute = (m: number): Date => new Date(Date.UTC(2026, 10, 22, 12, m));
export const manager: Approval = { approvedBy: 'user-manager', role: 'manager' };
export const cashier: Approval = { approvedBy: 'user-cashier', role: 'cashier' };
export const settings: PricingSettings = { taxInclusive: true, rounding: 'per-line' };
export const vat7: TaxRateSnapshot = { id: 'vat-7', name: 'VAT', bps: 700, inclusive: true };

export function newLine(lineId: string, overrides: Partial<NewLine> = {}): NewLine {
  return {
    lineId,
    itemId: `item-${lineId}`,
    variantId: `variant-${lineId}`,
    name: 'Burger',
    variantName: 'Classic',
    unitPrice: 900,
    modifiers: [],
    taxRates: [vat7],
    kitchenStation: 'grill',
    quantity: 1,
    course: 1,
    ...overrides,
  };
}

export function placeOrder(
  fulfilment: Fulfilment = { type: 'dine-in', tableId: 'table-4' },
): Extract<OrderCommand, { type: 'place-order' }> {
  return {
    type: 'place-order',
    orderId: 'order-1',
    storeId: 'store-1',
    orderNumber: '42',
    fulfilment,
    currency: 'EUR',
    settings,
    openedBy: 'user-cashier',
  };
}

/** Runs the commands one after the other, a minute apart, from `state`. */
export function run(
  commands: readonly OrderCommand[],
  state: Order | null = null,
): { state: Order; events: OrderEvent[] } {
  let current = state;
  const events: OrderEvent[] = [];
  commands.forEach((command, i) => {
    const decision = decide(current, command, minute(i));
    current = decision.state;
    events.push(...decision.events);
  });
  if (!current) throw new Error('run needs a placed order or a place-order command');
  return { state: current, events };
}

/** An order at table 4 with two burgers (course 2) and a soup (course 1, kitchen). */
export const withLines = (): Order =>
  run([
    placeOrder(),
    { type: 'add-line', line: newLine('soup', { name: 'Soup', unitPrice: 550, course: 1 }) },
    { type: 'add-line', line: newLine('burger', { quantity: 2, course: 2 }) },
  ]).state;
