import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor, newId } from '@stratum/platform';
import {
  createTestDatabase,
  postgresUrl,
  startCardProcessor,
  testEngines,
  type RunningCardProcessor,
} from '@stratum/testing';
import { cardSale, cashSale, paymentsHarness, type Harness } from '../test-harness.ts';

let processor: RunningCardProcessor;
beforeAll(async () => {
  processor = await startCardProcessor();
});
afterAll(() => processor?.stop());

describe.each(testEngines())('reading payments on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await paymentsHarness({
      processor,
      ...(engine === 'postgres' && { postgres: await createTestDatabase(postgresUrl()!) }),
    });
  });
  afterAll(() => h?.close());

  it('lists newest first, page by page, filtered by order and store', async () => {
    const tenant = newId();
    const owner = h.ctx(tenant, 'owner');
    const [north, south] = [newId(), newId()];
    const order = newId();
    const ids: string[] = [];
    for (const [i, store] of [north, south, north, north, south].entries()) {
      h.clock.advance(1_000);
      const input = { ...cashSale(store, 100 + i, 500), ...(i < 2 && { orderId: order }) };
      ids.push((await h.api.takePayment(owner, input)).id);
    }
    ids.reverse();

    const first = await h.api.listPayments(owner, { limit: 2 });
    const second = await h.api.listPayments(owner, { limit: 2, cursor: first.nextCursor! });
    const third = await h.api.listPayments(owner, { limit: 2, cursor: second.nextCursor! });

    expect([...first.items, ...second.items, ...third.items].map((p) => p.id)).toEqual(ids);
    expect(third.nextCursor).toBeNull();
    const inNorth = await h.api.listPayments(owner, { storeId: north });
    expect(inNorth.items.map((p) => p.storeId)).toEqual([north, north, north]);
    const ofOrder = await h.api.listPayments(owner, { orderId: order });
    expect(ofOrder.items.map((p) => p.amount)).toEqual([101, 100]);
  });

  it('shows a cashier only the payments of their own stores', async () => {
    const tenant = newId();
    const [mine, other] = [newId(), newId()];
    const owner = h.ctx(tenant, 'owner');
    const kept = await h.api.takePayment(owner, cashSale(mine, 300, 300));
    const hidden = await h.api.takePayment(owner, cashSale(other, 400, 400));
    const cashier = h.ctx(tenant, 'cashier', [mine]);

    expect((await h.api.listPayments(cashier, {})).items.map((p) => p.id)).toEqual([kept.id]);
    await expect(h.api.getPayment(cashier, hidden.id)).rejects.toMatchObject({
      code: 'store-not-allowed',
    });
    await expect(h.api.listPayments(cashier, { storeId: other })).rejects.toMatchObject({
      code: 'store-not-allowed',
    });
  });

  it('refuses a cursor it did not issue', async () => {
    const ctx = h.ctx(newId());
    await expect(h.api.listPayments(ctx, { cursor: 'bm90LWEtY3Vyc29y' })).rejects.toMatchObject({
      code: 'invalid-cursor',
    });
    // A keyset of the same shape from another list (the orders' newest first) is not its own.
    const position = [new Date().toISOString(), newId()];
    for (const cursor of [
      encodeCursor(position),
      encodeCursor(['orders?sort=-createdAt', ...position]),
    ]) {
      await expect(h.api.listPayments(ctx, { cursor })).rejects.toMatchObject({
        code: 'invalid-cursor',
      });
    }
  });

  it('gives the stream with who did what and when', async () => {
    const ctx = h.ctx(newId(), 'cashier');
    const payment = await h.api.takePayment(ctx, cardSale(newId(), 1_000));

    const events = await h.api.paymentEvents(ctx, payment.id);

    expect(events).toEqual([
      expect.objectContaining({
        version: 1,
        type: 'payment.authorization-requested',
        actorId: ctx.actor.id,
        occurredAt: h.clock.now().toISOString(),
        data: expect.objectContaining({ amount: 1_000, last4: '4242' }),
      }),
      expect.objectContaining({ version: 2, type: 'payment.authorized' }),
      expect.objectContaining({ version: 3, type: 'payment.captured' }),
    ]);
    expect(JSON.stringify(events)).not.toContain('4242424242424242');
  });
});
