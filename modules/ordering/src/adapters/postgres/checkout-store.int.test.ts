import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, rowsOf } from '@stratum/platform';
import { createTestDatabase, postgresUrl, testEngines } from '@stratum/testing';
import type { CheckoutRecord, NewCheckout } from '../../application/checkout/ports.ts';
import { orderingHarness, type Harness } from '../../test-harness.ts';
import { prepareCommand } from '../../application/order-writer.ts';
import { pgCheckoutStore } from './checkout-store.ts';
import { outbox } from './schema.ts';

describe.each(testEngines())('the checkout store on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await orderingHarness(
      engine === 'postgres' ? { postgres: await createTestDatabase(postgresUrl()!) } : {},
    );
  });
  afterAll(() => h?.close());

  const newSaga = (tenantId: string, idempotencyKey: string) => ({
    id: newId(),
    tenantId,
    orderId: newId(),
    storeId: newId(),
    registerId: newId(),
    idempotencyKey,
    status: 'running' as const,
    step: 'reserve-stock' as const,
    plan: {
      fingerprint: 'f',
      reservationId: newId(),
      currency: 'EUR',
      total: 1250,
      orderVersion: 3,
      tenders: [],
      lines: [],
      cashierId: 'cashier',
    },
    failure: null,
  });

  const stepsOf = (tenantId: string, checkoutId: string) =>
    h.database.transaction(
      async (tx) =>
        rowsOf<{ step: string }>(
          await tx.execute(
            sql`select step from ordering.checkout_steps where checkout_id = ${checkoutId} order by at, step`,
          ),
        ).map((r) => r.step),
      { tenantId },
    );

  const planned = (saga: NewCheckout) => () => Promise.resolve({ checkout: saga });

  /** A shop of its own with an open takeaway order. */
  async function openOrder() {
    const shop = h.shop();
    const order = await h.api.createOrder(shop.cashier.ctx, {
      storeId: shop.storeId,
      registerId: shop.registerId,
      fulfilment: { type: 'takeaway' },
    });
    return { shop, order };
  }

  it('creates a saga with place logged, and keeps nothing of a second one under its key', async () => {
    const store = pgCheckoutStore(h.database, outbox, () => {});
    const { tenant, cashier } = h.shop();
    const first = newSaga(tenant, 'key-1');
    expect(await store.create(cashier.ctx, planned(first), 30_000)).toMatchObject({
      id: first.id,
      attempts: 0,
    });
    const second = newSaga(tenant, 'key-1');
    expect(await store.create(cashier.ctx, planned(second), 30_000)).toBeUndefined();
    expect(await stepsOf(tenant, first.id)).toEqual(['place']);
    expect(await stepsOf(tenant, second.id)).toEqual([]);
    expect((await store.byKey(tenant, 'key-1'))?.id).toBe(first.id);
    // No failure is SQL NULL, not the JSON value null.
    const [row] = await h.database.transaction(
      async (tx) =>
        rowsOf<{ none: boolean }>(
          await tx.execute(
            sql`select failure is null as none from ordering.checkouts where id = ${first.id}`,
          ),
        ),
      { tenantId: tenant },
    );
    expect(row).toEqual({ none: true });
  });

  it('plans the saga from the order as its own transaction reads it, and keeps nothing it refuses', async () => {
    const store = pgCheckoutStore(h.database, outbox, () => {});
    const { shop, order } = await openOrder();
    const saga = newSaga(shop.tenant, 'key-4');
    const created = await store.create(
      shop.cashier.ctx,
      async (unit) => {
        const read = await unit.findOrder(order.orderId, false);
        return { checkout: { ...saga, orderId: read!.id, storeId: read!.storeId } };
      },
      30_000,
    );
    expect(created).toMatchObject({ id: saga.id, orderId: order.orderId, storeId: shop.storeId });

    const refused = newSaga(shop.tenant, 'key-5');
    await expect(
      store.create(
        shop.cashier.ctx,
        async (unit) => {
          await unit.findOrder(order.orderId, false);
          throw new Error('not payable');
        },
        30_000,
      ),
    ).rejects.toThrow('not payable');
    expect(await store.byKey(shop.tenant, 'key-5')).toBeUndefined();
    expect(await stepsOf(shop.tenant, refused.id)).toEqual([]);
  });

  it('keeps none of the plan’s writes when the saga’s key is taken, though the commit left with them', async () => {
    const store = pgCheckoutStore(h.database, outbox, () => {});
    const { shop, order } = await openOrder();
    const first = newSaga(shop.tenant, 'key-6');
    expect(await store.create(shop.cashier.ctx, planned(first), 30_000)).toBeDefined();

    const second = { ...newSaga(shop.tenant, 'key-6'), orderId: order.orderId };
    const taken = await store.create(
      shop.cashier.ctx,
      async (unit) => {
        const { write } = await prepareCommand(
          unit,
          shop.cashier.ctx,
          order.orderId,
          h.clock.now(),
          () => ({ type: 'hold-for-checkout', checkoutId: second.id }),
          { lock: true },
        );
        return { checkout: second, write: write! };
      },
      30_000,
    );

    expect(taken).toBeUndefined();
    expect(await h.api.getOrder(shop.cashier.ctx, order.orderId)).toMatchObject({
      version: order.version,
      checkoutInProgress: null,
    });
    expect(await stepsOf(shop.tenant, second.id)).toEqual([]);
  });

  it('announces a completed saga with the receipt number its pivot recorded', async () => {
    const store = pgCheckoutStore(h.database, outbox, () => {});
    const { tenant, cashier } = h.shop();
    const created = (await store.create(cashier.ctx, planned(newSaga(tenant, 'key-2')), 30_000))!;
    let ran = false;
    const paid = await store.advanceWith(
      cashier.ctx,
      created,
      [{ step: 'confirm-order', direction: 'forward' }],
      { step: 'confirm-stock', status: 'running' },
      30_000,
      { receiptNumber: 41 },
      () => {
        ran = true;
        return Promise.resolve();
      },
    );
    expect(ran).toBe(true);
    expect(paid).toMatchObject({ step: 'confirm-stock', receiptNumber: 41 });
    expect(await h.events(tenant, 'ordering.checkout-completed')).toEqual([]);
    const done: CheckoutRecord = await store.advance(
      paid,
      [{ step: 'confirm-stock', direction: 'forward' }],
      { step: 'done', status: 'completed' },
      30_000,
    );
    expect(done).toMatchObject({ status: 'completed', leaseUntil: null });
    const [completed] = await h.events(tenant, 'ordering.checkout-completed');
    expect(completed?.payload).toMatchObject({
      checkoutId: created.id,
      receiptNumber: 41,
      total: 1250,
    });
    expect(await stepsOf(tenant, created.id)).toEqual(
      expect.arrayContaining(['place', 'confirm-order', 'confirm-stock']),
    );
  });

  it('rolls the pivot back with its work when the work is refused', async () => {
    const store = pgCheckoutStore(h.database, outbox, () => {});
    const { tenant, cashier } = h.shop();
    const created = (await store.create(cashier.ctx, planned(newSaga(tenant, 'key-3')), 30_000))!;
    await expect(
      store.advanceWith(
        cashier.ctx,
        created,
        [{ step: 'confirm-order', direction: 'forward' }],
        { step: 'done', status: 'completed' },
        30_000,
        { receiptNumber: 7 },
        () => Promise.reject(new Error('refused')),
      ),
    ).rejects.toThrow('refused');
    expect(await store.get(tenant, created.id)).toMatchObject({
      step: 'reserve-stock',
      status: 'running',
      receiptNumber: null,
    });
    expect(await stepsOf(tenant, created.id)).toEqual(['place']);
    expect(await h.events(tenant, 'ordering.checkout-completed')).toEqual([]);
  });

  it('announces a split-bill part paid on its own as such, not as a completed sale', async () => {
    const store = pgCheckoutStore(h.database, outbox, () => {});
    const { tenant, cashier } = h.shop();
    const saga = newSaga(tenant, 'key-part');
    const tender = { index: 0, paymentId: newId(), kind: 'card' as const, amount: 600, tip: 40 };
    const part: NewCheckout = {
      ...saga,
      step: 'pay:0',
      plan: {
        ...saga.plan,
        total: 600,
        kind: 'part',
        partId: '1',
        balanceAfter: 650,
        tenders: [tender],
      },
    };
    const created = (await store.create(cashier.ctx, planned(part), 30_000))!;
    await store.advanceWith(
      cashier.ctx,
      created,
      [
        { step: 'pay:0', direction: 'forward' },
        { step: 'confirm-order', direction: 'forward' },
      ],
      { step: 'done', status: 'completed' },
      30_000,
      {},
      () => Promise.resolve(),
    );
    expect(await h.events(tenant, 'ordering.checkout-completed')).toEqual([]);
    const [partPaid] = await h.events(tenant, 'ordering.checkout-part-paid');
    expect(partPaid?.payload).toEqual({
      checkoutId: created.id,
      orderId: saga.orderId,
      storeId: saga.storeId,
      registerId: saga.registerId,
      partId: '1',
      total: 600,
      balanceDue: 650,
      currency: 'EUR',
      payments: [{ paymentId: tender.paymentId, kind: 'card', amount: 600, tip: 40 }],
    });
  });
});
