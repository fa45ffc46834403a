import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresUrl, testEngines } from '@stratum/testing';
import { orderingHarness, type Harness, type Shop } from '../test-harness.ts';
import { recordPartPaymentIn, recordPaymentIn, type RecordPaymentInput } from './settlement.ts';

describe.each(testEngines())('split bills, payment and receipts on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await orderingHarness(
      engine === 'postgres' ? { postgres: await createTestDatabase(postgresUrl()!) } : {},
    );
  });
  afterAll(() => h?.close());

  /** Burger with cheese and bacon (11.50), a cola (3.00 + 19 %), tip 1.00: total 16.07. */
  async function tab(s: Shop) {
    const ctx = s.cashier.ctx;
    const { orderId } = await h.api.createOrder(ctx, {
      storeId: s.storeId,
      registerId: s.registerId,
      fulfilment: { type: 'dine-in', tableId: '4' },
    });
    const { burger, cola } = s.menu;
    await h.api.addLine(ctx, orderId, {
      variantId: burger.variantId,
      optionIds: burger.optionIds,
      quantity: 1,
    });
    await h.api.addLine(ctx, orderId, { variantId: cola.variantId, quantity: 1 });
    const order = await h.api.setTip(ctx, orderId, { amount: 100 });
    return { orderId, order };
  }

  const payment = (over: Partial<RecordPaymentInput> = {}): RecordPaymentInput => ({
    payments: [
      { paymentId: 'cash-1', amount: 1000, label: 'Cash', tendered: 2000 },
      { paymentId: 'card-1', amount: 607, label: 'Card' },
    ],
    receiptNumber: 1042,
    paidAt: h.clock.now(),
    register: 'Front till',
    cashier: 'Ana',
    ...over,
  });

  it('splits evenly and by item; parts add up and the split lasts until the bill changes', async () => {
    const s = h.shop();
    const { orderId, order } = await tab(s);
    expect(order.totals.total).toBe(1607);
    const even = await h.api.splitBill(s.cashier.ctx, orderId, { mode: 'even', parts: 3 });
    expect(even).toMatchObject({ mode: 'even', total: 1607, orderVersion: order.version });
    expect(even.parts.map((p) => p.total)).toEqual([536, 536, 535]);
    expect(even.parts.map((p) => p.tip)).toEqual([34, 33, 33]);
    expect((await h.api.getOrder(s.cashier.ctx, orderId)).split).toEqual(even);

    const [burger, cola] = order.lines;
    const byItem = await h.api.splitBill(s.cashier.ctx, orderId, {
      mode: 'by-item',
      parts: [
        { partId: 'ana', items: [{ lineId: burger!.lineId, quantity: 1 }] },
        { partId: 'ben', items: [{ lineId: cola!.lineId, quantity: 1 }] },
      ],
    });
    expect(byItem.parts.map((p) => [p.partId, p.subtotal, p.tip, p.total])).toEqual([
      ['ana', 1150, 76, 1226],
      ['ben', 357, 24, 381],
    ]);
    await expect(
      h.api.splitBill(s.cashier.ctx, orderId, {
        mode: 'by-item',
        parts: [
          { items: [{ lineId: burger!.lineId, quantity: 1 }] },
          { items: [{ lineId: burger!.lineId, quantity: 1 }] },
        ],
      }),
    ).rejects.toMatchObject({ code: 'split-quantity-mismatch' });
    const changed = await h.api.setTip(s.cashier.ctx, orderId, { amount: 200 });
    expect(changed.split).toBeNull();
  });

  it('records a payment: the order is paid, its 80-column receipt stored and the sale announced', async () => {
    const s = h.shop();
    const { orderId } = await tab(s);
    await expect(h.api.getReceipt(s.cashier.ctx, orderId)).rejects.toMatchObject({
      code: 'receipt-not-found',
    });
    const { order, receipt, replayed } = await h.module.checkout.recordPayment(
      s.cashier.ctx,
      orderId,
      payment(),
    );
    expect(replayed).toBe(false);
    expect(order).toMatchObject({
      status: 'paid',
      paidAmount: 1607,
      payments: [
        { paymentId: 'cash-1', amount: 1000 },
        { paymentId: 'card-1', amount: 607 },
      ],
    });
    expect(receipt).toMatchObject({
      orderId,
      registerId: s.registerId,
      receiptNumber: 1042,
      document: { total: 1607, tip: 100, change: 1000, orderNumber: '1', orderLabel: 'Table 4' },
    });
    const lines = receipt.text.trimEnd().split('\n');
    expect(lines.every((l) => Array.from(l).length <= 80)).toBe(true);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ +Café Stratum$/),
        expect.stringMatching(/^Receipt 1042 +Register Front till$/),
        expect.stringMatching(/^Order 1 +Table 4$/),
        expect.stringMatching(/^Opened 2026-11-22 12:00 +Printed 2026-11-22 12:00$/),
        expect.stringMatching(/^ {2}\+ Bacon \(\+1\.50\)$/),
        expect.stringMatching(/^TOTAL EUR +16\.07$/),
        expect.stringMatching(/^Change +10\.00$/),
      ]),
    );
    expect(await h.api.getReceipt(s.cashier.ctx, orderId)).toEqual(receipt);
    const [paid] = await h.events(s.tenant, 'ordering.order-paid');
    expect(paid?.payload).toMatchObject({
      orderId,
      receiptNumber: 1042,
      total: 1607,
      tip: 100,
      taxTotal: 132,
      lines: [
        expect.objectContaining({ name: 'Burger', gross: 1150, net: 1150, tax: 75 }),
        expect.objectContaining({ name: 'Cola', gross: 300, net: 300, tax: 57 }),
      ],
    });

    const again = await h.module.checkout.recordPayment(s.cashier.ctx, orderId, payment());
    expect(again).toMatchObject({ replayed: true, receipt: { receiptNumber: 1042 } });
    await expect(
      h.module.checkout.recordPayment(s.cashier.ctx, orderId, payment({ receiptNumber: 1043 })),
    ).rejects.toMatchObject({ code: 'invalid-order-transition' });
    expect(await h.events(s.tenant, 'ordering.order-paid')).toHaveLength(1);
  });

  it('records a tip given with a card on the order and its receipt, beside the order’s own', async () => {
    const s = h.shop();
    const { orderId } = await tab(s);
    const { order, receipt } = await h.module.checkout.recordPayment(
      s.cashier.ctx,
      orderId,
      payment({
        payments: [
          { paymentId: 'cash-1', amount: 1000, label: 'Cash' },
          { paymentId: 'card-1', amount: 607, label: 'Card', tip: 120 },
        ],
      }),
    );
    expect(order).toMatchObject({
      paidAmount: 1607,
      tip: 100,
      payments: [
        { paymentId: 'cash-1', amount: 1000, tip: 0 },
        { paymentId: 'card-1', amount: 607, tip: 120 },
      ],
    });
    expect(receipt.document).toMatchObject({ tip: 220, total: 1727, change: 0 });
    const [paid] = await h.events(s.tenant, 'ordering.order-paid');
    expect(paid?.payload).toMatchObject({
      tip: 100,
      payments: [
        { paymentId: 'cash-1', amount: 1000, tip: 0 },
        { paymentId: 'card-1', amount: 607, tip: 120 },
      ],
    });
    expect(receipt.text).toMatch(/^Tip +2\.20$/m);
    expect(receipt.text).toMatch(/^Card +7\.27$/m);
    expect(await h.api.getOrder(s.cashier.ctx, orderId)).toEqual(order);
  });

  it('refuses payments that do not add up, and a receipt number the register already used', async () => {
    const s = h.shop();
    const first = await tab(s);
    const second = await tab(s);
    await expect(
      h.module.checkout.recordPayment(
        s.cashier.ctx,
        first.orderId,
        payment({ payments: [{ paymentId: 'p', amount: 1606 }] }),
      ),
    ).rejects.toMatchObject({ code: 'payment-amount-mismatch' });
    await h.module.checkout.recordPayment(s.cashier.ctx, first.orderId, payment());
    await expect(
      h.module.checkout.recordPayment(s.cashier.ctx, second.orderId, payment()),
    ).rejects.toMatchObject({ code: 'receipt-number-taken' });
    expect((await h.api.getOrder(s.cashier.ctx, second.orderId)).status).toBe('open');
  });

  it('keeps nothing of a checkout’s payment refused for a taken receipt number, its commit sent along', async () => {
    const s = h.shop();
    const first = await tab(s);
    const second = await tab(s);
    await h.module.checkout.recordPayment(s.cashier.ctx, first.orderId, payment());
    const store = await h.module.deps.stores.get(s.cashier.ctx, s.storeId);

    await expect(
      h.module.deps.store.inTenant(s.cashier.ctx, (repo) =>
        recordPaymentIn(repo, s.cashier.ctx, second.orderId, payment(), store, {
          fireKitchen: true,
          last: true,
        }),
      ),
    ).rejects.toMatchObject({ code: 'receipt-number-taken' });

    expect(await h.api.getOrder(s.cashier.ctx, second.orderId)).toEqual(second.order);
    const tickets = await h.api.getKitchenTickets(s.cashier.ctx, s.storeId, { status: 'open' });
    expect(tickets.filter((t) => t.orderId === second.orderId)).toEqual([]);
    const paid = await h.events(s.tenant, 'ordering.order-paid');
    expect(paid.map((e) => (e.payload as { orderId: string }).orderId)).toEqual([first.orderId]);
  });

  it('pays the order and fires its courses as one change when asked to', async () => {
    const s = h.shop();
    const { orderId, order } = await tab(s);
    const store = await h.module.deps.stores.get(s.cashier.ctx, s.storeId);

    await h.module.deps.store.inTenant(s.cashier.ctx, (repo) =>
      recordPaymentIn(repo, s.cashier.ctx, orderId, payment(), store, {
        fireKitchen: true,
        last: true,
      }),
    );

    const paid = await h.api.getOrder(s.cashier.ctx, orderId);
    expect(paid.status).toBe('paid');
    expect(paid.lines.every((l) => l.firedAt !== null)).toBe(true);
    // Paid, then fired: the events follow the version the order was at.
    expect(paid.version).toBeGreaterThan(order.version + 1);
    const tickets = await h.api.getKitchenTickets(s.cashier.ctx, s.storeId, { status: 'open' });
    expect(tickets.filter((t) => t.orderId === orderId).length).toBeGreaterThan(0);
  });

  it('records a part paid on its own, then the payment that settles: one receipt with every tender', async () => {
    const s = h.shop();
    const ctx = s.cashier.ctx;
    const { orderId } = await tab(s);
    const split = await h.api.splitBill(ctx, orderId, { mode: 'even', parts: 2 });
    expect(split.parts.map((p) => p.total)).toEqual([804, 803]);
    const part = {
      partId: '1',
      payments: [{ paymentId: 'card-a', amount: 804, tip: 50, label: 'Card •••• 1111' }],
      paidAt: h.clock.now(),
    };
    const payPart = (input = part) =>
      h.module.deps.store.inTenant(ctx, (repo) => recordPartPaymentIn(repo, ctx, orderId, input));
    const partly = await payPart();
    expect(partly).toMatchObject({
      status: 'open',
      paidAmount: 804,
      balanceDue: 803,
      payments: [{ paymentId: 'card-a', amount: 804, tip: 50 }],
      split: {
        parts: [
          { partId: '1', paid: true },
          { partId: '2', paid: false },
        ],
      },
    });
    // Recorded once: the same part with the same payments again changes nothing.
    expect((await payPart()).version).toBe(partly.version);
    await expect(
      payPart({ ...part, payments: [{ ...part.payments[0]!, paymentId: 'card-z' }] }),
    ).rejects.toMatchObject({ code: 'invalid-order-transition' });
    await expect(h.api.getReceipt(ctx, orderId)).rejects.toMatchObject({
      code: 'receipt-not-found',
    });

    const { order, receipt } = await h.module.checkout.recordPayment(
      ctx,
      orderId,
      payment({ payments: [{ paymentId: 'cash-b', amount: 803, label: 'Cash', tendered: 1000 }] }),
    );
    expect(order).toMatchObject({ status: 'paid', paidAmount: 1607, balanceDue: 0 });
    expect(order.payments.map((p) => p.paymentId)).toEqual(['card-a', 'cash-b']);
    // The card's tip is on the receipt's total, as with any card tip.
    expect(receipt.document).toMatchObject({ total: 1657, change: 197 });
    expect(receipt.text).toContain('Card •••• 1111');
    expect(receipt.text).toContain('Cash');
    const [paid] = await h.events(s.tenant, 'ordering.order-paid');
    expect(paid?.payload).toMatchObject({
      orderId,
      payments: [
        { paymentId: 'card-a', amount: 804, tip: 50 },
        { paymentId: 'cash-b', amount: 803, tip: 0 },
      ],
    });
  });

  it('closes a paid order only', async () => {
    const s = h.shop();
    const { orderId } = await tab(s);
    await expect(h.api.closeOrder(s.cashier.ctx, orderId)).rejects.toMatchObject({
      code: 'invalid-order-transition',
    });
    await h.module.checkout.recordPayment(s.cashier.ctx, orderId, payment());
    const closed = await h.module.checkout.closeOrder(s.cashier.ctx, orderId);
    expect(closed).toMatchObject({ status: 'closed', closedAt: expect.any(String) });
    expect((await h.events(s.tenant, 'ordering.order-closed')).map((e) => e.payload)).toEqual([
      { orderId, storeId: s.storeId, closedAt: closed.closedAt },
    ]);
  });
});
