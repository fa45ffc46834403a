import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, type StratumApp } from '@stratum/platform';
import {
  createTestDatabase,
  postgresUrl,
  startCardProcessor,
  testEngines,
  type RunningCardProcessor,
} from '@stratum/testing';
import { cashSale, paymentsHarness, type Harness } from '../../test-harness.ts';

let processor: RunningCardProcessor;
beforeAll(async () => {
  processor = await startCardProcessor();
});
afterAll(() => processor?.stop());

describe.each(testEngines())('a cash refund over HTTP and its drawer on %s', (engine) => {
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

  /** A cash payment of 2 000 taken in a new tenant, and a cashier's token there. */
  async function cashPayment() {
    const tenant = newId();
    const sale = cashSale(newId(), 2_000, 2_000);
    await h.api.takePayment(h.ctx(tenant, 'cashier'), sale);
    return { sale, token: h.tokens.issue(tenant, 'cashier') };
  }
  const refund = (paymentId: string, token: string, payload: object, key: string) =>
    app.inject({
      method: 'POST',
      url: `/api/v1/payments/${paymentId}/refunds`,
      payload,
      headers: { authorization: `Bearer ${token}`, 'idempotency-key': key },
    });

  it('answers 409 drawer-not-open, then gives the cash back under the same key once it is open', async () => {
    const { sale, token } = await cashPayment();
    const body = { refundId: newId(), amount: 200, reason: 'goodwill' };
    const key = newId();
    h.storeOps.closeDrawer(sale.registerId);

    const refused = await refund(sale.paymentId, token, body, key);
    h.storeOps.openDrawer(sale.registerId);
    const given = await refund(sale.paymentId, token, body, key);

    expect(refused.statusCode).toBe(409);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json()).toMatchObject({
      code: 'drawer-not-open',
      registerId: sale.registerId,
    });
    expect(given.statusCode).toBe(201);
    expect(given.headers['idempotent-replayed']).toBeUndefined();
    expect(given.json()).toMatchObject({ status: 'partially-refunded', refunded: 200 });
  });

  it('replays a refund made before its drawer closed', async () => {
    const { sale, token } = await cashPayment();
    const body = { refundId: newId(), amount: 200, reason: 'goodwill' };
    const key = newId();
    const first = await refund(sale.paymentId, token, body, key);
    h.storeOps.closeDrawer(sale.registerId);

    const again = await refund(sale.paymentId, token, body, key);
    // The same refund under a new key is answered from the payment's stream.
    const sameRefund = await refund(sale.paymentId, token, body, newId());

    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(sameRefund.statusCode).toBe(201);
    expect(sameRefund.json()).toMatchObject({ refunded: 200, refundCount: 1 });
  });

  it('takes no word from a client that the drawer was seen to', async () => {
    const { sale, token } = await cashPayment();
    h.storeOps.closeDrawer(sale.registerId);

    const res = await refund(
      sale.paymentId,
      token,
      { refundId: newId(), amount: 200, reason: 'goodwill', drawerChecked: true },
      newId(),
    );

    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'drawer-not-open' });
  });
});
