import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newId, type StratumApp } from '@stratum/platform';
import {
  createTestDatabase,
  postgresUrl,
  startCardProcessor,
  testEngines,
  type RunningCardProcessor,
} from '@stratum/testing';
import { cardSale, cards, paymentsHarness, type Harness } from '../../test-harness.ts';

let processor: RunningCardProcessor;
beforeAll(async () => {
  processor = await startCardProcessor();
});
afterAll(() => processor?.stop());

const authorizations = async () => (await processor.stats()).byRoute['POST /v1/payments'] ?? 0;

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

  it('requires an Idempotency-Key on every POST that moves money', async () => {
    const token = staff();
    const sale = cardSale(newId());
    const routes = [
      ['/api/v1/payments', sale],
      [`/api/v1/payments/${sale.paymentId}/void`, { reason: 'x' }],
      [`/api/v1/payments/${sale.paymentId}/refunds`, { refundId: newId(), amount: 1, reason: 'x' }],
    ] as const;
    for (const [url, body] of routes) {
      const res = await post(url, token, body);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ code: 'idempotency-key-required' });
    }
    expect((await processor.stats()).requests).toBe(0);
  });

  it('replays the first response to the same request under the same key, field order aside', async () => {
    const token = staff();
    const sale = cardSale(newId());
    const key = newId();

    const first = await post('/api/v1/payments', token, sale, key);
    const reordered = Object.fromEntries(Object.entries(sale).reverse());
    const again = await post('/api/v1/payments', token, reordered, key);

    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ id: sale.paymentId, status: 'captured' });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(await authorizations()).toBe(1);
  });

  it('refuses the same key for a different request with 422 idempotency-key-reused', async () => {
    const token = staff();
    const key = newId();
    const sale = cardSale(newId());
    expect((await post('/api/v1/payments', token, sale, key)).statusCode).toBe(201);

    const other = await post('/api/v1/payments', token, { ...sale, amount: 2_600 }, key);
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
  });

  it('answers 409 idempotency-key-in-flight to a repeat while the first is still running', async () => {
    const token = staff();
    const sale = cardSale(newId());
    const key = newId();
    await processor.setFaults({ latencyMs: 400 });

    const [a, b] = await Promise.all([
      post('/api/v1/payments', token, sale, key),
      post('/api/v1/payments', token, sale, key),
    ]);

    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    const refused = a.statusCode === 409 ? a : b;
    expect(refused.json()).toMatchObject({ code: 'idempotency-key-in-flight' });
    const replay = await post('/api/v1/payments', token, sale, key);
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect((await processor.stats()).payments).toBe(1);
  });

  it('releases the key after a 503, so that the retry is processed', async () => {
    const token = staff();
    const sale = cardSale(newId());
    const key = newId();
    await processor.setFaults({ errorRate: 1 });

    const failed = await post('/api/v1/payments', token, sale, key);
    await processor.setFaults({ errorRate: 0 });
    const retried = await post('/api/v1/payments', token, sale, key);

    expect(failed.statusCode).toBe(503);
    expect(failed.json()).toMatchObject({ code: 'dependency-unavailable' });
    expect(retried.statusCode).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(retried.json()).toMatchObject({ status: 'captured' });
  });

  it('stores a client error and replays it: a decline is not retried at the processor', async () => {
    const token = staff();
    const sale = cardSale(newId(), 900, {
      tender: { kind: 'card', card: { number: cards.insufficientFunds } },
    });
    const key = newId();

    const first = await post('/api/v1/payments', token, sale, key);
    const again = await post('/api/v1/payments', token, sale, key);

    expect(first.statusCode).toBe(422);
    expect(first.json()).toMatchObject({
      code: 'card-declined',
      declineCode: 'insufficient_funds',
    });
    expect(again.statusCode).toBe(422);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(again.json()).toEqual(first.json());
    expect(await authorizations()).toBe(1);
  });

  it('keeps keys per tenant: another business may use the same key', async () => {
    const key = newId();
    const a = await post('/api/v1/payments', staff(), cardSale(newId()), key);
    const b = await post('/api/v1/payments', staff(), cardSale(newId()), key);

    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
  });

  it('refunds with a manager’s approval, then reads the payment, its list and its stream', async () => {
    const tenant = newId();
    const cashier = staff('cashier', tenant);
    const manager = staff('manager', tenant);
    const sale = cardSale(newId(), 9_000);
    await post('/api/v1/payments', cashier, sale, newId());
    const refunds = `/api/v1/payments/${sale.paymentId}/refunds`;
    const body = { refundId: newId(), amount: 6_000, reason: 'burnt' };

    const refused = await post(refunds, cashier, body, newId());
    const approved = await post(
      refunds,
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

  it('checks permissions: only managers and owners set refund limits, the kitchen takes no money', async () => {
    const tenant = newId();
    const store = newId();
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
      '/api/v1/payments',
      staff('kitchen', tenant),
      cardSale(store),
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
