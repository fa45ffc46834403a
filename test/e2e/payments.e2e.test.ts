import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MenuDocument } from '@stratum/catalog/contract';
import type { CheckoutView, OrderView } from '@stratum/ordering/contract';
import { demoAccounts } from '../../apps/server/src/seed/demo-data.ts';
import { seedDemo } from '../../apps/server/src/seed/seed.ts';
import { httpClient, startTestServer, testEngines, type TestServer } from '@stratum/testing';
import { pickItems } from '../support/till-flow.ts';

type Json = Record<string, unknown>;

/**
 * Payments' own routes on the seeded café, through HTTP: a refund made there
 * (an amount, no items) pays cash out of the drawer of the till that took
 * the payment, so it waits for that drawer to be open; refund limits are set
 * for the business's own stores only.
 */
describe.each(testEngines())('payments’ own routes on %s', (engine) => {
  let t: TestServer;
  let http: ReturnType<typeof httpClient<Json>>;
  let owner: string;
  let cashier: string;
  let manager: string;
  let storeId: string;
  let menu: MenuDocument;

  const login = async (account: { email: string; password: string }) =>
    (
      await http.ok<{ accessToken: string }>(
        200,
        'POST',
        '/api/v1/identity/auth/login',
        '',
        account,
      )
    ).accessToken;

  beforeAll(async () => {
    t = await startTestServer(engine);
    http = httpClient<Json>(t.server, '/api/v1');
    await seedDemo(t.server);
    owner = await login(demoAccounts.owner);
    cashier = await login(demoAccounts.cashier);
    manager = await login(demoAccounts.manager);
    const stores = await http.ok<{ items: { id: string }[] }>(
      200,
      'GET',
      '/api/v1/store-ops/stores',
      cashier,
    );
    storeId = stores.items[0]!.id;
    menu = await http.ok<MenuDocument>(
      200,
      'GET',
      `/api/v1/catalog/stores/${storeId}/menu`,
      cashier,
    );
  }, 180_000);
  afterAll(() => t?.close());

  const newTill = async (name: string) =>
    (
      await http.ok<{ id: string }>(201, 'POST', '/api/v1/store-ops/registers', manager, {
        storeId,
        name: `${name} ${randomUUID()}`,
      })
    ).id;
  const openDrawer = (till: string, openingFloatMinor: number) =>
    http.ok<{ id: string }>(201, 'POST', `/api/v1/store-ops/registers/${till}/drawer`, cashier, {
      openingFloatMinor,
    });
  const xReport = (session: string) =>
    http.ok<Json>(200, 'GET', `/api/v1/store-ops/drawer-sessions/${session}/x-report`, cashier);
  const zClose = (session: string, countedCashMinor: number) =>
    http.ok<Json>(201, 'POST', `/api/v1/store-ops/drawer-sessions/${session}/close`, manager, {
      countedCashMinor,
    });

  /** An order of one plain item opened at `openedAt`, paid in cash at `paidAt`. */
  async function cashSale(openedAt: string, paidAt: string) {
    const { plain } = pickItems(menu);
    const order = await http.ok<OrderView>(201, 'POST', '/api/v1/ordering/orders', cashier, {
      storeId,
      registerId: openedAt,
      fulfilment: { type: 'takeaway' },
      lines: [{ variantId: plain.variants[0]!.id, quantity: 1 }],
    });
    const total = order.totals.total;
    const checkout = await http.ok<CheckoutView>(
      201,
      'POST',
      `/api/v1/ordering/orders/${order.orderId}/checkout`,
      cashier,
      { registerId: paidAt, tenders: [{ kind: 'cash', amount: total, given: total }] },
      { 'idempotency-key': `cash-${order.orderId}` },
    );
    return { order, total, paymentId: checkout.tenders[0]!.paymentId };
  }
  const refund = (paymentId: string, body: Json, key: string) =>
    http.call('POST', `/api/v1/payments/${paymentId}/refunds`, manager, body, {
      'idempotency-key': key,
    });

  it('refuses a cash refund once the till’s drawer is Z-closed, and gives it once one is open', async () => {
    const till = await newTill('Rb');
    const first = await openDrawer(till, 1_000);
    const { order, total, paymentId } = await cashSale(till, till);
    await expect.poll(() => xReport(first.id)).toMatchObject({ cashSalesMinor: total });
    await zClose(first.id, 1_000 + total);
    const body = { refundId: randomUUID(), amount: 200, reason: 'goodwill' };
    const key = `goodwill-${paymentId}`;

    const refused = await refund(paymentId, body, key);

    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'drawer-not-open', registerId: till });
    expect(refused.json<{ detail: string }>().detail).toMatch(/open the drawer/);
    expect(await http.ok<Json>(200, 'GET', `/api/v1/payments/${paymentId}`, cashier)).toMatchObject(
      { status: 'captured', refunded: 0 },
    );

    // The next shift opens the drawer: the same request goes through, and the cash leaves it.
    const second = await openDrawer(till, 1_000);
    const given = await refund(paymentId, body, key);
    expect(given.statusCode, given.body).toBe(201);
    expect(given.headers['idempotent-replayed']).toBeUndefined();
    expect(given.json()).toMatchObject({ status: 'partially-refunded', refunded: 200 });
    await expect
      .poll(() => xReport(second.id))
      .toMatchObject({ cashRefundsMinor: 200, expectedCashMinor: 800 });
    await expect
      .poll(
        async () =>
          (
            await http.ok<OrderView>(
              200,
              'GET',
              `/api/v1/ordering/orders/${order.orderId}`,
              cashier,
            )
          ).refundedAmount,
      )
      .toBe(200);

    // Closed again, the refund already made is still answered as it was.
    await zClose(second.id, 800);
    const replayed = await refund(paymentId, body, key);
    expect(replayed.statusCode).toBe(201);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.json()).toEqual(given.json());
  });

  it('pays the cash back from the till that took it, not the one the order was opened at', async () => {
    const bar = await newTill('Bar');
    const terrace = await newTill('Terrace');
    const session = await openDrawer(terrace, 1_000);
    // Opened at the bar, whose drawer stays shut, and paid on the terrace.
    const { total, paymentId } = await cashSale(bar, terrace);

    const given = await refund(
      paymentId,
      { refundId: randomUUID(), amount: 150, reason: 'goodwill' },
      `terrace-${paymentId}`,
    );

    expect(given.statusCode, given.body).toBe(201);
    await expect
      .poll(() => xReport(session.id))
      .toMatchObject({
        cashSalesMinor: total,
        cashRefundsMinor: 150,
        expectedCashMinor: 1_000 + total - 150,
      });
  });

  const limitOf = (store: string) => `/api/v1/payments/stores/${store}/refund-limit`;
  const setLimit = (store: string, token: string, refundLimit: number) =>
    http.call('PUT', limitOf(store), token, { refundLimit });

  it('answers 404 store-not-found for the refund limit of a store the business does not have', async () => {
    const nowhere = randomUUID();
    const signedUp = await http.ok<{ tokens: { accessToken: string } }>(
      201,
      'POST',
      '/api/v1/identity/signup',
      '',
      {
        businessName: 'Another café',
        ownerEmail: `payments-e2e-${randomUUID()}@example.test`,
        password: 'another owner password',
      },
    );
    const stranger = signedUp.tokens.accessToken;
    const before = await http.ok<Json>(200, 'GET', limitOf(storeId), owner);

    const answers = [
      await setLimit(nowhere, owner, 1),
      await http.call('GET', limitOf(nowhere), owner),
      await setLimit(storeId, stranger, 1),
      await http.call('GET', limitOf(storeId), stranger),
    ];

    for (const res of answers) {
      expect(res.statusCode, res.body).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ code: 'store-not-found' });
    }
    expect(await http.ok<Json>(200, 'GET', limitOf(storeId), owner)).toEqual(before);
  });

  it('keeps an archived store’s refund limit: it is read, not changed', async () => {
    const store = await http.ok<{ id: string }>(201, 'POST', '/api/v1/store-ops/stores', owner, {
      name: `Pop-up ${randomUUID()}`,
      timezone: 'Europe/Vienna',
      currency: 'EUR',
    });
    expect((await setLimit(store.id, owner, 2_000)).statusCode).toBe(200);
    await http.ok(200, 'POST', `/api/v1/store-ops/stores/${store.id}/archive`, owner, {
      reason: 'the season is over',
    });

    const changed = await setLimit(store.id, owner, 1);

    expect(changed.statusCode, changed.body).toBe(409);
    expect(changed.json()).toMatchObject({ code: 'store-archived' });
    expect(await http.ok<Json>(200, 'GET', limitOf(store.id), manager)).toMatchObject({
      refundLimit: 2_000,
      source: 'store',
    });
  });
});
