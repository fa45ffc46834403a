import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '@stratum/platform';
import {
  createTestDatabase,
  postgresUrl,
  startCardProcessor,
  testEngines,
  type RunningCardProcessor,
} from '@stratum/testing';
import { cardSale, cards, cashSale, paymentsHarness, type Harness } from '../test-harness.ts';

let processor: RunningCardProcessor;
beforeAll(async () => {
  processor = await startCardProcessor();
});
afterAll(() => processor?.stop());

/** The checkout saga undoing itself: reversePayment, whatever the payment reached. */
describe.each(testEngines())('reversing a payment on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await paymentsHarness({
      processor,
      ...(engine === 'postgres' && { postgres: await createTestDatabase(postgresUrl()!) }),
    });
  });
  afterAll(() => h?.close());
  beforeEach(() => processor.reset());

  it('refunds a whole card capture once, above the store limit and without a manager', async () => {
    const ctx = h.ctx(newId(), 'cashier');
    const sale = cardSale(newId(), 20_000, { tip: 500 });
    await h.api.takePayment(ctx, sale);

    const reversed = await h.api.reversePayment(ctx, {
      paymentId: sale.paymentId,
      reason: 'checkout undone',
    });
    const again = await h.api.reversePayment(ctx, {
      paymentId: sale.paymentId,
      reason: 'checkout undone',
    });

    expect(reversed).toMatchObject({
      status: 'refunded',
      captured: 20_500,
      refunded: 20_500,
      refundable: 0,
    });
    expect(again).toMatchObject({ status: 'refunded', refunded: 20_500 });
    expect((await processor.stats()).byRoute['POST /v1/payments/:id/refunds']).toBe(1);
  });

  it('gives back cash by recording the refund, drawer or not: the sale never reached one', async () => {
    const ctx = h.ctx(newId(), 'cashier');
    const sale = cashSale(newId(), 9_000, 10_000);
    await h.api.takePayment(ctx, sale);
    h.storeOps.closeDrawer(sale.registerId);

    expect(
      await h.api.reversePayment(ctx, { paymentId: sale.paymentId, reason: 'undone' }),
    ).toMatchObject({
      status: 'refunded',
      refunded: 9_000,
    });
    expect(h.storeOps.drawersAsked()).not.toContain(sale.registerId);
  });

  it('returns a declined payment as it is and says null for one that never started', async () => {
    const ctx = h.ctx(newId(), 'cashier');
    const sale = cardSale(newId(), 1_000, {
      tender: { kind: 'card', card: { number: cards.insufficientFunds } },
    });
    await expect(h.api.takePayment(ctx, sale)).rejects.toMatchObject({ code: 'card-declined' });

    expect(
      await h.api.reversePayment(ctx, { paymentId: sale.paymentId, reason: 'undone' }),
    ).toMatchObject({
      status: 'declined',
    });
    expect(await h.api.reversePayment(ctx, { paymentId: newId(), reason: 'undone' })).toBeNull();
  });
});
