import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@stratum/platform';
import { createTestDatabase, postgresUrl, testEngines } from '@stratum/testing';
import { drawersOpen, orderingHarness, type Harness, type Shop } from '../test-harness.ts';
import { refundOrder, type RefundPayments } from './refund-order.ts';

describe.each(testEngines())('the sales summary of a store on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await orderingHarness(
      engine === 'postgres' ? { postgres: await createTestDatabase(postgresUrl()!) } : {},
    );
  });
  afterAll(() => h?.close());

  let receipt = 0;

  /** Rings up the lines in `storeId` and pays the total at the harness' clock; returns the order. */
  async function paidOrder(
    s: Shop,
    lines: { variantId: string; optionIds?: string[]; quantity: number }[],
    options: { storeId?: string; tip?: number } = {},
  ) {
    const ctx = s.cashier.ctx;
    const { orderId } = await h.api.createOrder(ctx, {
      storeId: options.storeId ?? s.storeId,
      registerId: options.storeId ? h.stores.addRegister(options.storeId) : s.registerId,
      fulfilment: { type: 'takeaway' },
    });
    for (const line of lines) await h.api.addLine(ctx, orderId, line);
    const order = await h.api.setTip(ctx, orderId, { amount: options.tip ?? 0 });
    receipt += 1;
    await h.module.checkout.recordPayment(ctx, orderId, {
      payments: [{ paymentId: newId(), amount: order.totals.total }],
      receiptNumber: receipt,
      paidAt: h.clock.now(),
    });
    return h.api.getOrder(ctx, orderId);
  }

  /** Gives `amount` of one line back through a payments port that always accepts. */
  async function refundOne(s: Shop, orderId: string, lineId: string) {
    const order = await h.api.getOrder(s.cashier.ctx, orderId);
    const paymentId = order.payments[0]!.paymentId;
    const payments: RefundPayments = {
      refundable: () => Promise.resolve({ tender: 'card', refundable: order.paidAmount }),
      findRefund: () => Promise.resolve(undefined),
      refund: () => Promise.resolve(),
    };
    await refundOrder(h.module.deps, drawersOpen, payments)(
      s.cashier.ctx,
      orderId,
      {
        lines: [{ lineId, quantity: 1 }],
        reason: 'cold',
        approval: { token: s.manager.token },
      },
      `refund-${paymentId}`,
    );
  }

  const window = (s: Shop, fromMs: number, toMs: number) => ({
    storeId: s.storeId,
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
  });

  it('adds up the orders paid in the window and ranks what sold best', async () => {
    const s = h.shop();
    const start = h.clock.now().getTime();
    const { burger, cola, fries, soup, water } = s.menu;
    // Burger with cheese and bacon (11.50), a cola (3.00 + 19 %), tip 1.00.
    const burgerOrder = await paidOrder(
      s,
      [
        { variantId: burger.variantId, optionIds: burger.optionIds, quantity: 1 },
        { variantId: cola.variantId, quantity: 1 },
      ],
      { tip: 100 },
    );
    // Two fries (7.00); one is refunded later.
    const friesOrder = await paidOrder(s, [{ variantId: fries.variantId, quantity: 2 }]);
    await refundOne(s, friesOrder.orderId, friesOrder.lines[0]!.lineId);
    // A soup the kitchen saw and that was taken back: on the order, but not sold.
    const ctx = s.cashier.ctx;
    const { orderId } = await h.api.createOrder(ctx, {
      storeId: s.storeId,
      registerId: s.registerId,
      fulfilment: { type: 'takeaway' },
    });
    await h.api.addLine(ctx, orderId, { variantId: soup.variantId, quantity: 1 });
    const withWater = await h.api.addLine(ctx, orderId, {
      variantId: water.variantId,
      quantity: 1,
    });
    await h.api.fireCourse(ctx, orderId, 1);
    const soupLine = withWater.lines.find((l) => l.name === 'Soup')!.lineId;
    await h.api.removeLine(ctx, orderId, soupLine, {
      reason: 'sent back',
      approval: s.manager.token,
    });
    receipt += 1;
    const waterOrder = (
      await h.module.checkout.recordPayment(ctx, orderId, {
        payments: [{ paymentId: newId(), amount: 200 }],
        receiptNumber: receipt,
        paidAt: h.clock.now(),
      })
    ).order;
    // Not counted: an open order, a sale in another store, and one of another business.
    const open = await h.api.createOrder(ctx, {
      storeId: s.storeId,
      registerId: s.registerId,
      fulfilment: { type: 'retail' },
    });
    await h.api.addLine(ctx, open.orderId, { variantId: water.variantId, quantity: 5 });
    const otherStore = h.stores.add();
    await paidOrder(s, [{ variantId: water.variantId, quantity: 3 }], {
      storeId: otherStore.id,
    });
    const other = h.shop({ id: s.storeId });
    await paidOrder(other, [{ variantId: water.variantId, quantity: 4 }]);
    h.clock.advance(60_000);

    const summary = await h.api.salesSummary(
      s.manager.ctx,
      window(s, start, h.clock.now().getTime()),
    );
    expect(summary).toEqual({
      storeId: s.storeId,
      from: new Date(start).toISOString(),
      to: h.clock.now().toISOString(),
      orderCount: 3,
      grossMinor: 1507 + 700 + 200,
      // As the receipts printed them (the test catalog taxes more than the cola).
      taxMinor: [burgerOrder, friesOrder, waterOrder].reduce((t, o) => t + o.totals.taxTotal, 0),
      tipsMinor: 100,
      refundedMinor: 350,
      currency: 'EUR',
      topItems: [
        {
          variantId: burger.variantId,
          name: 'Burger',
          variantName: 'Classic',
          quantity: 1,
          revenueMinor: 1150,
        },
        {
          variantId: fries.variantId,
          name: 'Fries',
          variantName: 'Regular',
          quantity: 2,
          revenueMinor: 700,
        },
        {
          variantId: cola.variantId,
          name: 'Cola',
          variantName: '0.33 l',
          quantity: 1,
          revenueMinor: 300,
        },
        {
          variantId: water.variantId,
          name: 'Water',
          variantName: 'Regular',
          quantity: 1,
          revenueMinor: 200,
        },
      ],
    });
    const topTwo = await h.api.salesSummary(s.manager.ctx, {
      ...window(s, start, h.clock.now().getTime()),
      top: 2,
    });
    expect(topTwo.topItems.map((i) => i.name)).toEqual(['Burger', 'Fries']);
    // The window is half-open: a sale at `to` belongs to the next one.
    const before = await h.api.salesSummary(s.manager.ctx, window(s, start - 3_600_000, start));
    expect(before).toMatchObject({ orderCount: 0, grossMinor: 0, currency: 'EUR', topItems: [] });
  });

  it('answers zeros in the store’s currency when nothing was sold', async () => {
    const s = h.shop({ currency: 'CHF' });
    const now = h.clock.now().getTime();
    expect(await h.api.salesSummary(s.manager.ctx, window(s, now - 86_400_000, now))).toEqual({
      ...window(s, now - 86_400_000, now),
      orderCount: 0,
      grossMinor: 0,
      taxMinor: 0,
      tipsMinor: 0,
      refundedMinor: 0,
      currency: 'CHF',
      topItems: [],
    });
  });

  it('refuses a window that ends before it starts or spans more than a quarter, and other stores', async () => {
    const s = h.shop();
    const now = h.clock.now().getTime();
    await expect(h.api.salesSummary(s.manager.ctx, window(s, now, now))).rejects.toMatchObject({
      code: 'invalid-report-window',
    });
    await expect(
      h.api.salesSummary(s.manager.ctx, window(s, now - 93 * 86_400_000, now)),
    ).rejects.toMatchObject({ code: 'invalid-report-window', details: { maxDays: 92 } });
    const elsewhere = h.tokens.user(s.tenant, ['manager'], [newId()]);
    await expect(
      h.api.salesSummary(elsewhere.ctx, window(s, now - 1000, now)),
    ).rejects.toMatchObject({ code: 'store-not-allowed' });
  });

  it('serves the summary over HTTP to managers only, with problems for bad input', async () => {
    const s = h.shop();
    await paidOrder(s, [{ variantId: s.menu.fries.variantId, quantity: 1 }]);
    h.clock.advance(1000);
    const app = await h.http();
    const now = h.clock.now().getTime();
    const query = new URLSearchParams(window(s, now - 3_600_000, now)).toString();
    const get = (token: string, qs: string) =>
      app.inject({
        method: 'GET',
        url: `/api/v1/ordering/reports/sales?${qs}`,
        headers: { authorization: `Bearer ${token}` },
      });
    const ok = await get(s.manager.token, query);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ orderCount: 1, grossMinor: 350, currency: 'EUR' });
    const cashier = await get(s.cashier.token, query);
    expect(cashier.statusCode).toBe(403);
    expect(cashier.json()).toMatchObject({ code: 'permission-denied' });
    const bad = await get(s.manager.token, `storeId=${s.storeId}&from=yesterday&to=today`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      code: 'validation-failed',
      errors: expect.arrayContaining([expect.objectContaining({ path: 'querystring.from' })]),
    });
    const backwards = new URLSearchParams(window(s, now, now - 1000)).toString();
    const refused = await get(s.manager.token, backwards);
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'invalid-report-window' });
  });
});
