import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newId, type CallContext } from '@stratum/platform';
import {
  createTestDatabase,
  postgresUrl,
  startCardProcessor,
  testEngines,
  type RunningCardProcessor,
} from '@stratum/testing';
import { httpCardProcessor } from '../adapters/processor/http-card-processor.ts';
import { cardSale, cashSale, paymentsHarness, type Harness } from '../test-harness.ts';

let processor: RunningCardProcessor;
beforeAll(async () => {
  processor = await startCardProcessor();
});
afterAll(() => processor?.stop());

const atProcessor = async (reference: string) =>
  (
    await httpCardProcessor({ baseUrl: processor.url, apiKey: processor.apiKey }).findByReference(
      reference,
    )
  )[0];
const refundPosts = async () =>
  (await processor.stats()).byRoute['POST /v1/payments/:id/refunds'] ?? 0;

describe.each(testEngines())('refunds on %s', (engine) => {
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

  /** A captured card payment of 10 000 taken by a cashier of a new tenant, in its store. */
  async function captured(amount = 10_000) {
    const tenant = newId();
    const store = h.storeOps.addStore(tenant);
    const cashier = h.ctx(tenant, 'cashier');
    const payment = await h.api.takePayment(cashier, cardSale(store, amount));
    return { tenant, store, cashier, payment };
  }
  const refund = (ctx: CallContext, paymentId: string, amount: number, extra = {}) =>
    h.api.refundPayment(ctx, {
      paymentId,
      refundId: newId(),
      amount,
      reason: 'faulty item',
      ...extra,
    });

  it('refunds part of a card payment at the processor, then refuses more than is left', async () => {
    const { tenant, cashier, payment } = await captured(4_000);

    const after = await refund(cashier, payment.id, 2_500);

    expect(after).toMatchObject({
      status: 'partially-refunded',
      refunded: 2_500,
      refundable: 1_500,
    });
    expect(await atProcessor(payment.id)).toMatchObject({
      status: 'partially-refunded',
      refundedAmount: 2_500,
    });
    await expect(refund(cashier, payment.id, 1_501)).rejects.toMatchObject({
      code: 'refund-exceeds-captured',
      details: { refundable: 1_500 },
    });
    expect(await refundPosts()).toBe(1);
    const [event] = await h.events(tenant, 'payments.payment-refunded');
    expect(event?.payload).toMatchObject({
      paymentId: payment.id,
      amount: 2_500,
      refundedTotal: 2_500,
      refundable: 1_500,
      toOriginalTender: true,
      approvedBy: null,
    });
    const [entry] = await h.audit(tenant);
    expect(entry).toMatchObject({
      action: 'payment.refunded',
      entityId: payment.id,
      actorId: cashier.actor.id,
      reason: 'faulty item',
      before: { status: 'captured', refunded: 0 },
      after: { status: 'partially-refunded', refunded: 2_500 },
    });
  });

  it('records a retried refund once, and refuses its id for another amount', async () => {
    const { cashier, payment } = await captured(3_000);
    const input = { paymentId: payment.id, refundId: newId(), amount: 1_000, reason: 'wrong size' };

    await h.api.refundPayment(cashier, input);
    const again = await h.api.refundPayment(cashier, input);

    expect(again).toMatchObject({ refunded: 1_000, refundCount: 1 });
    expect(await refundPosts()).toBe(1);
    await expect(h.api.refundPayment(cashier, { ...input, amount: 999 })).rejects.toMatchObject({
      code: 'refund-already-recorded',
    });
  });

  it('needs a manager’s approval above the store’s limit, and takes no cashier’s', async () => {
    const { tenant, cashier, payment } = await captured();

    await expect(refund(cashier, payment.id, 6_000)).rejects.toMatchObject({
      code: 'refund-approval-required',
      kind: 'forbidden',
      details: { reasons: ['over-store-limit'] },
    });
    const colleague = h.tokens.issue(tenant, 'cashier');
    await expect(
      refund(cashier, payment.id, 6_000, { approval: { token: colleague } }),
    ).rejects.toMatchObject({ code: 'refund-approval-required' });
    expect(await refundPosts()).toBe(0);

    const manager = h.tokens.issue(tenant, 'manager');
    const after = await refund(cashier, payment.id, 6_000, { approval: { token: manager } });

    expect(after).toMatchObject({ refunded: 6_000 });
    const [event] = await h.events(tenant, 'payments.payment-refunded');
    expect(event?.payload).toMatchObject({ approvedBy: h.ctxOf(manager).actor.id });
  });

  it('refuses an approval token of another tenant, or one that is not a token at all', async () => {
    const { cashier, payment } = await captured();
    const foreignManager = h.tokens.issue(newId(), 'manager');

    for (const token of [foreignManager, 'not-a-token']) {
      await expect(
        refund(cashier, payment.id, 6_000, { approval: { token } }),
      ).rejects.toMatchObject({ code: 'refund-approval-invalid', kind: 'forbidden' });
    }
  });

  it('lets a manager refund above the limit alone, and a cashier once the store raised it', async () => {
    const { tenant, store, cashier, payment } = await captured();
    const manager = h.ctx(tenant, 'manager');
    expect(await h.api.getRefundLimit(cashier, store)).toEqual({
      storeId: store,
      refundLimit: 5_000,
      source: 'default',
      updatedAt: null,
    });

    await refund(manager, payment.id, 5_500);
    // What the payment gives back in all counts against the limit, the manager's 5 500 too.
    await expect(refund(cashier, payment.id, 1_000)).rejects.toMatchObject({
      code: 'refund-approval-required',
    });
    const limit = await h.api.setRefundLimit(manager, store, 10_000);
    await refund(cashier, payment.id, 4_500);

    expect(limit).toMatchObject({ refundLimit: 10_000, source: 'store' });
    expect(await h.api.getPayment(cashier, payment.id)).toMatchObject({
      status: 'refunded',
      refundable: 0,
    });
    const actions = (await h.audit(tenant)).map((a) => a.action);
    expect(actions).toEqual(['payment.refunded', 'refund-limit.set', 'payment.refunded']);
  });

  it('refunds cash by recording it, and a card in cash only with approval, both without the processor', async () => {
    const { tenant, store, cashier, payment } = await captured(2_000);
    const cash = await h.api.takePayment(cashier, cashSale(store, 1_500, 2_000));

    expect(await refund(cashier, cash.id, 500)).toMatchObject({ refunded: 500 });
    await expect(
      refund(cashier, payment.id, 500, { toOriginalTender: false }),
    ).rejects.toMatchObject({
      code: 'refund-approval-required',
      details: { reasons: ['other-tender'] },
    });
    const manager = h.tokens.issue(tenant, 'manager');
    await refund(cashier, payment.id, 500, {
      toOriginalTender: false,
      approval: { token: manager },
    });

    expect(await refundPosts()).toBe(0);
    expect(await atProcessor(payment.id)).toMatchObject({ refundedAmount: 0 });
    expect(await h.api.getPayment(cashier, payment.id)).toMatchObject({ refunded: 500 });
  });

  it('refuses to refund a payment that was never captured: it is voided instead', async () => {
    const { store, cashier } = await captured();
    const declined = cardSale(store, 700, {
      tender: { kind: 'card', card: { number: '4000000000000002' } },
    });
    await expect(h.api.takePayment(cashier, declined)).rejects.toMatchObject({
      code: 'card-declined',
    });
    await expect(refund(cashier, declined.paymentId, 100)).rejects.toMatchObject({
      code: 'payment-declined',
    });
  });
});
