import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, type StratumApp } from '@stratum/platform';
import { createTestDatabase, postgresUrl, testEngines } from '@stratum/testing';
import { orderingHarness, type Harness, type Shop } from '../../test-harness.ts';

describe.each(testEngines())('ordering over HTTP on %s', (engine) => {
  let h: Harness;
  let app: StratumApp;
  beforeAll(async () => {
    h = await orderingHarness(
      engine === 'postgres' ? { postgres: await createTestDatabase(postgresUrl()!) } : {},
    );
    app = await h.http();
  });
  afterAll(() => h?.close());

  const call = (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH',
    url: string,
    token: string,
    payload?: object,
    headers: Record<string, string> = {},
  ) =>
    app.inject({
      method,
      url: `/api/v1/ordering${url}`,
      headers: { authorization: `Bearer ${token}`, ...headers },
      ...(payload && { payload }),
    });

  async function openOrder(s: Shop, body: object = {}) {
    const res = await call('POST', '/orders', s.cashier.token, {
      storeId: s.storeId,
      registerId: s.registerId,
      fulfilment: { type: 'takeaway' },
      ...body,
    });
    expect(res.statusCode).toBe(201);
    return res.json<{ orderId: string; version: number }>();
  }

  const expectProblem = (res: Awaited<ReturnType<typeof call>>, status: number, code: string) => {
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status, code });
  };

  it('opens, fills and reads an order, answering its version as an ETag', async () => {
    const s = h.shop();
    const { orderId } = await openOrder(s);
    const added = await call('POST', `/orders/${orderId}/lines`, s.cashier.token, {
      variantId: s.menu.burger.variantId,
      optionIds: [s.menu.burger.optionIds[1]],
      quantity: 1,
    });
    expect(added.statusCode).toBe(200);
    expect(added.headers.etag).toBe('"2"');
    const read = await call('GET', `/orders/${orderId}`, s.kitchen.token);
    expect(read.json()).toMatchObject({
      orderId,
      version: 2,
      lines: [{ name: 'Burger', modifiers: [{ name: 'Bacon', priceDelta: 150 }] }],
      totals: { total: 1050 },
    });
    const list = await call('GET', `/orders?storeId=${s.storeId}&status=open`, s.cashier.token);
    expect(list.json()).toMatchObject({
      items: [{ orderId, lineCount: 1, total: 1050 }],
      nextCursor: null,
    });
  });

  it('creates idempotently on the orderId of the body', async () => {
    const s = h.shop();
    const orderId = newId();
    const first = await openOrder(s, { orderId });
    const again = await openOrder(s, { orderId });
    expect(again).toEqual(first);
    const clash = await call('POST', '/orders', s.cashier.token, {
      orderId,
      storeId: s.storeId,
      registerId: s.registerId,
      fulfilment: { type: 'retail' },
    });
    expectProblem(clash, 409, 'order-already-exists');
  });

  it('answers refused transitions and rules as problem documents with stable codes', async () => {
    const s = h.shop();
    const { orderId } = await openOrder(s);
    expectProblem(
      await call('POST', `/orders/${orderId}/close`, s.cashier.token),
      409,
      'invalid-order-transition',
    );
    expectProblem(
      await call('POST', `/orders/${orderId}/courses/1/fire`, s.cashier.token),
      409,
      'nothing-to-fire',
    );
    expectProblem(
      await call('POST', `/orders/${orderId}/split`, s.cashier.token, { mode: 'even', parts: 2 }),
      422,
      'order-empty',
    );
    h.catalog.setAvailable(s.menu.soup.itemId, false);
    expectProblem(
      await call('POST', `/orders/${orderId}/lines`, s.cashier.token, {
        variantId: s.menu.soup.variantId,
        quantity: 1,
      }),
      409,
      'item-unavailable',
    );
    const added = await call('POST', `/orders/${orderId}/lines`, s.cashier.token, {
      variantId: s.menu.fries.variantId,
      quantity: 1,
    });
    const lineId = added.json<{ lines: { lineId: string }[] }>().lines[0]!.lineId;
    await call('POST', `/orders/${orderId}/courses/1/fire`, s.cashier.token);
    const remove = (approval?: string) =>
      call('POST', `/orders/${orderId}/lines/${lineId}/remove`, s.cashier.token, {
        reason: 'dropped on the floor',
        ...(approval && { approval }),
      });
    expectProblem(await remove(), 403, 'manager-approval-required');
    const colleague = h.tokens.user(s.tenant, ['cashier']);
    expectProblem(await remove(colleague.token), 403, 'manager-approval-required');
    const removed = await remove(s.manager.token);
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toMatchObject({ lines: [{ voided: { role: 'manager' } }] });

    const voided = await call('POST', `/orders/${orderId}/void`, s.cashier.token, {
      reason: 'walked out',
      approval: s.manager.token,
    });
    expect(voided.json()).toMatchObject({ status: 'voided' });
    expectProblem(
      await call('PUT', `/orders/${orderId}/tip`, s.cashier.token, { amount: 100 }),
      409,
      'order-not-open',
    );
    expectProblem(
      await call('PATCH', `/orders/${orderId}/lines/${lineId}`, s.cashier.token, { quantity: 0 }),
      400,
      'validation-failed',
    );
    expectProblem(await call('GET', `/orders/${newId()}`, s.cashier.token), 404, 'order-not-found');
    expectProblem(
      await call('GET', `/orders/${orderId}/receipt`, s.cashier.token),
      404,
      'receipt-not-found',
    );
  });

  it('refuses a write decided on a stale version with order-concurrency-conflict', async () => {
    const s = h.shop();
    const { orderId, version } = await openOrder(s);
    const tip = (etag: string) =>
      call('PUT', `/orders/${orderId}/tip`, s.cashier.token, { amount: 50 }, { 'if-match': etag });
    const fresh = await tip(`"${version}"`);
    expect(fresh.statusCode).toBe(200);
    expect(fresh.headers.etag).toBe(`"${version + 1}"`);
    const stale = await tip(`"${version}"`);
    expectProblem(stale, 409, 'order-concurrency-conflict');
    expect(stale.json()).toMatchObject({ expectedVersion: version, version: version + 1 });
    expectProblem(await tip('yesterday'), 400, 'validation-failed');
  });

  it('checks permissions per route: the kitchen reads and bumps, the cashier does not bump', async () => {
    const s = h.shop();
    const { orderId } = await openOrder(s);
    expectProblem(
      await call('PUT', `/orders/${orderId}/tip`, s.kitchen.token, { amount: 1 }),
      403,
      'permission-denied',
    );
    expect((await call('GET', `/orders/${orderId}`, s.kitchen.token)).statusCode).toBe(200);
    await call('POST', `/orders/${orderId}/lines`, s.cashier.token, {
      variantId: s.menu.soup.variantId,
      quantity: 1,
    });
    const fired = await call('POST', `/orders/${orderId}/courses/1/fire`, s.cashier.token);
    const ticketId = fired.json<{ tickets: { ticketId: string }[] }>().tickets[0]!.ticketId;
    expectProblem(
      await call('POST', `/kitchen/tickets/${ticketId}/bump`, s.cashier.token),
      403,
      'permission-denied',
    );
    const tickets = await call('GET', `/stores/${s.storeId}/kitchen/tickets`, s.cashier.token);
    expect(tickets.json()).toMatchObject({ items: [{ ticketId, station: 'kitchen' }] });
    const bumped = await call('POST', `/kitchen/tickets/${ticketId}/bump`, s.kitchen.token);
    expect(bumped.json()).toMatchObject({ ticketId, status: 'done' });
    const anonymous = await app.inject({
      method: 'GET',
      url: `/api/v1/ordering/orders/${orderId}`,
    });
    expectProblem(anonymous, 401, 'unauthenticated');
  });

  it('serves a paid order’s receipt as JSON and as text/plain', async () => {
    const s = h.shop();
    const { orderId } = await openOrder(s);
    await call('POST', `/orders/${orderId}/lines`, s.cashier.token, {
      variantId: s.menu.soup.variantId,
      quantity: 2,
    });
    await h.module.checkout.recordPayment(s.cashier.ctx, orderId, {
      payments: [{ paymentId: 'p-1', amount: 1100, label: 'Card' }],
      receiptNumber: 7,
      paidAt: h.clock.now(),
    });
    const json = await call('GET', `/orders/${orderId}/receipt`, s.cashier.token);
    expect(json.json()).toMatchObject({ receiptNumber: 7, document: { total: 1100 } });
    const text = await call('GET', `/orders/${orderId}/receipt.txt`, s.cashier.token);
    expect(text.statusCode).toBe(200);
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(text.body).toBe(json.json<{ text: string }>().text);
    expect(text.body).toMatch(/^Receipt 7 +Register /m);
    expect(text.body.split('\n').every((l) => Array.from(l).length <= 80)).toBe(true);
  });
});
