import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newId, type CallContext } from '@stratum/platform';
import {
  createTestDatabase,
  postgresUrl,
  startCardProcessor,
  testEngines,
  type RunningCardProcessor,
} from '@stratum/testing';
import type { RefundPaymentOptions } from '../contract.ts';
import { cardSale, cashSale, paymentsHarness, type Harness } from '../test-harness.ts';

let processor: RunningCardProcessor;
beforeAll(async () => {
  processor = await startCardProcessor();
});
afterAll(() => processor?.stop());

const refundPosts = async () =>
  (await processor.stats()).byRoute['POST /v1/payments/:id/refunds'] ?? 0;

/** Cash handed back leaves the drawer of the till that took the payment. */
describe.each(testEngines())('refunds and the cash drawer on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await paymentsHarness({
      processor,
      ...(engine === 'postgres' && { postgres: await createTestDatabase(postgresUrl()!) }),
      module: { defaultRefundLimit: 5_000 },
    });
  });
  afterAll(() => h?.close());
  beforeEach(() => processor.reset());

  async function sold(kind: 'cash' | 'card') {
    const tenant = newId();
    const cashier = h.ctx(tenant, 'cashier');
    const sale = kind === 'cash' ? cashSale(newId(), 2_000, 2_000) : cardSale(newId(), 2_000);
    await h.api.takePayment(cashier, sale);
    return { tenant, cashier, sale };
  }
  const refund = (
    ctx: CallContext,
    paymentId: string,
    extra: object = {},
    options?: RefundPaymentOptions,
  ) =>
    h.api.refundPayment(
      ctx,
      { paymentId, refundId: newId(), amount: 500, reason: 'cold', ...extra },
      options,
    );
  /** What the refused attempts left behind: the stream, the outbox and the audit log. */
  const traces = async (tenant: string, paymentId: string, ctx: CallContext) => ({
    events: (await h.api.paymentEvents(ctx, paymentId)).map((e) => e.type),
    refunded: await h.events(tenant, 'payments.payment-refunded'),
    audit: (await h.audit(tenant)).map((a) => a.action),
  });

  it('refuses a cash refund while its till’s drawer is closed, and writes nothing', async () => {
    const { tenant, cashier, sale } = await sold('cash');
    h.storeOps.closeDrawer(sale.registerId);

    await expect(refund(cashier, sale.paymentId)).rejects.toMatchObject({
      code: 'drawer-not-open',
      kind: 'conflict',
      details: { registerId: sale.registerId },
    });
    expect(await traces(tenant, sale.paymentId, cashier)).toEqual({
      events: ['payment.authorized', 'payment.captured'],
      refunded: [],
      audit: [],
    });
    expect(await h.api.getPayment(cashier, sale.paymentId)).toMatchObject({
      status: 'captured',
      refunded: 0,
    });
  });

  it('gives the cash back once the drawer is open, and names the till on the event', async () => {
    const { tenant, cashier, sale } = await sold('cash');
    const refundId = newId();
    const body = { refundId, amount: 500 };
    h.storeOps.closeDrawer(sale.registerId);
    await expect(refund(cashier, sale.paymentId, body)).rejects.toMatchObject({
      code: 'drawer-not-open',
    });

    h.storeOps.openDrawer(sale.registerId);
    const after = await refund(cashier, sale.paymentId, body);

    expect(after).toMatchObject({ status: 'partially-refunded', refunded: 500 });
    const [event] = await h.events(tenant, 'payments.payment-refunded');
    expect(event?.payload).toMatchObject({
      refundId,
      tender: 'cash',
      toOriginalTender: true,
      registerId: sale.registerId,
    });
  });

  it('still answers a refund already made once its drawer has closed', async () => {
    const { tenant, cashier, sale } = await sold('cash');
    const body = { refundId: newId(), amount: 500 };
    const first = await refund(cashier, sale.paymentId, body);
    h.storeOps.closeDrawer(sale.registerId);
    const asked = h.storeOps.drawersAsked().length;

    const again = await refund(cashier, sale.paymentId, body);

    expect(again).toEqual(first);
    expect(h.storeOps.drawersAsked()).toHaveLength(asked);
    expect(await h.events(tenant, 'payments.payment-refunded')).toHaveLength(1);
  });

  it('refuses a card given back in cash at a closed drawer before the processor, approval or not', async () => {
    const { tenant, cashier, sale } = await sold('card');
    const manager = h.tokens.issue(tenant, 'manager');
    h.storeOps.closeDrawer(sale.registerId);

    await expect(
      refund(cashier, sale.paymentId, { toOriginalTender: false, approval: { token: manager } }),
    ).rejects.toMatchObject({ code: 'drawer-not-open', details: { registerId: sale.registerId } });
    // The card's own refund moves no cash: the drawer is not asked about.
    const asked = h.storeOps.drawersAsked().length;
    expect(await refund(cashier, sale.paymentId)).toMatchObject({ refunded: 500 });
    expect(h.storeOps.drawersAsked()).toHaveLength(asked);
    expect(await refundPosts()).toBe(1);
    expect(await traces(tenant, sale.paymentId, cashier)).toMatchObject({
      events: [
        'payment.authorization-requested',
        'payment.authorized',
        'payment.captured',
        'payment.refunded',
      ],
    });
  });

  it('decides the refund’s own rules first: too much, or no approval, whatever the drawer', async () => {
    const { cashier, sale } = await sold('card');
    h.storeOps.closeDrawer(sale.registerId);

    await expect(refund(cashier, sale.paymentId, { amount: 2_001 })).rejects.toMatchObject({
      code: 'refund-exceeds-captured',
    });
    await expect(
      refund(cashier, sale.paymentId, { toOriginalTender: false }),
    ).rejects.toMatchObject({ code: 'refund-approval-required' });
    expect(h.storeOps.drawersAsked()).not.toContain(sale.registerId);
  });

  it('leaves the drawer to a caller that checked it itself, as an order’s refund does', async () => {
    const { cashier, sale } = await sold('cash');
    h.storeOps.closeDrawer(sale.registerId);

    const after = await refund(cashier, sale.paymentId, {}, { drawerChecked: true });

    expect(after).toMatchObject({ refunded: 500 });
    expect(h.storeOps.drawersAsked()).not.toContain(sale.registerId);
  });

  it('refuses cash back from a payment that does not say which till took it', async () => {
    const tenant = newId();
    const cashier = h.ctx(tenant, 'cashier');
    const { registerId: _till, ...untilled } = cashSale(newId(), 2_000, 2_000);
    await h.api.takePayment(cashier, untilled);

    await expect(refund(cashier, untilled.paymentId)).rejects.toMatchObject({
      code: 'payment-register-unknown',
      kind: 'conflict',
    });
    expect(await h.events(tenant, 'payments.payment-refunded')).toEqual([]);
    // Its order's refund names a till and sees to that drawer itself.
    expect(await refund(cashier, untilled.paymentId, {}, { drawerChecked: true })).toMatchObject({
      refunded: 500,
    });
    const [event] = await h.events(tenant, 'payments.payment-refunded');
    expect(event?.payload).toMatchObject({ registerId: null });
  });
});
