import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newId, type StratumApp } from '@stratum/platform';
import {
  createTestDatabase,
  postgresUrl,
  startCardProcessor,
  testEngines,
  type RunningCardProcessor,
} from '@stratum/testing';
import { cardSale, paymentsHarness, type Harness } from '../../test-harness.ts';

let processor: RunningCardProcessor;
beforeAll(async () => {
  processor = await startCardProcessor();
});
afterAll(() => processor?.stop());

/** Refunds the processor was asked for. */
const processorRefunds = async () =>
  (await processor.stats()).byRoute['POST /v1/payments/:id/refunds'] ?? 0;

describe.each(testEngines())('payments over HTTP on %s', (engine) => {
  let h: Harness;
  let app: StratumApp;
  beforeAll(async () => {
    h = await paymentsHarness({
      processor,
      ...(engine === 'postgres' && { postgres: await createTestDatabase(postgresUrl()!) }),
    });
    app = await h.http();
  });
  afterAll(() => h?.close());
  beforeEach(() => processor.reset());

  const post = (url: string, token: string, payload: object, key?: string) =>
    app.inject({
      method: 'POST',
      url,
      payload,
      headers: { authorization: `Bearer ${token}`, ...(key && { 'idempotency-key': key }) },
    });
  const get = (url: string, token: string) =>
    app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  const staff = (role: 'owner' | 'manager' | 'cashier' | 'kitchen' = 'cashier', tenant = newId()) =>
    h.tokens.issue(tenant, role);

  /** A card payment of `amount` captured in `tenant` (a checkout takes it, in process). */
  async function captured(tenant: string, amount = 2_500) {
    const sale = cardSale(newId(), amount);
    await h.api.takePayment(h.ctx(tenant, 'cashier'), sale);
    return sale;
  }
  const refunds = (paymentId: string) => `/api/v1/payments/${paymentId}/refunds`;
  const refundOf = (amount: number) => ({ refundId: newId(), amount, reason: 'cold' });

  it('takes no money outside a checkout: there is no route to charge a card directly', async () => {
    const res = await post('/api/v1/payments', staff('owner'), cardSale(newId()), newId());

    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'route-not-found' });
    expect((await processor.stats()).requests).toBe(0);
  });

  it('requires an Idempotency-Key on every POST that moves money', async () => {
    const tenant = newId();
    const sale = await captured(tenant);
    const token = staff('cashier', tenant);
    const routes = [
      [`/api/v1/payments/${sale.paymentId}/void`, { reason: 'x' }],
      [refunds(sale.paymentId), refundOf(1)],
    ] as const;
    for (const [url, body] of routes) {
      const res = await post(url, token, body);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ code: 'idempotency-key-required' });
    }
    expect(await processorRefunds()).toBe(0);
  });

  it('replays the first response to the same request under the same key, field order aside', async () => {
    const tenant = newId();
    const sale = await captured(tenant);
    const token = staff('cashier', tenant);
    const body = refundOf(500);
    const key = newId();

    const first = await post(refunds(sale.paymentId), token, body, key);
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await post(refunds(sale.paymentId), token, reordered, key);

    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ id: sale.paymentId, refunded: 500 });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(await processorRefunds()).toBe(1);
  });

  it('refuses the same key for a different request with 422 idempotency-key-reused', async () => {
    const tenant = newId();
    const sale = await captured(tenant);
    const token = staff('cashier', tenant);
    const key = newId();
    const body = refundOf(500);
    expect((await post(refunds(sale.paymentId), token, body, key)).statusCode).toBe(201);

    const other = await post(refunds(sale.paymentId), token, { ...body, amount: 600 }, key);
    const elsewhere = await post(
      `/api/v1/payments/${sale.paymentId}/void`,
      token,
      { reason: 'x' },
      key,
    );

    for (const res of [other, elsewhere]) {
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ code: 'idempotency-key-reused' });
    }
    expect(await processorRefunds()).toBe(1);
  });

  it('answers 409 idempotency-key-in-flight to a repeat while the first is still running', async () => {
    const tenant = newId();
    const sale = await captured(tenant);
    const token = staff('cashier', tenant);
    const body = refundOf(500);
    const key = newId();
    await processor.setFaults({ latencyMs: 400 });

    const [a, b] = await Promise.all([
      post(refunds(sale.paymentId), token, body, key),
      post(refunds(sale.paymentId), token, body, key),
    ]);

    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    const refused = a.statusCode === 409 ? a : b;
    expect(refused.json()).toMatchObject({ code: 'idempotency-key-in-flight' });
    const replay = await post(refunds(sale.paymentId), token, body, key);
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(await processorRefunds()).toBe(1);
  });

  it('releases the key after a 503, so that the retry is processed', async () => {
    const tenant = newId();
    const sale = await captured(tenant);
    const token = staff('cashier', tenant);
    const body = refundOf(500);
    const key = newId();
    await processor.setFaults({ errorRate: 1 });

    const failed = await post(refunds(sale.paymentId), token, body, key);
    await processor.setFaults({ errorRate: 0 });
    const retried = await post(refunds(sale.paymentId), token, body, key);

    expect(failed.statusCode).toBe(503);
    expect(failed.json()).toMatchObject({ code: 'dependency-unavailable' });
    expect(retried.statusCode).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(retried.json()).toMatchObject({ refunded: 500 });
  });

  it('stores a client error and replays it: a refusal is not tried again', async () => {
    const tenant = newId();
    const sale = await captured(tenant, 900);
    const token = staff('manager', tenant);
    const body = refundOf(901);
    const key = newId();

    const first = await post(refunds(sale.paymentId), token, body, key);
    const again = await post(refunds(sale.paymentId), token, body, key);

    expect(first.statusCode).toBe(422);
    expect(first.json()).toMatchObject({ code: 'refund-exceeds-captured' });
    expect(again.statusCode).toBe(422);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(again.json()).toEqual(first.json());
    expect(await processorRefunds()).toBe(0);
  });

  it('keeps keys per tenant: another business may use the same key', async () => {
    const key = newId();
    const [a, b] = await Promise.all(
      [newId(), newId()].map(async (tenant) => {
        const sale = await captured(tenant);
        return post(refunds(sale.paymentId), staff('cashier', tenant), refundOf(500), key);
      }),
    );

    expect([a!.statusCode, b!.statusCode]).toEqual([201, 201]);
    expect(a!.headers['idempotent-replayed']).toBeUndefined();
    expect(b!.headers['idempotent-replayed']).toBeUndefined();
  });

  it('refunds with a manager’s approval, then reads the payment, its list and its stream', async () => {
    const tenant = newId();
    const cashier = staff('cashier', tenant);
    const manager = staff('manager', tenant);
    const sale = await captured(tenant, 9_000);
    const body = { refundId: newId(), amount: 6_000, reason: 'burnt' };

    const refused = await post(refunds(sale.paymentId), cashier, body, newId());
    const approved = await post(
      refunds(sale.paymentId),
      cashier,
      { ...body, approval: { token: manager } },
      newId(),
    );

    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'refund-approval-required' });
    expect(approved.statusCode).toBe(201);
    expect(approved.json()).toMatchObject({ status: 'partially-refunded', refunded: 6_000 });
    expect((await get(`/api/v1/payments/${sale.paymentId}`, cashier)).json()).toMatchObject({
      refundable: 3_000,
    });
    const list = (await get(`/api/v1/payments?orderId=${sale.orderId}`, cashier)).json();
    expect(list).toMatchObject({ items: [{ id: sale.paymentId }], nextCursor: null });
    const stream = (await get(`/api/v1/payments/${sale.paymentId}/events`, cashier)).json<{
      items: { type: string }[];
    }>();
    expect(stream.items.map((e) => e.type)).toEqual([
      'payment.authorization-requested',
      'payment.authorized',
      'payment.captured',
      'payment.refunded',
    ]);
  });

  it('checks permissions: only managers and owners set refund limits, the kitchen gives no money back', async () => {
    const tenant = newId();
    const store = h.storeOps.addStore(tenant);
    const sale = await captured(tenant);
    const url = `/api/v1/payments/stores/${store}/refund-limit`;
    const put = (token: string) =>
      app.inject({
        method: 'PUT',
        url,
        payload: { refundLimit: 12_000 },
        headers: { authorization: `Bearer ${token}` },
      });

    const byCashier = await put(staff('cashier', tenant));
    const byManager = await put(staff('manager', tenant));
    const byKitchen = await post(
      refunds(sale.paymentId),
      staff('kitchen', tenant),
      refundOf(100),
      newId(),
    );

    expect(byCashier.statusCode).toBe(403);
    expect(byCashier.json()).toMatchObject({ code: 'permission-denied' });
    expect(byManager.statusCode).toBe(200);
    expect((await get(url, staff('cashier', tenant))).json()).toMatchObject({
      refundLimit: 12_000,
      source: 'store',
    });
    expect(byKitchen.statusCode).toBe(403);
    expect((await get(url, 'nobody')).statusCode).toBe(401);
  });
});
