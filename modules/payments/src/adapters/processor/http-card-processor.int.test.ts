import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, type CallPolicyOptions } from '@stratum/platform';
import { startCardProcessor, type RunningCardProcessor } from '@stratum/testing';
import type { AuthorizeRequest } from '../../application/ports.ts';
import { httpCardProcessor } from './http-card-processor.ts';

let processor: RunningCardProcessor;

beforeAll(async () => {
  processor = await startCardProcessor();
});
afterEach(async () => {
  await processor.reset();
});
afterAll(async () => {
  await processor?.stop();
});

const quick: CallPolicyOptions = {
  attemptTimeoutMs: 2_000,
  deadlineMs: 5_000,
  retry: { maxRetries: 2, initialDelayMs: 10, maxDelayMs: 50 },
  breaker: { consecutiveFailures: 5, halfOpenAfterMs: 30_000 },
  bulkhead: { maxConcurrent: 8, maxQueued: 8 },
};

function client(policy: CallPolicyOptions = {}) {
  return httpCardProcessor({
    baseUrl: processor.url,
    apiKey: processor.apiKey,
    policy: { ...quick, ...policy },
  });
}

const sale = (overrides: Partial<AuthorizeRequest> = {}): AuthorizeRequest => ({
  amount: 2_500,
  currency: 'EUR',
  card: { number: '4242424242424242' },
  reference: `pay-${randomUUID()}`,
  idempotencyKey: randomUUID(),
  ...overrides,
});

async function rejectionOf(promise: Promise<unknown>): Promise<DomainError> {
  const outcome = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(outcome instanceof DomainError))
    throw new Error(`expected a DomainError, got ${String(outcome)}`);
  return outcome;
}

const postsOf = async (route = 'POST /v1/payments') =>
  (await processor.stats()).byRoute[route] ?? 0;

describe('httpCardProcessor against the sandbox processor', () => {
  it('authorizes, captures, refunds and finds a payment by its reference', async () => {
    const cards = client();
    const request = sale();

    const result = await cards.authorize(request);
    if (result.outcome !== 'approved') throw new Error('expected an approval');
    const paymentId = result.payment.id;
    const capture = await cards.capture({ paymentId, idempotencyKey: randomUUID() });
    const refund = await cards.refund({ paymentId, amount: 1_000, idempotencyKey: randomUUID() });

    expect(result.payment).toMatchObject({ status: 'authorized', amount: 2_500, last4: '4242' });
    expect(capture).toMatchObject({ status: 'captured', capturedAmount: 2_500 });
    expect(refund).toMatchObject({ paymentId, amount: 1_000 });
    expect(refund.payment).toMatchObject({ status: 'partially-refunded', refundedAmount: 1_000 });
    expect((await cards.findByReference(request.reference!)).map((p) => p.id)).toEqual([paymentId]);
  });

  it('returns a decline as a result, and a decline does not count against the circuit', async () => {
    const cards = client({ breaker: { consecutiveFailures: 1 } });

    const result = await cards.authorize(sale({ card: { number: '4000000000009995' } }));

    expect(result).toMatchObject({ outcome: 'declined', declineCode: 'insufficient_funds' });
    expect(cards.policy.state().circuit).toBe('closed');
    expect(await postsOf()).toBe(1);
  });

  it('maps the processor’s refusals to payment error codes without retrying them', async () => {
    const cards = client();
    const result = await cards.authorize(sale());
    if (result.outcome !== 'approved') throw new Error('expected an approval');
    const paymentId = result.payment.id;
    const voidKey = randomUUID();
    await cards.void({ paymentId, idempotencyKey: voidKey });

    const capture = await rejectionOf(cards.capture({ paymentId, idempotencyKey: randomUUID() }));
    const reused = await rejectionOf(cards.capture({ paymentId, idempotencyKey: voidKey }));
    const refund = await rejectionOf(
      cards.refund({ paymentId, amount: 1, idempotencyKey: randomUUID() }),
    );

    expect(capture).toMatchObject({ code: 'payment-voided', kind: 'conflict' });
    expect(reused).toMatchObject({ code: 'idempotency-key-reused', kind: 'unprocessable' });
    expect(refund).toMatchObject({ code: 'payment-not-captured' });
    expect(await postsOf('POST /v1/payments/:id/capture')).toBe(2);
  });

  it('opens the circuit after repeated 503s and then fails fast without reaching the processor', async () => {
    const cards = client({ breaker: { consecutiveFailures: 3, halfOpenAfterMs: 30_000 } });
    await processor.setFaults({ errorRate: 1 });

    const first = await rejectionOf(cards.authorize(sale()));
    const requestsWhenOpened = (await processor.stats()).requests;
    const started = performance.now();
    const second = await rejectionOf(cards.authorize(sale()));
    const elapsed = performance.now() - started;

    expect(first).toMatchObject({ code: 'dependency-unavailable', kind: 'unavailable' });
    expect(requestsWhenOpened).toBe(3);
    expect(cards.policy.state().circuit).toBe('open');
    expect(second).toMatchObject({ code: 'dependency-circuit-open', kind: 'unavailable' });
    expect(second.details).toMatchObject({ dependency: 'card-processor' });
    expect((await processor.stats()).requests).toBe(requestsWhenOpened);
    expect(elapsed).toBeLessThan(100);
  });

  it('recovers a lost answer by retrying with the same key: one payment at the processor', async () => {
    const cards = client();
    const request = sale();
    await processor.setFaults({ lostResponseRate: 1 });

    const result = await cards.authorize(request);

    const stats = await processor.stats();
    expect(result.outcome).toBe('approved');
    expect(stats.faultsInjected.lostResponse).toBe(1);
    expect(stats.byRoute['POST /v1/payments']).toBe(2);
    expect(stats.payments).toBe(1);
    expect(await cards.findByReference(request.reference!)).toHaveLength(1);
  });

  it('gives the first payment back to a caller that gave up on a lost answer and tries the same key again', async () => {
    const cards = client({ retry: { maxRetries: 0 } });
    const request = sale();
    await processor.setFaults({ lostResponseRate: 1 });
    const lost = await rejectionOf(cards.authorize(request));
    await processor.setFaults({ lostResponseRate: 0 });

    const again = await cards.authorize(request);

    expect(lost.code).toBe('dependency-unavailable');
    if (again.outcome !== 'approved') throw new Error('expected an approval');
    expect((await processor.stats()).payments).toBe(1);
    expect((await cards.findByReference(request.reference!)).map((p) => p.id)).toEqual([
      again.payment.id,
    ]);
  });

  it('waits out a retry that overtook a slow first attempt instead of charging twice', async () => {
    const cards = client({
      attemptTimeoutMs: 150,
      retry: { maxRetries: 10, initialDelayMs: 50, maxDelayMs: 100 },
      breaker: { consecutiveFailures: 20 },
    });
    await processor.setFaults({ latencyMs: 400 });

    const result = await cards.authorize(sale());

    expect(result.outcome).toBe('approved');
    expect((await processor.stats()).payments).toBe(1);
    expect(await postsOf()).toBeGreaterThan(1);
  });

  it('retries a processor it cannot reach, then reports it unavailable', async () => {
    // A port that was just listening and is closed now: every connection is refused.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const cards = httpCardProcessor({
      baseUrl: `http://127.0.0.1:${port}`,
      apiKey: processor.apiKey,
      policy: quick,
    });

    const error = await rejectionOf(cards.authorize(sale()));

    expect(error).toMatchObject({ code: 'dependency-unavailable', kind: 'unavailable' });
    expect(error.cause).toMatchObject({ code: 'ECONNREFUSED' });
    expect(cards.policy.counts().retries).toBe(2);
  });

  it('fails with dependency-timeout within the deadline when the processor never answers', async () => {
    const cards = client({ attemptTimeoutMs: 200, deadlineMs: 600 });
    await processor.setFaults({ timeoutRate: 1, latencyMs: 100, hangMs: 5_000 });
    const started = performance.now();

    const error = await rejectionOf(cards.authorize(sale()));

    expect(error).toMatchObject({ code: 'dependency-timeout', kind: 'unavailable' });
    expect(performance.now() - started).toBeLessThan(900);
    expect((await processor.stats()).faultsInjected.timeout).toBeGreaterThanOrEqual(1);
  });

  it('rejects calls beyond the bulkhead at once with dependency-busy while the processor is slow', async () => {
    const cards = client({ bulkhead: { maxConcurrent: 2, maxQueued: 0 } });
    await processor.setFaults({ latencyMs: 500 });
    const started = performance.now();

    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () =>
        cards.authorize(sale()).then(
          (result) => ({ result: result.outcome, ms: performance.now() - started }),
          (error: unknown) => ({
            result: error instanceof DomainError ? error.code : String(error),
            ms: performance.now() - started,
          }),
        ),
      ),
    );

    const busy = outcomes.filter((o) => o.result === 'dependency-busy');
    expect(outcomes.filter((o) => o.result === 'approved')).toHaveLength(2);
    expect(busy).toHaveLength(3);
    expect(Math.max(...busy.map((o) => o.ms))).toBeLessThan(100);
    expect(await postsOf()).toBe(2);
  });
});
