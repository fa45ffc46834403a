import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@stratum/platform';
import { createTestDatabase, postgresUrl, testEngines } from '@stratum/testing';
import { orderingHarness, type Harness, type Shop } from '../test-harness.ts';

describe.each(testEngines())('orders on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await orderingHarness(
      engine === 'postgres' ? { postgres: await createTestDatabase(postgresUrl()!) } : {},
    );
  });
  afterAll(() => h?.close());

  const open = (s: Shop, extra: Record<string, unknown> = {}) =>
    h.api.createOrder(s.cashier.ctx, {
      storeId: s.storeId,
      registerId: s.registerId,
      fulfilment: { type: 'dine-in', tableId: '4' },
      ...extra,
    });

  it('opens an order in the store’s currency and tax mode, numbered per store and local day', async () => {
    const s = h.shop({ currency: 'CHF', taxInclusive: false });
    const first = await open(s);
    const second = await open(s, { fulfilment: { type: 'takeaway' } });
    expect(first).toMatchObject({
      status: 'open',
      currency: 'CHF',
      settings: { taxInclusive: false, rounding: 'per-line' },
      orderNumber: '1',
      openedBy: s.cashier.ctx.actor.id,
      version: 1,
      lines: [],
      totals: { total: 0 },
    });
    expect(second.orderNumber).toBe('2');
    expect(await h.events(s.tenant, 'ordering.order-placed')).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({ orderId: first.orderId, fulfilment: 'dine-in' }),
      }),
      expect.objectContaining({
        payload: expect.objectContaining({ orderId: second.orderId, orderNumber: '2' }),
      }),
    ]);
    h.clock.advance(24 * 3600_000);
    expect((await open(s)).orderNumber).toBe('1');
  });

  it('creates idempotently on a client-chosen id; another request under it is refused', async () => {
    const s = h.shop();
    const orderId = newId();
    const request = {
      orderId,
      fulfilment: { type: 'delivery', name: 'Ana', address: '1 Main St' },
    };
    const first = await open(s, request);
    await h.api.addLine(s.cashier.ctx, orderId, { variantId: s.menu.soup.variantId, quantity: 1 });
    const again = await open(s, request);
    expect(again.orderId).toBe(orderId);
    expect(again.orderNumber).toBe(first.orderNumber);
    expect(again.lines).toHaveLength(1);
    expect(again.fulfilment).toEqual({ type: 'delivery', name: 'Ana', address: '1 Main St' });
    await expect(open(s, { orderId, notes: 'other' })).rejects.toMatchObject({
      code: 'order-already-exists',
    });
    expect(await h.events(s.tenant, 'ordering.order-placed')).toHaveLength(1);
  });

  it('refuses an archived store, an unknown one, and a store the caller may not act in', async () => {
    const s = h.shop({ status: 'archived' });
    await expect(open(s)).rejects.toMatchObject({ code: 'store-archived' });
    await expect(open(s, { storeId: newId() })).rejects.toMatchObject({
      code: 'store-not-found',
    });
    const other = h.shop();
    const elsewhere = h.tokens.user(other.tenant, ['cashier'], [newId()]);
    await expect(
      h.api.createOrder(elsewhere.ctx, {
        storeId: other.storeId,
        registerId: other.registerId,
        fulfilment: { type: 'retail' },
      }),
    ).rejects.toMatchObject({ code: 'store-not-allowed' });
  });

  it('rings up at a register of the order’s own store only', async () => {
    const s = h.shop();
    const otherStore = h.stores.add().id;
    const elsewhere = h.stores.addRegister(otherStore);
    await expect(open(s, { registerId: elsewhere })).rejects.toMatchObject({
      code: 'register-not-in-store',
      details: { registerId: elsewhere, storeId: s.storeId },
    });
    const unknown = newId();
    await expect(open(s, { registerId: unknown })).rejects.toMatchObject({
      code: 'register-not-found',
      details: { registerId: unknown },
    });
    const page = await h.api.listOrders(s.cashier.ctx, { storeId: s.storeId, limit: 10 });
    expect(page.items).toEqual([]);
    // A till's store is asked once: it never moves to another store.
    const asked = h.stores.registerLookUps.count;
    await open(s);
    await open(s);
    expect(h.stores.registerLookUps.count - asked).toBe(1);
  });

  it('seats a dine-in order at a table of the store’s floor plan, by name, or at a label', async () => {
    const s = h.shop();
    const terrace = h.stores.addTable(s.storeId, 'Terrace 3');
    const atTable = await open(s, {
      fulfilment: { type: 'dine-in', tableId: terrace, tableName: 'made up', covers: 2 },
    });
    expect(atTable.fulfilment).toEqual({
      type: 'dine-in',
      tableId: terrace,
      tableName: 'Terrace 3',
      covers: 2,
    });
    // A label the floor knows the table by is kept as given, with no name.
    expect((await open(s)).fulfilment).toEqual({ type: 'dine-in', tableId: '4' });

    const elsewhere = h.stores.addTable(h.stores.add().id, 'Bar 1');
    for (const tableId of [newId(), elsewhere]) {
      await expect(open(s, { fulfilment: { type: 'dine-in', tableId } })).rejects.toMatchObject({
        code: 'table-not-found',
        details: { tableId },
      });
    }
    const stored = h.stores.addTable(s.storeId, 'Cellar', false);
    await expect(
      open(s, { fulfilment: { type: 'dine-in', tableId: stored } }),
    ).rejects.toMatchObject({ code: 'table-inactive' });
  });

  it('snapshots name, variant, price, modifiers, taxes and station; later prices do not reach it', async () => {
    const s = h.shop();
    const { orderId } = await open(s);
    const { burger } = s.menu;
    const order = await h.api.addLine(s.cashier.ctx, orderId, {
      variantId: burger.variantId,
      optionIds: burger.optionIds,
      quantity: 2,
      notes: 'no onions',
    });
    expect(order.lines).toEqual([
      expect.objectContaining({
        itemId: burger.itemId,
        name: 'Burger',
        variantName: 'Classic',
        unitPrice: 900,
        modifiers: [
          { optionId: burger.optionIds[0], name: 'Cheese', priceDelta: 100 },
          { optionId: burger.optionIds[1], name: 'Bacon', priceDelta: 150 },
        ],
        taxRates: [expect.objectContaining({ name: 'VAT', bps: 700, inclusive: true })],
        kitchenStation: 'grill',
        quantity: 2,
        course: 1,
        notes: 'no onions',
        priced: expect.objectContaining({ unitPrice: 1150, gross: 2300, total: 2300 }),
      }),
    ]);
    expect(order.totals).toMatchObject({ total: 2300, inclusiveTax: 150 });

    h.catalog.setPrice(burger.variantId, 1200);
    const later = await h.api.getOrder(s.cashier.ctx, orderId);
    expect(later.lines[0]).toMatchObject({ unitPrice: 900, priced: { gross: 2300 } });
    const more = await h.api.addLine(s.cashier.ctx, orderId, {
      variantId: burger.variantId,
      quantity: 1,
    });
    expect(more.lines.map((l) => l.unitPrice)).toEqual([900, 1200]);
    expect(more.totals.total).toBe(3500);
  });

  it('opens an order with the lines a till rang up, priced as adding each would be', async () => {
    const s = h.shop();
    const { burger, fries } = s.menu;
    const lines = [
      { variantId: burger.variantId, optionIds: burger.optionIds, quantity: 2, notes: 'no onions' },
      { variantId: fries.variantId, quantity: 1, course: 2 },
    ];
    const orderId = newId();
    const opened = await open(s, { orderId, lines });
    const stepwise = await open(s);
    for (const line of lines) await h.api.addLine(s.cashier.ctx, stepwise.orderId, line);
    const added = await h.api.getOrder(s.cashier.ctx, stepwise.orderId);

    const comparable = (o: typeof opened) => ({
      lines: o.lines.map(({ lineId: _id, ...rest }) => rest),
      totals: o.totals,
    });
    expect(comparable(opened)).toEqual(comparable(added));
    expect(opened.lines.map((l) => l.priced?.total)).toEqual([2300, 350]);
    expect(opened.version).toBe(3);
    // A retried creation answers the order; the same id with other lines is refused.
    expect((await open(s, { orderId, lines })).lines).toHaveLength(2);
    await expect(open(s, { orderId, lines: lines.slice(0, 1) })).rejects.toMatchObject({
      code: 'order-already-exists',
    });
  });

  it('opens nothing when a line of a new order cannot be sold', async () => {
    const s = h.shop();
    h.catalog.setAvailable(s.menu.soup.itemId, false);
    const orderId = newId();
    const lines = [
      { variantId: s.menu.fries.variantId, quantity: 1 },
      { variantId: s.menu.soup.variantId, quantity: 1 },
    ];
    await expect(open(s, { orderId, lines })).rejects.toMatchObject({ code: 'item-unavailable' });
    const lineId = newId();
    await expect(
      open(s, {
        lines: [
          { lineId, variantId: s.menu.fries.variantId, quantity: 1 },
          { lineId, variantId: s.menu.fries.variantId, quantity: 2 },
        ],
      }),
    ).rejects.toMatchObject({ code: 'duplicate-line' });
    await expect(h.api.getOrder(s.cashier.ctx, orderId)).rejects.toMatchObject({
      code: 'order-not-found',
    });
    h.catalog.setAvailable(s.menu.soup.itemId, true);
    expect((await open(s, { orderId, lines })).lines).toHaveLength(2);
  });

  it('refuses an 86’d item and passes the catalog’s refusals on under its own codes', async () => {
    const s = h.shop();
    const { orderId } = await open(s);
    h.catalog.setAvailable(s.menu.soup.itemId, false);
    const add = (variantId: string, optionIds: string[] = []) =>
      h.api.addLine(s.cashier.ctx, orderId, { variantId, optionIds, quantity: 1 });
    await expect(add(s.menu.soup.variantId)).rejects.toMatchObject({
      code: 'item-unavailable',
      details: { itemId: s.menu.soup.itemId },
    });
    await expect(add(newId())).rejects.toMatchObject({ code: 'variant-not-found' });
    await expect(add(s.menu.fries.variantId, s.menu.burger.optionIds)).rejects.toMatchObject({
      code: 'invalid-selection',
    });
    h.catalog.setAvailable(s.menu.soup.itemId, true);
    expect((await add(s.menu.soup.variantId)).lines).toHaveLength(1);
  });

  it('adds a client-identified line once; another item under its id is duplicate-line', async () => {
    const s = h.shop();
    const { orderId } = await open(s);
    const lineId = newId();
    const line = { lineId, variantId: s.menu.fries.variantId, quantity: 1 };
    await h.api.addLine(s.cashier.ctx, orderId, line);
    const again = await h.api.addLine(s.cashier.ctx, orderId, line);
    expect(again.lines).toHaveLength(1);
    expect(again.version).toBe(2);
    await expect(
      h.api.addLine(s.cashier.ctx, orderId, { ...line, variantId: s.menu.soup.variantId }),
    ).rejects.toMatchObject({ code: 'duplicate-line' });
    // The same item asked for differently is not a retry either: nothing is silently kept.
    for (const other of [{ quantity: 5 }, { notes: 'extra hot' }, { course: 2 }]) {
      await expect(
        h.api.addLine(s.cashier.ctx, orderId, { ...line, ...other }),
      ).rejects.toMatchObject({ code: 'duplicate-line' });
    }
    expect((await h.api.getOrder(s.cashier.ctx, orderId)).lines).toEqual([
      expect.objectContaining({ lineId, quantity: 1, notes: null, course: 1 }),
    ]);
  });

  it('prices item and order discounts, service charge, taxes and tip in the rules’ order', async () => {
    const s = h.shop();
    const { orderId } = await open(s);
    const ctx = s.cashier.ctx;
    const soup = await h.api.addLine(ctx, orderId, {
      variantId: s.menu.soup.variantId,
      quantity: 2,
    });
    await h.api.addLine(ctx, orderId, { variantId: s.menu.cola.variantId, quantity: 1 });
    await h.api.setLineDiscount(ctx, orderId, soup.lines[0]!.lineId, {
      discount: { kind: 'percent', bps: 1000 },
    });
    await h.api.setOrderDiscount(ctx, orderId, { discount: { kind: 'fixed', amount: 100 } });
    await h.api.setServiceCharge(ctx, orderId, { serviceCharge: { bps: 1000 } });
    const order = await h.api.setTip(ctx, orderId, { amount: 200 });
    // Soup 2 × 5.50 − 10 % = 9.90, cola 3.00; 1.00 off the order spread 0.77 / 0.23;
    // 10 % service on 11.90 = 1.19, spread 0.91 / 0.28; VAT 7 % inside 10.04 = 0.66,
    // 19 % on top of 3.05 = 0.58; tip 2.00, untaxed.
    expect(order.totals).toEqual({
      subtotal: 1400,
      itemDiscounts: 110,
      orderDiscount: 100,
      orderDiscountClamped: false,
      discountTotal: 210,
      netSubtotal: 1190,
      serviceCharge: 119,
      taxes: [
        expect.objectContaining({ bps: 700, inclusive: true, amount: 66 }),
        expect.objectContaining({ bps: 1900, inclusive: false, amount: 58 }),
      ],
      inclusiveTax: 66,
      exclusiveTax: 58,
      taxTotal: 124,
      tip: 200,
      total: 1567,
    });
    expect(order.lines.map((l) => l.priced?.orderDiscountShare)).toEqual([77, 23]);
    expect(order.version).toBe(7);
  });

  it('rounds taxes as the store says, and keeps the rounding an order was placed under', async () => {
    const s = h.shop();
    const mint = h.catalog.add({ name: 'Mint', price: 100 });
    const threeMints = async () => {
      const { orderId } = await open(s);
      for (let i = 0; i < 3; i += 1) {
        await h.api.addLine(s.cashier.ctx, orderId, { variantId: mint.variantId, quantity: 1 });
      }
      return orderId;
    };
    const perLine = await threeMints();
    // The store's setting lives in store-ops; ordering reads it when an order is placed.
    h.stores.update(s.storeId, { taxRounding: 'per-order' });
    const perOrder = await threeMints();
    // 7 % inside 1.00 is 0.0654…: rounded per line 3 × 0.07, per order 0.196… → 0.20.
    const placedPerLine = await h.api.getOrder(s.cashier.ctx, perLine);
    expect(placedPerLine.settings.rounding).toBe('per-line');
    expect(placedPerLine.totals.taxTotal).toBe(21);
    const placed = await h.api.getOrder(s.cashier.ctx, perOrder);
    expect(placed.settings.rounding).toBe('per-order');
    expect(placed.totals.taxTotal).toBe(20);
  });
});
