import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newId, type StratumApp } from '@stratum/platform';
import {
  createTestDatabase,
  postgresUrl,
  startCardProcessor,
  testEngines,
  type RunningCardProcessor,
} from '@stratum/testing';
import {
  crashedCardPayment,
  paymentsHarness,
  quickPolicy,
  type Harness,
  type Role,
} from '../../test-harness.ts';

let processor: RunningCardProcessor;
beforeAll(async () => {
  processor = await startCardProcessor();
});
afterAll(() => processor?.stop());

const lookups = async () => (await processor.stats()).byRoute['GET /v1/payments'] ?? 0;

describe.each(testEngines())('POST /api/v1/payments/{paymentId}/reconcile on %s', (engine) => {
  let h: Harness;
  let app: StratumApp;
  beforeAll(async () => {
    h = await paymentsHarness({
      processor,
      ...(engine === 'postgres' && { postgres: await createTestDatabase(postgresUrl()!) }),
      module: { reconcileGraceMs: 60_000 },
    });
    app = await h.http();
  });
  afterAll(() => h?.close());
  beforeEach(() => processor.reset());

  const reconcile = (on: StratumApp, paymentId: string, token: string) =>
    on.inject({
      method: 'POST',
      url: `/api/v1/payments/${paymentId}/reconcile`,
      headers: { authorization: `Bearer ${token}` },
    });
  const staff = (tenant: string, role: Role) => h.tokens.issue(tenant, role);
  const status = async (tenant: string, paymentId: string) =>
    (await h.api.getPayment(h.ctx(tenant), paymentId)).status;

  it('lets a manager record the capture the processor made before a crash', async () => {
    const { tenant, input, processorRef } = await crashedCardPayment(
      h,
      processor,
      'authorize-and-capture',
    );
    expect(await status(tenant, input.paymentId)).toBe('pending');

    const res = await reconcile(app, input.paymentId, staff(tenant, 'manager'));

    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: input.paymentId,
      status: 'captured',
      captured: 3_000,
      card: { processorRef, last4: '4242' },
    });
    expect(await status(tenant, input.paymentId)).toBe('captured');
    expect(await lookups()).toBe(1);
    // A repeat finds the outcome recorded: the same answer, nothing written twice.
    const again = await reconcile(app, input.paymentId, staff(tenant, 'owner'));
    expect(again.json()).toEqual(res.json());
  });

  it('records a decline once the processor has shown no payment for the grace period', async () => {
    const { tenant, input } = await crashedCardPayment(h, processor, 'nothing');
    const manager = staff(tenant, 'manager');

    const early = await reconcile(app, input.paymentId, manager);
    h.clock.advance(60_001);
    const late = await reconcile(app, input.paymentId, manager);

    expect(early.statusCode).toBe(200);
    expect(early.json()).toMatchObject({ status: 'pending' });
    expect(late.statusCode).toBe(200);
    expect(late.json()).toMatchObject({
      status: 'declined',
      declineCode: 'not-processed',
      captured: 0,
    });
    expect((await processor.stats()).payments).toBe(0);
  });

  it('refuses a cashier with 403, without asking the processor', async () => {
    const { tenant, input } = await crashedCardPayment(h, processor, 'authorize-and-capture');

    const res = await reconcile(app, input.paymentId, staff(tenant, 'cashier'));

    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'permission-denied' });
    expect(await lookups()).toBe(0);
    expect(await status(tenant, input.paymentId)).toBe('pending');
  });

  it('answers 404 for an unknown payment and for another tenant’s, alike', async () => {
    const { input } = await crashedCardPayment(h, processor, 'authorize-and-capture');
    const stranger = staff(newId(), 'manager');

    const unknown = await reconcile(app, newId(), stranger);
    const foreign = await reconcile(app, input.paymentId, stranger);

    // Apart from what names this very request, the two answers are the same.
    const told = (res: typeof unknown) => {
      const {
        instance: _instance,
        traceId: _trace,
        requestId: _request,
        ...rest
      } = res.json<Record<string, unknown>>();
      return rest;
    };
    for (const res of [unknown, foreign]) {
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ code: 'payment-not-found' });
    }
    expect(told(foreign)).toEqual(told(unknown));
    expect(await lookups()).toBe(0);
  });

  it('answers 400 for a payment id that is not a UUID', async () => {
    const res = await reconcile(app, 'not-a-uuid', staff(newId(), 'manager'));

    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('answers 503 while the processor is down, then with Retry-After once its circuit opens', async () => {
    // A module of its own, whose breaker opens after two failed lookups.
    const fragile = await paymentsHarness({
      processor,
      ...(engine === 'postgres' && { postgres: await createTestDatabase(postgresUrl()!) }),
      policy: {
        ...quickPolicy,
        retry: { maxRetries: 0 },
        breaker: { consecutiveFailures: 2, halfOpenAfterMs: 30_000 },
      },
    });
    try {
      const fragileApp = await fragile.http();
      const { tenant, input } = await crashedCardPayment(fragile, processor, 'authorize');
      const manager = fragile.tokens.issue(tenant, 'manager');
      await processor.setFaults({ errorRate: 1 });

      const down = await reconcile(fragileApp, input.paymentId, manager);
      await reconcile(fragileApp, input.paymentId, manager);
      const open = await reconcile(fragileApp, input.paymentId, manager);

      expect(down.statusCode).toBe(503);
      expect(down.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(down.json()).toMatchObject({ code: 'dependency-unavailable' });
      expect(open.statusCode).toBe(503);
      expect(open.json()).toMatchObject({ code: 'dependency-circuit-open' });
      const retryAfter = Number(open.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(30);
      expect(await lookups()).toBe(2);
      expect((await fragile.api.getPayment(fragile.ctx(tenant), input.paymentId)).status).toBe(
        'pending',
      );
    } finally {
      await fragile.close();
    }
  });
});
