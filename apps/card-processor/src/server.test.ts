import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { Payment } from './payments.ts';
import { buildProcessor, type ProcessorOptions } from './server.ts';
import type { ProcessorStats } from './stats.ts';

const auth = { authorization: 'Bearer sk_sandbox_stratum' };
const payment = { amount: 1000, currency: 'EUR', card: { number: '4242424242424242' } };

let app: FastifyInstance;

function start(options: ProcessorOptions = {}) {
  app = buildProcessor({ faults: { seed: 1 }, ...options });
  return app;
}

const post = (url: string, key: string | undefined, payload?: object) =>
  app.inject({
    method: 'POST',
    url,
    headers: { ...auth, ...(key !== undefined && { 'idempotency-key': key }) },
    ...(payload && { payload }),
  });

const get = (url: string) => app.inject({ method: 'GET', url, headers: auth });

afterEach(async () => {
  await app.close();
});

describe('the /v1 API', () => {
  it('answers health checks without an api key', async () => {
    const res = await start().inject({ method: 'GET', url: '/health' });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('accepts only the configured api key', async () => {
    start({ apiKey: 'sk_other' });
    const res = await get('/v1/payments');
    const own = await app.inject({
      method: 'GET',
      url: '/v1/payments',
      headers: { authorization: 'bearer sk_other' },
    });

    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'unauthorized' });
    expect(own.statusCode).toBe(200);
  });

  it('stamps payments with its clock', async () => {
    start({ now: () => new Date('2025-03-01T12:00:00Z') });

    const res = await post('/v1/payments', 'k1', payment);

    expect(res.json()).toMatchObject({ createdAt: '2025-03-01T12:00:00.000Z' });
  });

  it('requires an Idempotency-Key of 1 to 255 characters on every POST', async () => {
    start();
    const missing = await post('/v1/payments', undefined, payment);
    const empty = await post('/v1/payments', '', payment);
    const long = await post('/v1/payments', 'k'.repeat(256), payment);
    const longest = await post('/v1/payments', 'k'.repeat(255), payment);

    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ code: 'idempotency-key-required' });
    expect(empty.json()).toMatchObject({ code: 'idempotency-key-required' });
    expect(long.statusCode).toBe(400);
    expect(long.json()).toMatchObject({ code: 'invalid-idempotency-key' });
    expect(longest.statusCode).toBe(201);
  });

  it('names every invalid field and does not store the rejection under the key', async () => {
    start();
    const invalid = await post('/v1/payments', 'k1', {
      amount: 0,
      currency: 'eur',
      card: { number: '4242', cvc: '123' },
    });
    const valid = await post('/v1/payments', 'k1', payment);

    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().code).toBe('invalid-request');
    expect(invalid.json<{ issues: { path: string }[] }>().issues.map((i) => i.path)).toEqual([
      'body.amount',
      'body.currency',
      'body.card.number',
      'body.card',
    ]);
    expect(valid.statusCode).toBe(201);
  });

  it('answers malformed JSON with invalid-request', async () => {
    start();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: { ...auth, 'idempotency-key': 'k1', 'content-type': 'application/json' },
      payload: '{"amount":',
    });

    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'invalid-request' });
  });

  it('refuses a number failing the Luhn check without creating a payment', async () => {
    start();
    const res = await post('/v1/payments', 'k1', {
      ...payment,
      card: { number: '4242424242424241' },
    });

    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'invalid-card-number' });
    expect((await get('/v1/payments')).json()).toEqual({ items: [] });
  });

  it('answers payment-not-found for an unknown payment, and stores that answer', async () => {
    start();
    const capture = await post('/v1/payments/pay_nope/capture', 'k1');
    const replay = await post('/v1/payments/pay_nope/capture', 'k1');
    const read = await get('/v1/payments/pay_nope');

    expect(capture.statusCode).toBe(404);
    expect(capture.json()).toMatchObject({ code: 'payment-not-found' });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(read.statusCode).toBe(404);
  });

  it('treats a POST without a body as one with an empty object', async () => {
    start();
    const { id } = (await post('/v1/payments', 'k1', payment)).json();
    const bare = await post(`/v1/payments/${id}/void`, 'k2');
    const withBody = await post(`/v1/payments/${id}/void`, 'k2', {});

    expect(bare.json().status).toBe('voided');
    expect(withBody.headers['idempotent-replayed']).toBe('true');
  });

  it('refuses to capture more than was authorized', async () => {
    start();
    const { id } = (await post('/v1/payments', 'k1', payment)).json();
    const res = await post(`/v1/payments/${id}/capture`, 'k2', { amount: 1001 });

    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'capture-exceeds-authorized', authorized: 1000 });
  });

  it('lists payments by reference', async () => {
    start();
    await post('/v1/payments', 'k1', { ...payment, reference: 'order-1' });
    await post('/v1/payments', 'k2', { ...payment, reference: 'order-2' });
    await post('/v1/payments', 'k3', { ...payment, reference: 'order-1', amount: 5 });

    const res = await get('/v1/payments?reference=order-1');

    expect(res.json<{ items: Payment[] }>().items.map((p) => p.amount)).toEqual([1000, 5]);
  });

  it('answers an unknown route with not-found', async () => {
    const res = await start().inject({ method: 'GET', url: '/v2/anything' });

    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'not-found' });
  });
});

describe('faults', () => {
  it('drops the connection of a request it times out', async () => {
    start({ faults: { timeoutRate: 1, hangMs: 5 } });

    await expect(get('/v1/payments')).rejects.toMatchObject({ code: 'LIGHT_ECONNRESET' });
  });

  it('stops hanging when the processor closes', async () => {
    start({ faults: { timeoutRate: 1, hangMs: 600_000 } });
    const hanging = get('/v1/payments');
    await expect.poll(async () => (await stats()).faultsInjected.timeout).toBe(1);

    await app.close();

    await expect(hanging).rejects.toMatchObject({ code: 'LIGHT_ECONNRESET' });
  });

  it('never faults the health check or the admin routes', async () => {
    start({ faults: { errorRate: 1 } });

    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/admin/faults' })).statusCode).toBe(200);
    expect((await get('/v1/payments')).statusCode).toBe(503);
  });
});

async function stats() {
  return (await app.inject({ method: 'GET', url: '/admin/stats' })).json<ProcessorStats>();
}

describe('the admin routes', () => {
  it('answers a fault update with the effective settings', async () => {
    start({ faults: { seed: 5, latencyMs: 3 } });
    const res = await app.inject({
      method: 'PUT',
      url: '/admin/faults',
      payload: { errorRate: 0.5 },
    });

    expect(res.json()).toEqual({
      latencyMs: 3,
      jitterMs: 0,
      errorRate: 0.5,
      timeoutRate: 0,
      hangMs: 30_000,
      lostResponseRate: 0,
      seed: 5,
    });
  });

  it('counts requests by route', async () => {
    start();
    const { id } = (await post('/v1/payments', 'k1', payment)).json();
    await get(`/v1/payments/${id}`);
    await get(`/v1/payments/${id}`);

    expect(await stats()).toEqual({
      requests: 3,
      byRoute: { 'POST /v1/payments': 1, 'GET /v1/payments/:id': 2 },
      payments: 1,
      faultsInjected: { error: 0, timeout: 0, lostResponse: 0 },
    });
  });

  it('forgets payments, keys, faults and counts on reset', async () => {
    start({ faults: { seed: 5, latencyMs: 1 } });
    await post('/v1/payments', 'k1', payment);
    await app.inject({ method: 'PUT', url: '/admin/faults', payload: { errorRate: 1 } });
    await get('/v1/payments');

    const reset = await app.inject({ method: 'POST', url: '/admin/reset' });
    const again = await post('/v1/payments', 'k1', { ...payment, amount: 7 });

    expect(reset.statusCode).toBe(204);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect((await app.inject({ method: 'GET', url: '/admin/faults' })).json()).toMatchObject({
      errorRate: 0,
      latencyMs: 1,
      seed: 5,
    });
    expect(await stats()).toMatchObject({ requests: 1, payments: 1 });
  });
});
