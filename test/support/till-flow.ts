import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { MenuDocument } from '@stratum/catalog/contract';
import type { CheckoutView, OrderView, ReceiptView } from '@stratum/ordering/contract';
import { demoAccounts } from '../../apps/server/src/seed/demo-data.ts';
import { seedDemo } from '../../apps/server/src/seed/seed.ts';
import { eventually, type Api } from './checkout-till.ts';

type Json = Record<string, unknown>;
type List = { items: { id: string }[] };

/** A drink with a priced modifier option (a coffee with milk options) and a plain item. */
export function pickItems(menu: MenuDocument) {
  const items = [...menu.categories.flatMap((c) => c.items), ...menu.uncategorized];
  const withModifiers = items.find(
    (i) => i.available && i.modifierGroupIds.length > 0 && i.kind === 'menu',
  )!;
  const group = menu.modifierGroups.find((g) => g.id === withModifiers.modifierGroupIds[0])!;
  const option = group.options.find((o) => o.priceDeltaMinor > 0) ?? group.options[0]!;
  const plain = items.find((i) => i.available && i.modifierGroupIds.length === 0)!;
  return { withModifiers, option, plain };
}

export interface TillFlowResult {
  orderId: string;
  checkout: CheckoutView;
  refunded: OrderView;
}

/**
 * The till's whole day through HTTP only, against any deployment shape: the
 * demo café is created through the public API (tenant sign-up, staff, stores,
 * menu, stock), a cashier opens a drawer, loads the menu, rings up an order
 * with modifiers and a discount, takes cash plus card, prints the receipt, and
 * refunds one item with a manager's approval; the drawer's X report then
 * shows the sale and the refund (events from ordering reaching store-ops).
 * Last, a goodwill refund through payments' own route takes cash out of
 * the same drawer.
 */
export async function tillFlow(api: Api, baseUrl: string): Promise<TillFlowResult> {
  const seeded = await seedDemo(baseUrl);
  expect(seeded).toMatchObject({ created: true, stores: 2 });
  const cashier = await api.login(demoAccounts.cashier);
  const manager = await api.login(demoAccounts.manager);

  const stores = await api.ok<List>(200, 'GET', '/api/v1/store-ops/stores', cashier);
  const storeId = stores.items[0]!.id;
  const till = await api.ok<{ id: string }>(201, 'POST', '/api/v1/store-ops/registers', manager, {
    storeId,
    name: `Shape till ${Date.now()}`,
  });
  const session = await api.ok<{ id: string }>(
    201,
    'POST',
    `/api/v1/store-ops/registers/${till.id}/drawer`,
    cashier,
    { openingFloatMinor: 10_000 },
  );

  const menu = await api.ok<MenuDocument>(
    200,
    'GET',
    `/api/v1/catalog/stores/${storeId}/menu`,
    cashier,
  );
  const { withModifiers, option, plain } = pickItems(menu);

  const order = await api.ok<OrderView>(201, 'POST', '/api/v1/ordering/orders', cashier, {
    storeId,
    registerId: till.id,
    fulfilment: { type: 'takeaway' },
    lines: [
      { variantId: withModifiers.variants[0]!.id, optionIds: [option.id], quantity: 2 },
      { variantId: plain.variants[0]!.id, quantity: 1 },
    ],
  });
  const discounted = await api.ok<OrderView>(
    200,
    'PUT',
    `/api/v1/ordering/orders/${order.orderId}/discount`,
    cashier,
    { discount: { kind: 'percent', bps: 1000 } },
  );
  const total = discounted.totals.total;
  const modified = discounted.lines.find((l) => l.modifiers.length > 0)!;
  expect(modified.modifiers.length).toBeGreaterThan(0);
  const cash = Math.floor(total / 3);

  const checkout = await api.ok<CheckoutView>(
    201,
    'POST',
    `/api/v1/ordering/orders/${order.orderId}/checkout`,
    cashier,
    {
      registerId: till.id,
      tenders: [
        { kind: 'cash', amount: cash, given: cash + 500 },
        { kind: 'card', amount: total - cash, tip: 100, card: { number: '4242424242424242' } },
      ],
    },
    { 'idempotency-key': `shape-${order.orderId}` },
  );
  expect(checkout).toMatchObject({ status: 'completed', changeDue: 500, total });

  const card = await api.ok<Json>(
    200,
    'GET',
    `/api/v1/payments/${checkout.tenders[1]!.paymentId}`,
    cashier,
  );
  expect(card).toMatchObject({ status: 'captured', captured: total - cash + 100, tender: 'card' });
  const receipt = await api.ok<ReceiptView>(
    200,
    'GET',
    `/api/v1/ordering/orders/${order.orderId}/receipt`,
    cashier,
  );
  expect(receipt.receiptNumber).toBe(checkout.receiptNumber);
  expect(receipt.text).toContain(String(checkout.receiptNumber));

  const refundPath = `/api/v1/ordering/orders/${order.orderId}/refunds`;
  const refund = { lines: [{ lineId: modified.lineId, quantity: 1 }], reason: 'spilled' };
  const refused = await api.call(
    'POST',
    refundPath,
    cashier,
    { ...refund, approval: { token: cashier } },
    { 'idempotency-key': `refund-a-${order.orderId}` },
  );
  expect(refused.status).toBe(403);
  const refunded = await api.ok<OrderView>(
    201,
    'POST',
    refundPath,
    cashier,
    { ...refund, approval: { token: manager } },
    { 'idempotency-key': `refund-b-${order.orderId}` },
  );
  expect(refunded.status).toBe('partially-refunded');
  expect(refunded.refundedAmount).toBe(Math.round(modified.priced!.total / 2));

  // Ordering's events reach store-ops: the card sale, then its refund, land in the drawer.
  type XReport = { tenders: { tender: string; salesMinor: number; refundsMinor: number }[] };
  const xReport = () =>
    api.ok<XReport>(
      200,
      'GET',
      `/api/v1/store-ops/drawer-sessions/${session.id}/x-report`,
      cashier,
    );
  const x = await eventually(
    'the card refund in the drawer’s X report',
    async () => {
      const report = await xReport();
      const refunded = report.tenders.find((t) => t.tender === 'card')?.refundsMinor ?? 0;
      return refunded > 0 ? report : undefined;
    },
    20_000,
  );
  const cardLine = x.tenders.find((t) => t.tender === 'card');
  expect(cardLine).toMatchObject({ salesMinor: total - cash + 100 });
  expect(cardLine!.refundsMinor).toBe(refunded.refundedAmount);

  // Goodwill through payments' own route pays cash out of the drawer of the till that took
  // the payment: payments asks store-ops (another process in the services shape) that it is open.
  await api.ok(
    201,
    'POST',
    `/api/v1/payments/${checkout.tenders[0]!.paymentId}/refunds`,
    manager,
    { refundId: randomUUID(), amount: 100, reason: 'goodwill' },
    { 'idempotency-key': `goodwill-${order.orderId}` },
  );
  await eventually(
    'the cash refund in the drawer’s X report',
    async () => {
      const report = await xReport();
      const cashLine = report.tenders.find((t) => t.tender === 'cash');
      return cashLine?.refundsMinor === 100 ? report : undefined;
    },
    20_000,
  );
  return { orderId: order.orderId, checkout, refunded };
}
