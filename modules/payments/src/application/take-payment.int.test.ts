import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '@stratum/platform';
import {
  createTestDatabase,
  postgresUrl,
  startCardProcessor,
  testEngines,
  type RunningCardProcessor,
} from '@stratum/testing';
import { httpCardProcessor } from '../adapters/processor/http-card-processor.ts';
import { cardSale, cards, cashSale, paymentsHarness, type Harness } from '../test-harness.ts';

let processor: RunningCardProcessor;
beforeAll(async () => {
  processor = await startCardProcessor();
});
afterAll(() => processor?.stop());

const posts = async (route = 'POST /v1/payments') => (await processor.stats()).byRoute[route] ?? 0;
const atProcessor = (reference: string) =>
  httpCardProcessor({ baseUrl: processor.url, apiKey: processor.apiKey }).findByReference(
    reference,
  );

describe.each(testEngines())('taking payments on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await paymentsHarness({
      processor,
      ...(engine === 'postgres' && { postgres: await createTestDatabase(postgresUrl()!) }),
    });
  });
  afterAll(() => h?.close());
  beforeEach(() => processor.reset());

  const setUp = () => {
    const tenant = newId();
    return { tenant, store: newId(), ctx: h.ctx(tenant, 'cashier') };
  };
  const typesOf = async (ctx: ReturnType<Harness['ctx']>, paymentId: string) =>
    (await h.api.paymentEvents(ctx, paymentId)).map((e) => e.type);

  it('captures cash at once, works out the change and announces the capture', async () => {
    const { tenant, store, ctx } = setUp();
    const input = cashSale(store, 1_250, 2_000);

    const payment = await h.api.takePayment(ctx, input);

    expect(payment).toMatchObject({
      id: input.paymentId,
      status: 'captured',
      tender: 'cash',
      amount: 1_250,
      captured: 1_250,
      refundable: 1_250,
      cash: { given: 2_000, change: 750 },
      card: null,
    });
    expect(await typesOf(ctx, input.paymentId)).toEqual(['payment.authorized', 'payment.captured']);
    const [captured] = await h.events(tenant, 'payments.payment-captured');
    expect(captured?.payload).toEqual({
      tenantId: tenant,
      paymentId: input.paymentId,
      orderId: input.orderId,
      storeId: store,
      tender: 'cash',
      currency: 'EUR',
      amount: 1_250,
      tip: 0,
      captured: 1_250,
      change: 750,
    });
    expect((await processor.stats()).requests).toBe(0);
  });

  it('refuses too little cash, and a tip on cash, without recording anything', async () => {
    const { store, ctx } = setUp();
    const short = cashSale(store, 1_250, 1_000);
    await expect(h.api.takePayment(ctx, short)).rejects.toMatchObject({
      code: 'cash-insufficient',
      details: { short: 250 },
    });
    const tipped = { ...cashSale(store, 1_000, 2_000), tip: 100 };
    await expect(h.api.takePayment(ctx, tipped)).rejects.toMatchObject({ code: 'tip-not-allowed' });
    await expect(h.api.getPayment(ctx, short.paymentId)).rejects.toMatchObject({
      code: 'payment-not-found',
    });
  });

  it('authorizes and captures a card with its tip, through request, authorization and capture', async () => {
    const { tenant, store, ctx } = setUp();
    const input = cardSale(store, 2_500, { tip: 300 });

    const payment = await h.api.takePayment(ctx, input);

    expect(payment).toMatchObject({
      status: 'captured',
      tender: 'card',
      amount: 2_500,
      tip: 300,
      authorized: 2_800,
      captured: 2_800,
      card: { last4: '4242' },
    });
    expect(await typesOf(ctx, input.paymentId)).toEqual([
      'payment.authorization-requested',
      'payment.authorized',
      'payment.captured',
    ]);
    const [held] = await atProcessor(input.paymentId);
    expect(held).toMatchObject({ id: payment.card?.processorRef, status: 'captured' });
    expect(held?.capturedAmount).toBe(2_800);
    const [event] = await h.events(tenant, 'payments.payment-captured');
    expect(event?.payload).toMatchObject({
      amount: 2_500,
      tip: 300,
      captured: 2_800,
      change: null,
    });
  });

  it('records a decline: no money captured, the decline in the stream, card-declined raised', async () => {
    const { tenant, store, ctx } = setUp();
    const input = cardSale(store, 900, {
      tender: { kind: 'card', card: { number: cards.insufficientFunds } },
    });

    await expect(h.api.takePayment(ctx, input)).rejects.toMatchObject({
      code: 'card-declined',
      kind: 'unprocessable',
      details: { declineCode: 'insufficient_funds' },
    });

    expect(await h.api.getPayment(ctx, input.paymentId)).toMatchObject({
      status: 'declined',
      declineCode: 'insufficient_funds',
      authorized: 0,
      captured: 0,
      refundable: 0,
    });
    expect(await typesOf(ctx, input.paymentId)).toEqual([
      'payment.authorization-requested',
      'payment.declined',
    ]);
    expect((await h.events(tenant, 'payments.payment-declined')).map((e) => e.payload)).toEqual([
      expect.objectContaining({ paymentId: input.paymentId, declineCode: 'insufficient_funds' }),
    ]);
    expect(await h.events(tenant, 'payments.payment-captured')).toEqual([]);
    // A retry is answered from the stream: the processor is not asked again.
    await expect(h.api.takePayment(ctx, input)).rejects.toMatchObject({ code: 'card-declined' });
    expect(await posts()).toBe(1);
    expect((await processor.stats()).payments).toBe(0);
  });

  it('returns the first payment to a retry with the same id: one payment at the processor', async () => {
    const { store, ctx } = setUp();
    const input = cardSale(store);

    const first = await h.api.takePayment(ctx, input);
    const again = await h.api.takePayment(ctx, input);

    expect(again).toEqual(first);
    expect(await atProcessor(input.paymentId)).toHaveLength(1);
    // One sale (authorized and captured in one call), never repeated.
    expect(await posts()).toBe(1);
    expect(await posts('POST /v1/payments/:id/capture')).toBe(0);
    expect((await processor.stats()).payments).toBe(1);
  });

  it('refuses the same payment id for a different payment', async () => {
    const { store, ctx } = setUp();
    const input = cardSale(store);
    await h.api.takePayment(ctx, input);

    await expect(h.api.takePayment(ctx, { ...input, amount: 2_600 })).rejects.toMatchObject({
      code: 'payment-id-reused',
      kind: 'conflict',
    });
    const asCash = { ...input, tender: { kind: 'cash' as const, given: 5_000 } };
    await expect(h.api.takePayment(ctx, asCash)).rejects.toMatchObject({
      code: 'payment-id-reused',
    });
  });

  it('refuses a card number that fails the Luhn check before asking the processor', async () => {
    const { store, ctx } = setUp();
    const input = cardSale(store, 500, {
      tender: { kind: 'card', card: { number: cards.invalid } },
    });
    await expect(h.api.takePayment(ctx, input)).rejects.toMatchObject({
      code: 'card-number-invalid',
    });
    expect((await processor.stats()).requests).toBe(0);
  });

  it('leaves the payment pending while the processor is down, and completes it on a retry', async () => {
    const { store, ctx } = setUp();
    const input = cardSale(store);
    await processor.setFaults({ errorRate: 1 });

    await expect(h.api.takePayment(ctx, input)).rejects.toMatchObject({
      code: 'dependency-unavailable',
      kind: 'unavailable',
    });
    expect(await h.api.getPayment(ctx, input.paymentId)).toMatchObject({ status: 'pending' });

    await processor.setFaults({ errorRate: 0 });
    expect(await h.api.takePayment(ctx, input)).toMatchObject({ status: 'captured' });
    expect(await atProcessor(input.paymentId)).toHaveLength(1);
  });

  it('charges once when the processor’s answer is lost and the call is retried', async () => {
    const { store, ctx } = setUp();
    const input = cardSale(store);
    await processor.setFaults({ lostResponseRate: 1 });

    // The adapter retries with the same key; every first answer is lost, every replay arrives.
    const payment = await h.api.takePayment(ctx, input);

    const stats = await processor.stats();
    expect(payment.status).toBe('captured');
    expect(stats.faultsInjected.lostResponse).toBe(1); // the sale's first answer
    expect(stats.payments).toBe(1);
  });

  it('refuses a payment in a store the cashier may not act in', async () => {
    const tenant = newId();
    const ctx = h.ctx(tenant, 'cashier', [newId()]);
    await expect(h.api.takePayment(ctx, cashSale(newId(), 100, 100))).rejects.toMatchObject({
      code: 'store-not-allowed',
    });
  });
});
