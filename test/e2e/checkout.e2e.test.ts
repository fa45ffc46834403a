import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MenuDocument } from '@stratum/catalog/contract';
import type { CheckoutView, OrderView, ReceiptView } from '@stratum/ordering/contract';
import { demoAccounts } from '../../apps/server/src/seed/demo-data.ts';
import { seedDemo } from '../../apps/server/src/seed/seed.ts';
import { bearer, startTestServer, testEngines, type TestServer } from '@stratum/testing';
import { pickItems } from '../support/till-flow.ts';

type Json = Record<string, unknown>;

/**
 * The till's whole flow through HTTP on the seeded café: a cashier logs in,
 * loads the menu, rings up an order with modifiers and a discount, takes it
 * as cash plus card, prints the receipt, and refunds one item with a
 * manager's approval.
 */
describe.each(testEngines())('checking out at the till on %s', (engine) => {
  let t: TestServer;
  let cashier: string;
  let manager: string;
  let storeId: string;
  let registerId: string;
  let menu: MenuDocument;

  const call = async (
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    token: string,
    payload?: Json,
    headers: Record<string, string> = {},
  ) =>
    t.server.app.inject({
      method,
      url,
      headers: { ...bearer(token), ...headers },
      ...(payload && { payload }),
    });
  const ok = async <T>(status: number, ...args: Parameters<typeof call>): Promise<T> => {
    const res = await call(...args);
    expect(res.statusCode, res.body).toBe(status);
    return res.json<T>();
  };
  const login = async (account: { email: string; password: string }) =>
    (
      await t.server.app.inject({
        method: 'POST',
        url: '/api/v1/identity/auth/login',
        payload: account,
      })
    ).json<{ accessToken: string }>().accessToken;

  beforeAll(async () => {
    t = await startTestServer(engine);
    await seedDemo(t.server);
    cashier = await login(demoAccounts.cashier);
    manager = await login(demoAccounts.manager);
    const stores = await ok<{ items: { id: string }[] }>(
      200,
      'GET',
      '/api/v1/store-ops/stores',
      cashier,
    );
    storeId = stores.items[0]!.id;
    const registers = await ok<{ items: { id: string }[] }>(
      200,
      'GET',
      `/api/v1/store-ops/registers?storeId=${storeId}`,
      cashier,
    );
    registerId = registers.items[0]!.id;
    // Cash goes into an open drawer.
    await ok(201, 'POST', `/api/v1/store-ops/registers/${registerId}/drawer`, cashier, {
      openingFloatMinor: 0,
    });
    menu = await ok<MenuDocument>(200, 'GET', `/api/v1/catalog/stores/${storeId}/menu`, cashier);
  }, 180_000);
  afterAll(() => t?.close());

  /** A till of its own with its drawer open, so no other test's sale lands in that drawer. */
  async function tillWithDrawer(name: string, openingFloatMinor: number) {
    const till = await ok<{ id: string }>(201, 'POST', '/api/v1/store-ops/registers', manager, {
      storeId,
      name: `${name} ${Date.now()}`,
    });
    const session = await ok<{ id: string }>(
      201,
      'POST',
      `/api/v1/store-ops/registers/${till.id}/drawer`,
      cashier,
      { openingFloatMinor },
    );
    return { till, session };
  }

  /** Pays the whole order by card at the first till. */
  const payByCard = (order: OrderView) =>
    ok<CheckoutView>(
      201,
      'POST',
      `/api/v1/ordering/orders/${order.orderId}/checkout`,
      cashier,
      {
        registerId,
        tenders: [
          { kind: 'card', amount: order.totals.total, card: { number: '4242424242424242' } },
        ],
      },
      { 'idempotency-key': `card-${order.orderId}` },
    );

  /** Pays `cash` in cash (given exactly) and the rest by card, with `tip` on the card, at `till`. */
  const payCashAndCard = (order: OrderView, till: string, cash: number, tip = 0) =>
    ok<CheckoutView>(
      201,
      'POST',
      `/api/v1/ordering/orders/${order.orderId}/checkout`,
      cashier,
      {
        registerId: till,
        tenders: [
          { kind: 'cash', amount: cash, given: cash },
          {
            kind: 'card',
            amount: order.totals.total - cash,
            tip,
            card: { number: '4242424242424242' },
          },
        ],
      },
      { 'idempotency-key': `cash-and-card-${order.orderId}` },
    );

  async function ringUp(register = registerId) {
    const { withModifiers, option, plain } = pickItems(menu);
    const order = await ok<OrderView>(201, 'POST', '/api/v1/ordering/orders', cashier, {
      storeId,
      registerId: register,
      fulfilment: { type: 'takeaway' },
    });
    const base = `/api/v1/ordering/orders/${order.orderId}`;
    await ok(200, 'POST', `${base}/lines`, cashier, {
      variantId: withModifiers.variants[0]!.id,
      optionIds: [option.id],
      quantity: 2,
    });
    await ok(200, 'POST', `${base}/lines`, cashier, {
      variantId: plain.variants[0]!.id,
      quantity: 1,
    });
    return ok<OrderView>(200, 'PUT', `${base}/discount`, cashier, {
      discount: { kind: 'percent', bps: 1000 },
    });
  }

  it('takes cash and card for an order with modifiers and a discount, prints the receipt, refunds an item', async () => {
    const order = await ringUp();
    expect(order.orderDiscount).toEqual({ kind: 'percent', bps: 1000 });
    const modified = order.lines.find((l) => l.modifiers.length > 0)!;
    expect(modified.quantity).toBe(2);
    const total = order.totals.total;
    const cash = Math.floor(total / 3);

    const checkout = await ok<CheckoutView>(
      201,
      'POST',
      `/api/v1/ordering/orders/${order.orderId}/checkout`,
      cashier,
      {
        registerId,
        tenders: [
          { kind: 'cash', amount: cash, given: cash + 500 },
          { kind: 'card', amount: total - cash, tip: 100, card: { number: '4242424242424242' } },
        ],
      },
      { 'idempotency-key': `till-${order.orderId}` },
    );
    expect(checkout).toMatchObject({ status: 'completed', changeDue: 500, total });
    expect(checkout.receiptNumber).toBeGreaterThan(0);

    const paid = await ok<OrderView>(
      200,
      'GET',
      `/api/v1/ordering/orders/${order.orderId}`,
      cashier,
    );
    expect(paid.status).toBe('paid');
    expect(paid.paidAmount).toBe(total);
    expect(paid.lines.every((l) => l.firedAt !== null)).toBe(true);
    const card = await ok<Json>(
      200,
      'GET',
      `/api/v1/payments/${checkout.tenders[1]!.paymentId}`,
      cashier,
    );
    expect(card).toMatchObject({
      status: 'captured',
      captured: total - cash + 100,
      tender: 'card',
    });

    const receipt = await ok<ReceiptView>(
      200,
      'GET',
      `/api/v1/ordering/orders/${order.orderId}/receipt`,
      cashier,
    );
    expect(receipt.receiptNumber).toBe(checkout.receiptNumber);
    expect(receipt.text.split('\n').every((line) => line.length <= 80)).toBe(true);
    expect(receipt.text).toContain(String(checkout.receiptNumber));

    // One unit of the modified drink back, to the card, with the manager's say-so.
    const refundPath = `/api/v1/ordering/orders/${order.orderId}/refunds`;
    const refund = { lines: [{ lineId: modified.lineId, quantity: 1 }], reason: 'spilled' };
    const withoutManager = await call(
      'POST',
      refundPath,
      cashier,
      { ...refund, approval: { token: cashier } },
      { 'idempotency-key': 'refund-1' },
    );
    expect(withoutManager.statusCode).toBe(403);
    const refundOnce = () =>
      call(
        'POST',
        refundPath,
        cashier,
        { ...refund, approval: { token: manager } },
        { 'idempotency-key': 'refund-2' },
      );
    const first = await refundOnce();
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const refunded = first.json<OrderView>();
    const share = Math.round(modified.priced!.total / 2);
    expect(refunded.status).toBe('partially-refunded');
    expect(refunded.refundedAmount).toBe(share);
    // Retried with the same key: answered, said to be a replay, and given back once.
    const again = await refundOnce();
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json<OrderView>().refundedAmount).toBe(share);
    const afterRefund = await ok<Json>(
      200,
      'GET',
      `/api/v1/payments/${checkout.tenders[1]!.paymentId}`,
      cashier,
    );
    expect(afterRefund).toMatchObject({ refunded: share, status: 'partially-refunded' });
  });

  it('posts the till’s sales and refunds to its open cash drawer: the X report follows, the Z balances', async () => {
    const { till, session } = await tillWithDrawer('Drawer till', 10_000);
    const xReport = () =>
      ok<Json>(200, 'GET', `/api/v1/store-ops/drawer-sessions/${session.id}/x-report`, cashier);

    const order = await ringUp(till.id);
    const plain = order.lines.find((l) => l.modifiers.length === 0)!;
    // Cash pays exactly the plain item, so that item can go back in cash; the card pays the rest.
    const cash = plain.priced!.total;
    const card = order.totals.total - cash;
    const checkout = await payCashAndCard(order, till.id, cash, 100);
    expect(checkout.status).toBe('completed');
    // The card's tip is on top of the order's total; the order and its receipt agree on both.
    const sold = await ok<OrderView>(
      200,
      'GET',
      `/api/v1/ordering/orders/${order.orderId}`,
      cashier,
    );
    expect(sold).toMatchObject({
      tip: 0,
      tenderTips: 100,
      totalCharged: order.totals.total + 100,
    });
    const { document } = await ok<ReceiptView>(
      200,
      'GET',
      `/api/v1/ordering/orders/${order.orderId}/receipt`,
      cashier,
    );
    expect(document).toMatchObject({ tip: 100, total: sold.totalCharged });
    await expect.poll(xReport).toMatchObject({
      openingFloatMinor: 10_000,
      cashSalesMinor: cash,
      cashRefundsMinor: 0,
      expectedCashMinor: 10_000 + cash,
      tenders: [
        { tender: 'card', salesMinor: card + 100, refundsMinor: 0, count: 1 },
        { tender: 'cash', salesMinor: cash, refundsMinor: 0, count: 1 },
      ],
    });

    // The plain item back in cash, with the manager's say-so: it leaves this drawer.
    await ok<OrderView>(
      201,
      'POST',
      `/api/v1/ordering/orders/${order.orderId}/refunds`,
      cashier,
      {
        lines: [{ lineId: plain.lineId, quantity: 1 }],
        reason: 'changed their mind',
        approval: { token: manager },
        paymentId: checkout.tenders[0]!.paymentId,
      },
      { 'idempotency-key': `drawer-refund-${order.orderId}` },
    );
    await expect.poll(xReport).toMatchObject({
      cashSalesMinor: cash,
      cashRefundsMinor: cash,
      expectedCashMinor: 10_000,
      tenders: [
        { tender: 'card', salesMinor: card + 100, refundsMinor: 0, netMinor: card + 100 },
        { tender: 'cash', salesMinor: cash, refundsMinor: cash, netMinor: 0, count: 2 },
      ],
      movementCount: 4,
    });
    const z = await ok<Json>(
      201,
      'POST',
      `/api/v1/store-ops/drawer-sessions/${session.id}/close`,
      manager,
      { countedCashMinor: 10_000 },
    );
    expect(z).toMatchObject({ expectedCashMinor: 10_000, overShortMinor: 0 });
  });

  it('gives back a sale paid half in cash, half by card, in one refund: each tender its share', async () => {
    const { till, session } = await tillWithDrawer('Shared refund till', 10_000);
    const order = await ringUp(till.id);
    const cash = Math.floor(order.totals.total / 2);
    const card = order.totals.total - cash;
    const checkout = await payCashAndCard(order, till.id, cash);
    const [cashPayment, cardPayment] = checkout.tenders.map((t) => t.paymentId);
    const refund = () =>
      call(
        'POST',
        `/api/v1/ordering/orders/${order.orderId}/refunds`,
        cashier,
        {
          lines: order.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity })),
          reason: 'wrong order',
          approval: { token: manager },
        },
        { 'idempotency-key': `shared-refund-${order.orderId}` },
      );
    const first = await refund();
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json<OrderView>()).toMatchObject({
      status: 'refunded',
      refundedAmount: order.totals.total,
    });
    for (const [paymentId, amount] of [
      [cardPayment, card],
      [cashPayment, cash],
    ] as const) {
      expect(await ok<Json>(200, 'GET', `/api/v1/payments/${paymentId}`, manager)).toMatchObject({
        status: 'refunded',
        refunded: amount,
      });
    }
    // Only the cash share leaves the drawer.
    await expect
      .poll(() =>
        ok<Json>(200, 'GET', `/api/v1/store-ops/drawer-sessions/${session.id}/x-report`, cashier),
      )
      .toMatchObject({
        cashSalesMinor: cash,
        cashRefundsMinor: cash,
        expectedCashMinor: 10_000,
        tenders: [
          { tender: 'card', salesMinor: card, refundsMinor: card, netMinor: 0 },
          { tender: 'cash', salesMinor: cash, refundsMinor: cash, netMinor: 0 },
        ],
      });
    const again = await refund();
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json<OrderView>().refundedAmount).toBe(order.totals.total);
  });

  it('splits the bill and lets each guest pay their part on their own, the receipt with the last', async () => {
    const { till, session } = await tillWithDrawer('Split till', 5_000);
    const order = await ringUp(till.id);
    const base = `/api/v1/ordering/orders/${order.orderId}`;
    const split = await ok<OrderView['split'] & object>(200, 'POST', `${base}/split`, cashier, {
      mode: 'even',
      parts: 2,
    });
    const [first, second] = split.parts;
    expect(first!.total + second!.total).toBe(order.totals.total);
    const payPart = (partId: string, tenders: Json[], key: string) =>
      call(
        'POST',
        `${base}/checkout`,
        cashier,
        { registerId: till.id, partId, tenders },
        {
          'idempotency-key': key,
        },
      );
    const byCard = {
      kind: 'card',
      amount: first!.total,
      tip: 80,
      card: { number: '4242424242424242' },
    };

    const one = await payPart('1', [byCard], `part-1-${order.orderId}`);
    expect(one.statusCode, one.body).toBe(201);
    expect(one.json<CheckoutView>()).toMatchObject({
      status: 'completed',
      partId: '1',
      total: first!.total,
      balanceDue: second!.total,
      receiptNumber: null,
    });
    const partly = await ok<OrderView>(200, 'GET', base, cashier);
    expect(partly).toMatchObject({
      status: 'open',
      paidAmount: first!.total,
      balanceDue: second!.total,
      paidParts: [{ partId: '1', amount: first!.total }],
      split: {
        parts: [
          { partId: '1', paid: true },
          { partId: '2', paid: false },
        ],
      },
    });
    // The bill stays what the first guest paid a part of, and the order is not voided under them.
    const refused = [
      await call('PUT', `${base}/tip`, cashier, { amount: 100 }),
      await call('POST', `${base}/split`, cashier, { mode: 'even', parts: 3 }),
      await call('POST', `${base}/void`, cashier, { reason: 'walked out', approval: manager }),
    ];
    for (const res of refused) {
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json()).toMatchObject({ code: 'order-partly-paid' });
    }
    const twice = await payPart('1', [byCard], `part-1-again-${order.orderId}`);
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ code: 'part-already-paid' });
    const noReceipt = await call('GET', `${base}/receipt`, cashier);
    expect(noReceipt.statusCode).toBe(404);

    const cash = { kind: 'cash', amount: second!.total, given: second!.total + 20 };
    const two = await payPart('2', [cash], `part-2-${order.orderId}`);
    expect(two.statusCode, two.body).toBe(201);
    const last = two.json<CheckoutView>();
    expect(last).toMatchObject({ status: 'completed', partId: '2', balanceDue: 0, changeDue: 20 });
    expect(last.receiptNumber).toBeGreaterThan(0);

    const paid = await ok<OrderView>(200, 'GET', base, cashier);
    expect(paid).toMatchObject({ status: 'paid', paidAmount: order.totals.total, balanceDue: 0 });
    expect(paid.payments.map((p) => p.amount)).toEqual([first!.total, second!.total]);
    expect(paid.lines.every((l) => l.firedAt !== null)).toBe(true);
    const receipt = await ok<ReceiptView>(200, 'GET', `${base}/receipt`, cashier);
    expect(receipt.receiptNumber).toBe(last.receiptNumber);
    // Each tender says which part of the bill it paid.
    expect(receipt.text).toContain('Card •••• 4242 (part 1)');
    expect(receipt.text).toContain('Cash (part 2)');
    // Each guest's money is in the drawer of the till that took it, when it was taken.
    await expect
      .poll(() =>
        ok<Json>(200, 'GET', `/api/v1/store-ops/drawer-sessions/${session.id}/x-report`, cashier),
      )
      .toMatchObject({
        cashSalesMinor: second!.total,
        expectedCashMinor: 5_000 + second!.total,
        tenders: [
          { tender: 'card', salesMinor: first!.total + 80, count: 1 },
          { tender: 'cash', salesMinor: second!.total, count: 1 },
        ],
      });
  });

  it('counts money given back through payments’ own refund route on the order it paid', async () => {
    const order = await ringUp();
    const base = `/api/v1/ordering/orders/${order.orderId}`;
    const checkout = await payByCard(order);
    const paymentId = checkout.tenders[0]!.paymentId;
    await ok(
      201,
      'POST',
      `/api/v1/payments/${paymentId}/refunds`,
      manager,
      { refundId: crypto.randomUUID(), amount: 120, reason: 'goodwill' },
      { 'idempotency-key': `direct-refund-${order.orderId}` },
    );
    await expect
      .poll(async () => (await ok<OrderView>(200, 'GET', base, cashier)).refundedAmount)
      .toBe(120);
    const counted = await ok<OrderView>(200, 'GET', base, cashier);
    expect(counted.status).toBe('partially-refunded');
  });

  it('seats a dine-in order at a table of the floor plan, and the receipt names the table', async () => {
    const tables = await ok<{ items: { id: string; name: string }[] }>(
      200,
      'GET',
      `/api/v1/store-ops/tables?storeId=${storeId}`,
      cashier,
    );
    const table = tables.items[0]!;
    const { plain } = pickItems(menu);
    const order = await ok<OrderView>(201, 'POST', '/api/v1/ordering/orders', cashier, {
      storeId,
      registerId,
      fulfilment: { type: 'dine-in', tableId: table.id, covers: 2 },
      lines: [{ variantId: plain.variants[0]!.id, quantity: 1 }],
    });
    expect(order.fulfilment).toMatchObject({ tableId: table.id, tableName: table.name });
    const base = `/api/v1/ordering/orders/${order.orderId}`;
    await payByCard(order);
    const receipt = await ok<ReceiptView>(200, 'GET', `${base}/receipt`, cashier);
    expect(receipt.text).toContain(`Table ${table.name}`);
    expect(receipt.text).not.toContain(table.id);
  });

  it('seats an order at a table with the longest name the floor plan allows', async () => {
    const section = await ok<{ id: string }>(201, 'POST', '/api/v1/store-ops/sections', manager, {
      storeId,
      name: `Terrace ${Date.now()}`,
    });
    const name = `Long table ${'x'.repeat(69)}`;
    expect(name).toHaveLength(80);
    const table = await ok<{ id: string }>(201, 'POST', '/api/v1/store-ops/tables', manager, {
      sectionId: section.id,
      name,
      seats: 4,
    });
    const { plain } = pickItems(menu);
    const order = await ok<OrderView>(201, 'POST', '/api/v1/ordering/orders', cashier, {
      storeId,
      registerId,
      fulfilment: { type: 'dine-in', tableId: table.id },
      lines: [{ variantId: plain.variants[0]!.id, quantity: 1 }],
    });
    expect(order.fulfilment).toMatchObject({ tableId: table.id, tableName: name });
    const base = `/api/v1/ordering/orders/${order.orderId}`;
    const listed = await ok<{ items: OrderView[] }>(
      200,
      'GET',
      `/api/v1/ordering/orders?storeId=${storeId}&limit=200`,
      cashier,
    );
    expect(listed.items.map((o) => o.orderId)).toContain(order.orderId);
    await payByCard(order);
    const receipt = await ok<ReceiptView>(200, 'GET', `${base}/receipt`, cashier);
    // Too long for the order line's right-hand side: it wraps, within 80 columns.
    expect(receipt.text).toContain('Table Long table');
    expect(receipt.text.split('\n').every((line) => line.length <= 80)).toBe(true);
  });

  it('numbers the receipt in the sequence of the till that took the payment', async () => {
    const stamp = Date.now();
    const newTill = async (name: string) =>
      (
        await ok<{ id: string }>(201, 'POST', '/api/v1/store-ops/registers', manager, {
          storeId,
          name: `${name} ${stamp}`,
        })
      ).id;
    const bar = await newTill('Bar');
    const terrace = await newTill('Terrace');
    for (const till of [bar, terrace]) {
      await ok(201, 'POST', `/api/v1/store-ops/registers/${till}/drawer`, cashier, {
        openingFloatMinor: 0,
      });
    }
    const payAt = async (order: OrderView, till: string, key: string) =>
      ok<CheckoutView>(
        201,
        'POST',
        `/api/v1/ordering/orders/${order.orderId}/checkout`,
        cashier,
        {
          registerId: till,
          tenders: [{ kind: 'cash', amount: order.totals.total, given: order.totals.total }],
        },
        { 'idempotency-key': key },
      );
    // Opened at the bar, paid on the terrace; then the bar's own first sale.
    const moved = await ringUp(bar);
    const paidOnTerrace = await payAt(moved, terrace, `moved-${moved.orderId}`);
    const atBar = await ringUp(bar);
    const paidAtBar = await payAt(atBar, bar, `bar-${atBar.orderId}`);
    expect([paidOnTerrace.status, paidAtBar.status]).toEqual(['completed', 'completed']);
    expect([paidOnTerrace.receiptNumber, paidAtBar.receiptNumber]).toEqual([1, 1]);
    const receipt = await ok<ReceiptView>(
      200,
      'GET',
      `/api/v1/ordering/orders/${moved.orderId}/receipt`,
      cashier,
    );
    expect(receipt).toMatchObject({ registerId: terrace, receiptNumber: 1 });
    // The receipt names the till and the cashier who took the payment, not their ids.
    expect(receipt.text).toContain(`Register Terrace ${stamp}`);
    expect(receipt.text).not.toContain(terrace);
    expect(receipt.text).toContain('Cashier Demo cashier');
  });

  it('replays a retried checkout and refuses the key for another request', async () => {
    const order = await ringUp();
    const path = `/api/v1/ordering/orders/${order.orderId}/checkout`;
    const body = {
      registerId,
      tenders: [{ kind: 'card', amount: order.totals.total, card: { number: '4242424242424242' } }],
    };
    const key = { 'idempotency-key': `retry-${order.orderId}` };
    const first = await call('POST', path, cashier, body, key);
    const second = await call('POST', path, cashier, body, key);
    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    expect(second.json<CheckoutView>().id).toBe(first.json<CheckoutView>().id);
    // Told apart as on every Idempotency-Key route.
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(second.headers['idempotent-replayed']).toBe('true');
    const payments = await ok<{ items: unknown[] }>(
      200,
      'GET',
      `/api/v1/payments?storeId=${storeId}&limit=100`,
      cashier,
    );
    expect(payments.items.filter((p) => (p as Json)['orderId'] === order.orderId)).toHaveLength(1);

    const other = await call(
      'POST',
      path,
      cashier,
      { ...body, tenders: [{ ...body.tenders[0], amount: 1 }] },
      key,
    );
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ code: 'idempotency-key-reused' });
  });

  it('undoes the checkout when the card is declined: no money kept, and the bill is paid another way', async () => {
    const order = await ringUp();
    const total = order.totals.total;
    const res = await call(
      'POST',
      `/api/v1/ordering/orders/${order.orderId}/checkout`,
      cashier,
      {
        registerId,
        tenders: [
          { kind: 'cash', amount: 100, given: 100 },
          { kind: 'card', amount: total - 100, card: { number: '4000000000009995' } },
        ],
      },
      { 'idempotency-key': `declined-${order.orderId}` },
    );
    expect(res.statusCode).toBe(422);
    const problem = res.json<{ code: string; checkout: CheckoutView }>();
    expect(problem.code).toBe('checkout-failed');
    expect(problem.checkout).toMatchObject({
      status: 'compensated',
      failure: { code: 'card-declined', step: 'pay:1' },
    });
    const cash = await ok<Json>(
      200,
      'GET',
      `/api/v1/payments/${problem.checkout.tenders[0]!.paymentId}`,
      cashier,
    );
    expect(cash).toMatchObject({ status: 'refunded', refunded: 100 });
    const owed = await ok<OrderView>(
      200,
      'GET',
      `/api/v1/ordering/orders/${order.orderId}`,
      cashier,
    );
    expect(owed).toMatchObject({ status: 'open', checkoutInProgress: null, paidAmount: 0 });
    // The guest hands over another card: the same bill is paid, and sold once.
    const paid = await payByCard(owed);
    expect(paid).toMatchObject({ status: 'completed', receiptNumber: expect.any(Number) });
    expect(
      (await ok<OrderView>(200, 'GET', `/api/v1/ordering/orders/${order.orderId}`, cashier)).status,
    ).toBe('paid');
  });

  it('takes no card at a store archived while an order was open: nothing is charged', async () => {
    const owner = await login(demoAccounts.owner);
    const popUp = await ok<{ id: string }>(201, 'POST', '/api/v1/store-ops/stores', owner, {
      name: `Pop-up ${Date.now()}`,
      timezone: 'Europe/Vienna',
      currency: 'EUR',
    });
    const till = await ok<{ id: string }>(201, 'POST', '/api/v1/store-ops/registers', owner, {
      storeId: popUp.id,
      name: 'Pop-up till',
    });
    const { plain } = pickItems(menu);
    const order = await ok<OrderView>(201, 'POST', '/api/v1/ordering/orders', owner, {
      storeId: popUp.id,
      registerId: till.id,
      fulfilment: { type: 'takeaway' },
      lines: [{ variantId: plain.variants[0]!.id, quantity: 1 }],
    });
    await ok(200, 'POST', `/api/v1/store-ops/stores/${popUp.id}/archive`, owner, {
      reason: 'the season is over',
    });

    const res = await call(
      'POST',
      `/api/v1/ordering/orders/${order.orderId}/checkout`,
      owner,
      {
        registerId: till.id,
        tenders: [
          { kind: 'card', amount: order.totals.total, card: { number: '4242424242424242' } },
        ],
      },
      { 'idempotency-key': `archived-${order.orderId}` },
    );

    expect(res.statusCode, res.body).toBe(409);
    expect(res.json()).toMatchObject({ code: 'store-archived', storeId: popUp.id });
    const payments = await ok<{ items: unknown[] }>(
      200,
      'GET',
      `/api/v1/payments?orderId=${order.orderId}`,
      owner,
    );
    expect(payments.items).toEqual([]);
    expect(
      await ok<OrderView>(200, 'GET', `/api/v1/ordering/orders/${order.orderId}`, owner),
    ).toMatchObject({ status: 'open', checkoutInProgress: null, paidAmount: 0 });
  });

  it.each([
    [
      'tenders that do not add up to the total',
      () => [{ kind: 'cash', amount: 1, given: 1 }],
      422,
      { code: 'tenders-do-not-cover-total' },
    ],
    [
      // The approved test card with its last digit mistyped.
      'a mistyped card number',
      (total: number) => [{ kind: 'card', amount: total, card: { number: '4242424242424241' } }],
      400,
      {
        code: 'validation-failed',
        errors: [expect.objectContaining({ path: 'body.tenders.0.card.number' }) as unknown],
      },
    ],
    [
      'no tender for an order that owes money',
      () => [],
      422,
      { code: 'tenders-do-not-cover-total' },
    ],
    [
      'a tip on cash',
      (total: number) => [{ kind: 'cash', amount: total, given: total, tip: 50 }],
      400,
      { code: 'validation-failed' },
    ],
    [
      'a misspelt field',
      (total: number) => [
        { kind: 'card', amount: total, tipp: 100, card: { number: '4242424242424242' } },
      ],
      400,
      { code: 'validation-failed' },
    ],
  ] as const)(
    'refuses %s before anything starts: the order stays open',
    async (_what, tenders, status, problem) => {
      const order = await ringUp();
      const res = await call(
        'POST',
        `/api/v1/ordering/orders/${order.orderId}/checkout`,
        cashier,
        { registerId, tenders: tenders(order.totals.total) },
        { 'idempotency-key': `refused-${order.orderId}` },
      );
      expect(res.statusCode).toBe(status);
      expect(res.json()).toMatchObject(problem);
      expect(
        (await ok<OrderView>(200, 'GET', `/api/v1/ordering/orders/${order.orderId}`, cashier))
          .status,
      ).toBe('open');
    },
  );

  it('sells an order comped in full with no tender: a receipt, and the order closes', async () => {
    const order = await ringUp();
    const comped = await ok<OrderView>(
      200,
      'PUT',
      `/api/v1/ordering/orders/${order.orderId}/discount`,
      cashier,
      { discount: { kind: 'percent', bps: 10_000 } },
    );
    expect(comped.totals.total).toBe(0);
    const done = await ok<CheckoutView>(
      201,
      'POST',
      `/api/v1/ordering/orders/${order.orderId}/checkout`,
      cashier,
      { registerId, tenders: [] },
      { 'idempotency-key': `comped-${order.orderId}` },
    );
    expect(done).toMatchObject({ status: 'completed', total: 0, tenders: [] });
    expect(done.receiptNumber).toBeGreaterThan(0);
    const receipt = await ok<{ text: string }>(
      200,
      'GET',
      `/api/v1/ordering/orders/${order.orderId}/receipt`,
      cashier,
    );
    expect(receipt.text).toContain(`${done.receiptNumber}`);
    const closed = await ok<OrderView>(
      200,
      'POST',
      `/api/v1/ordering/orders/${order.orderId}/close`,
      cashier,
    );
    expect(closed).toMatchObject({ status: 'closed', paidAmount: 0 });
  });
});
