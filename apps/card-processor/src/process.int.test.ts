import {
  CardProcessorStartError,
  startCardProcessor,
  type RunningCardProcessor,
} from '@stratum/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Payment } from './payments.ts';

// The processor runs as its own process and is reached over real HTTP: timeouts and dropped
// connections are only real on a real socket.
let processor: RunningCardProcessor;

beforeAll(async () => {
  processor = await startCardProcessor({ env: { PROCESSOR_SEED: '7' } });
});

afterAll(async () => {
  await processor?.stop();
});

beforeEach(async () => {
  await processor.reset();
});

/** A loose view of any answer: a payment, a refund, an error or a list. */
interface Answer extends Partial<Payment> {
  code?: string;
  payment?: Payment;
  items?: Payment[];
  [field: string]: unknown;
}

const card = (number: string) => ({ number });
const approved = card('4242424242424242');
let keys = 0;
const newKey = () => `key-${process.pid}-${(keys += 1)}`;

async function call(
  method: 'GET' | 'POST',
  path: string,
  options: { key?: string; body?: object; apiKey?: string | null } = {},
) {
  const apiKey = options.apiKey === undefined ? processor.apiKey : options.apiKey;
  const res = await fetch(`${processor.url}${path}`, {
    method,
    headers: {
      ...(apiKey !== null && { authorization: `Bearer ${apiKey}` }),
      ...(options.key && { 'idempotency-key': options.key }),
      ...(options.body && { 'content-type': 'application/json' }),
    },
    ...(options.body && { body: JSON.stringify(options.body) }),
  });
  return {
    status: res.status,
    replayed: res.headers.get('idempotent-replayed'),
    body: (await res.json()) as Answer,
  };
}

const pay = (body: object, key = newKey()) => call('POST', '/v1/payments', { key, body });

describe('payments over HTTP', () => {
  it('authorizes, captures and refunds in parts, refusing a refund above what is left', async () => {
    const authorized = await pay({
      amount: 1000,
      currency: 'EUR',
      card: approved,
      reference: 'o-1',
    });
    const { id } = authorized.body;
    const captured = await call('POST', `/v1/payments/${id}/capture`, { key: newKey(), body: {} });
    const refund = await call('POST', `/v1/payments/${id}/refunds`, {
      key: newKey(),
      body: { amount: 400 },
    });
    const tooMuch = await call('POST', `/v1/payments/${id}/refunds`, {
      key: newKey(),
      body: { amount: 601 },
    });
    const rest = await call('POST', `/v1/payments/${id}/refunds`, {
      key: newKey(),
      body: { amount: 600 },
    });

    expect(authorized.status).toBe(201);
    expect(authorized.body).toMatchObject({
      status: 'authorized',
      amount: 1000,
      currency: 'EUR',
      capturedAmount: 0,
      last4: '4242',
      reference: 'o-1',
    });
    expect(authorized.body.authorizationCode).toMatch(/^[A-Z0-9]{6}$/);
    expect(captured).toMatchObject({
      status: 200,
      body: { status: 'captured', capturedAmount: 1000 },
    });
    expect(refund.status).toBe(201);
    expect(refund.body).toMatchObject({
      paymentId: id,
      amount: 400,
      payment: { status: 'partially_refunded', refundedAmount: 400 },
    });
    expect(refund.body.id).toEqual(expect.any(String));
    expect(tooMuch).toMatchObject({
      status: 422,
      body: { code: 'refund-exceeds-captured', refundable: 600 },
    });
    expect(rest.body.payment).toMatchObject({ status: 'refunded', refundedAmount: 1000 });
    expect((await call('GET', `/v1/payments/${id}`)).body.status).toBe('refunded');
  });

  it('refuses to capture a voided payment', async () => {
    const { id } = (await pay({ amount: 500, currency: 'USD', card: approved })).body;
    const voided = await call('POST', `/v1/payments/${id}/void`, { key: newKey(), body: {} });
    const capture = await call('POST', `/v1/payments/${id}/capture`, { key: newKey(), body: {} });

    expect(voided).toMatchObject({ status: 200, body: { status: 'voided' } });
    expect(capture).toMatchObject({ status: 409, body: { code: 'payment-voided' } });
  });

  it('answers a second capture with already-captured but a retried capture with a replay', async () => {
    const { id } = (await pay({ amount: 500, currency: 'USD', card: approved })).body;
    const key = newKey();
    const first = await call('POST', `/v1/payments/${id}/capture`, { key, body: { amount: 300 } });
    const retry = await call('POST', `/v1/payments/${id}/capture`, { key, body: { amount: 300 } });
    const second = await call('POST', `/v1/payments/${id}/capture`, { key: newKey(), body: {} });

    expect(retry).toEqual({ ...first, replayed: 'true' });
    expect(second).toMatchObject({ status: 409, body: { code: 'already-captured' } });
  });

  it.each([
    ['4000000000000002', 'generic_decline'],
    ['4000000000009995', 'insufficient_funds'],
    ['4000000000000069', 'expired_card'],
    ['4000000000000127', 'incorrect_cvc'],
  ])('declines %s with %s and creates no payment', async (number, declineCode) => {
    const res = await pay({ amount: 100, currency: 'EUR', card: card(number) });

    expect(res.status).toBe(402);
    expect(res.body).toEqual({ code: 'card-declined', declineCode, message: expect.any(String) });
    expect((await processor.stats()).payments).toBe(0);
  });

  it('answers 401 without the api key or with a wrong one', async () => {
    const missing = await call('GET', '/v1/payments', { apiKey: null });
    const wrong = await call('GET', '/v1/payments', { apiKey: 'sk_wrong' });

    expect(missing).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
    expect(wrong).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
  });
});

describe('idempotency over HTTP', () => {
  it('replays the first response to the same request, whatever the order of its fields', async () => {
    const key = newKey();
    const first = await pay({ amount: 100, currency: 'EUR', card: approved }, key);
    const again = await pay({ card: approved, currency: 'EUR', amount: 100 }, key);

    expect(first.replayed).toBeNull();
    expect(again).toEqual({ ...first, replayed: 'true' });
    expect((await processor.stats()).payments).toBe(1);
  });

  it('replays a decline too', async () => {
    const key = newKey();
    const first = await pay({ amount: 100, currency: 'EUR', card: card('4000000000000002') }, key);
    const again = await pay({ amount: 100, currency: 'EUR', card: card('4000000000000002') }, key);

    expect(again).toEqual({ ...first, replayed: 'true' });
  });

  it('refuses a key reused for a different request', async () => {
    const key = newKey();
    await pay({ amount: 100, currency: 'EUR', card: approved }, key);
    const reused = await pay({ amount: 101, currency: 'EUR', card: approved }, key);

    expect(reused).toMatchObject({ status: 422, body: { code: 'idempotency-key-reused' } });
  });

  it('answers in-flight to a concurrent request with the same key', async () => {
    await processor.setFaults({ latencyMs: 750 });
    const key = newKey();
    const body = { amount: 100, currency: 'EUR', card: approved };

    const answers = await Promise.all([pay(body, key), pay(body, key)]);

    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    expect(answers.find((a) => a.status === 409)?.body.code).toBe('idempotency-key-in-flight');
    expect((await processor.stats()).payments).toBe(1);
  });
});

describe('faults over HTTP', () => {
  const body = (reference: string) => ({ amount: 250, currency: 'EUR', card: approved, reference });
  const byReference = async (reference: string) =>
    (await call('GET', `/v1/payments?reference=${reference}`)).body.items;

  it('answers 503 before processing, so a retry with the key creates exactly one payment', async () => {
    await processor.setFaults({ errorRate: 1 });
    const key = newKey();
    const failed = await pay(body('err-1'), key);
    await processor.setFaults({ errorRate: 0 });
    const retry = await pay(body('err-1'), key);

    expect(failed).toMatchObject({ status: 503, body: { code: 'processor-unavailable' } });
    expect(retry).toMatchObject({ status: 201, replayed: null });
    expect(await byReference('err-1')).toEqual([retry.body]);
    expect((await processor.stats()).faultsInjected.error).toBe(1);
  });

  it('stores the result of a request whose response it loses, for the retry to get', async () => {
    await processor.setFaults({ lostResponseRate: 1 });
    const key = newKey();
    const lost = await pay(body('lost-1'), key);
    const retry = await pay(body('lost-1'), key);

    expect(lost).toMatchObject({ status: 500, body: { code: 'processor-error' } });
    expect(retry).toMatchObject({ status: 201, replayed: 'true', body: { reference: 'lost-1' } });
    expect(await byReference('lost-1')).toEqual([retry.body]);
  });

  it('drops the connection of a timed-out request without processing it', async () => {
    await processor.setFaults({ timeoutRate: 1, hangMs: 50 });
    const key = newKey();

    await expect(pay(body('hang-1'), key)).rejects.toThrow('fetch failed');

    await processor.setFaults({ timeoutRate: 0 });
    expect(await byReference('hang-1')).toEqual([]);
    expect((await pay(body('hang-1'), key)).replayed).toBeNull();
    expect((await processor.stats()).faultsInjected.timeout).toBe(1);
  });

  it('refuses a fault update with an unknown field or a rate above 1', async () => {
    const put = (payload: object) =>
      fetch(`${processor.url}/admin/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
      });

    const unknown = await put({ errorRate: 1, dropEverything: true });
    const tooHigh = await put({ errorRate: 2 });

    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ code: 'invalid-request' });
    expect(tooHigh.status).toBe(400);
    expect(await (await fetch(`${processor.url}/admin/faults`)).json()).toMatchObject({
      errorRate: 0,
    });
  });
});

describe('the processor process', () => {
  it('exits with code 2 and names every bad variable', async () => {
    const start = startCardProcessor({
      env: { PROCESSOR_PORT: 'eighty', PROCESSOR_LOST_RESPONSE_RATE: '3' },
    });

    const error = await start.then(
      () => Promise.reject(new Error('the processor started')),
      (err: unknown) => err,
    );

    expect(error).toBeInstanceOf(CardProcessorStartError);
    expect(error).toMatchObject({ exitCode: 2 });
    const { stderr } = error as CardProcessorStartError;
    expect(stderr).toContain('PROCESSOR_PORT');
    expect(stderr).toContain('PROCESSOR_LOST_RESPONSE_RATE');
  });

  it('exits 0 on SIGTERM, without waiting for a hanging request', async () => {
    const own = await startCardProcessor({
      env: { PROCESSOR_TIMEOUT_RATE: '1', PROCESSOR_API_KEY: 'sk_own' },
    });
    // Settled into a value at once: the rejection arrives while stop() is being awaited.
    const hanging = fetch(`${own.url}/v1/payments`, {
      headers: { authorization: 'Bearer sk_own' },
    }).then(
      (res) => `answered ${res.status}`,
      (err: unknown) => err,
    );
    await expect.poll(async () => (await own.stats()).faultsInjected.timeout).toBe(1);

    await own.stop();

    expect(await own.exited).toEqual({ code: 0, signal: null });
    expect(await hanging).toMatchObject({ message: 'fetch failed' });
  });
});
