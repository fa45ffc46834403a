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
import {
  cardSale,
  cashSale,
  crashedCardPayment as crashed,
  paymentsHarness,
  type Harness,
} from '../test-harness.ts';

let processor: RunningCardProcessor;
beforeAll(async () => {
  processor = await startCardProcessor();
});
afterAll(() => processor?.stop());

const direct = () => httpCardProcessor({ baseUrl: processor.url, apiKey: processor.apiKey });
const postsTo = async (route: string) => (await processor.stats()).byRoute[route] ?? 0;

describe.each(testEngines())('voids and reconciliation on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await paymentsHarness({
      processor,
      ...(engine === 'postgres' && { postgres: await createTestDatabase(postgresUrl()!) }),
      module: { reconcileGraceMs: 60_000 },
    });
  });
  afterAll(() => h?.close());
  beforeEach(() => processor.reset());

  const crashedCardPayment = (processorDid: Parameters<typeof crashed>[2]) =>
    crashed(h, processor, processorDid);

  it('records the authorization the processor made before the crash: one payment there', async () => {
    const { ctx, input, processorRef } = await crashedCardPayment('authorize');
    expect(await h.api.getPayment(ctx, input.paymentId)).toMatchObject({ status: 'pending' });

    const reconciled = await h.api.reconcile(ctx, input.paymentId);

    expect(reconciled).toMatchObject({
      status: 'authorized',
      authorized: 3_000,
      captured: 0,
      card: { processorRef, last4: '4242' },
    });
    expect((await processor.stats()).payments).toBe(1);
    // The saga's retry of the payment now only captures what is there.
    expect(await h.api.takePayment(ctx, input)).toMatchObject({ status: 'captured' });
    expect(await direct().findByReference(input.paymentId)).toHaveLength(1);
    expect(await postsTo('POST /v1/payments')).toBe(1);
  });

  it('records authorization and capture when the processor got that far', async () => {
    const { tenant, ctx, input } = await crashedCardPayment('authorize-and-capture');

    const reconciled = await h.api.reconcile(ctx, input.paymentId);

    expect(reconciled).toMatchObject({ status: 'captured', captured: 3_000 });
    expect((await h.api.paymentEvents(ctx, input.paymentId)).map((e) => e.type)).toEqual([
      'payment.authorization-requested',
      'payment.authorized',
      'payment.captured',
    ]);
    expect(await h.events(tenant, 'payments.payment-captured')).toHaveLength(1);
    expect(await h.api.reconcile(ctx, input.paymentId)).toEqual(reconciled);
  });

  it('waits out the grace period before concluding that the processor never saw the request', async () => {
    const { ctx, input } = await crashedCardPayment('nothing');

    expect(await h.api.reconcile(ctx, input.paymentId)).toMatchObject({ status: 'pending' });
    h.clock.advance(60_001);
    const settled = await h.api.reconcile(ctx, input.paymentId);

    expect(settled).toMatchObject({
      status: 'declined',
      declineCode: 'not-processed',
      captured: 0,
    });
    expect((await processor.stats()).payments).toBe(0);
  });

  it('voids an uncaptured authorization at the processor and in the stream, once', async () => {
    const { tenant, ctx, input } = await crashedCardPayment('authorize');
    await h.api.reconcile(ctx, input.paymentId);
    const manager = h.ctx(tenant, 'manager');

    const voided = await h.api.voidPayment(manager, {
      paymentId: input.paymentId,
      reason: 'customer left',
    });
    const again = await h.api.voidPayment(manager, { paymentId: input.paymentId, reason: 'again' });

    expect(voided).toMatchObject({ status: 'voided', note: 'customer left', captured: 0 });
    expect(again).toEqual(voided);
    expect((await direct().findByReference(input.paymentId))[0]?.status).toBe('voided');
    expect(await postsTo('POST /v1/payments/:id/void')).toBe(1);
    expect((await h.events(tenant, 'payments.payment-voided')).map((e) => e.payload)).toEqual([
      expect.objectContaining({
        paymentId: input.paymentId,
        amount: 3_000,
        reason: 'customer left',
      }),
    ]);
    expect(await h.audit(tenant)).toEqual([
      expect.objectContaining({
        action: 'payment.voided',
        actorId: manager.actor.id,
        before: { status: 'authorized', captured: 0, refunded: 0 },
        after: { status: 'voided', captured: 0, refunded: 0 },
      }),
    ]);
    await expect(h.api.takePayment(ctx, input)).resolves.toMatchObject({ status: 'voided' });
  });

  it('reconciles a payment still awaiting the processor before voiding it', async () => {
    const { ctx, input } = await crashedCardPayment('authorize');

    const voided = await h.api.voidPayment(ctx, { paymentId: input.paymentId, reason: 'cancel' });

    expect(voided).toMatchObject({ status: 'voided' });
    expect((await direct().findByReference(input.paymentId))[0]?.status).toBe('voided');
  });

  it('refuses to void a captured payment, card or cash: it is refunded instead', async () => {
    const ctx: CallContext = h.ctx(newId(), 'manager');
    const store = newId();
    const card = await h.api.takePayment(ctx, cardSale(store));
    const cash = await h.api.takePayment(ctx, cashSale(store, 500, 500));

    for (const payment of [card, cash]) {
      await expect(
        h.api.voidPayment(ctx, { paymentId: payment.id, reason: 'oops' }),
      ).rejects.toMatchObject({ code: 'payment-already-captured' });
    }
    expect(await postsTo('POST /v1/payments/:id/void')).toBe(0);
  });

  it('answers payment-not-found for a payment that does not exist', async () => {
    const ctx = h.ctx(newId());
    await expect(h.api.reconcile(ctx, newId())).rejects.toMatchObject({
      code: 'payment-not-found',
    });
    await expect(h.api.voidPayment(ctx, { paymentId: newId(), reason: 'x' })).rejects.toMatchObject(
      { code: 'payment-not-found' },
    );
  });
});
