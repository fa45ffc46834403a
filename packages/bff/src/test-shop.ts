// Support for the BFF's and the gateway's tests: a small café seeded through
// the public HTTP API of a running server. Not used by production code.
import type { OrderView } from '@stratum/ordering/contract';

/** What `app.inject` (or a gateway client) answers, as far as seeding needs it. */
export interface Answer {
  statusCode: number;
  body: string;
  json<T = unknown>(): T;
}

/** Sends one request to the server being seeded. */
export type Send = (request: {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  url: string;
  headers?: Record<string, string>;
  payload?: object;
}) => Promise<Answer>;

export interface TestShop {
  tenantId: string;
  ownerToken: string;
  storeId: string;
  registerId: string;
  drawerId: string;
  /** Retail, 1.80; 3 in stock under a threshold of 5: low. */
  croissantId: string;
  /** Retail, 2.00; 40 in stock over a threshold of 5. */
  waterId: string;
  /** Paid in cash: two croissants and a water. */
  paid: OrderView;
  /** Still open at the register: one water. */
  open: OrderView;
}

let counter = 0;

/**
 * A tenant whose owner runs one store in Paris with a register, an open
 * drawer, two stocked retail items (one low), a paid order and an open one.
 */
export async function seedShop(send: Send): Promise<TestShop> {
  counter += 1;
  let token = '';
  const ok = async <T>(
    status: number,
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    payload?: object,
    headers: Record<string, string> = {},
  ): Promise<T> => {
    const res = await send({
      method,
      url,
      headers: { ...(token && { authorization: `Bearer ${token}` }), ...headers },
      ...(payload && { payload }),
    });
    if (res.statusCode !== status) {
      throw new Error(`${method} ${url}: expected ${status}, got ${res.statusCode} ${res.body}`);
    }
    return res.json<T>();
  };

  const signup = await ok<{ tenant: { id: string }; tokens: { accessToken: string } }>(
    201,
    'POST',
    '/api/v1/identity/signup',
    {
      businessName: `BFF café ${counter}`,
      ownerEmail: `bff-owner-${process.pid}-${Date.now()}-${counter}@example.test`,
      password: 'a long owner password',
    },
  );
  token = signup.tokens.accessToken;
  const store = await ok<{ id: string }>(201, 'POST', '/api/v1/store-ops/stores', {
    name: 'Rue de Rivoli',
    timezone: 'Europe/Paris',
    currency: 'EUR',
    taxInclusive: true,
    oversellPolicy: 'warn',
  });
  const register = await ok<{ id: string }>(201, 'POST', '/api/v1/store-ops/registers', {
    storeId: store.id,
    name: 'Till 1',
  });
  const drawer = await ok<{ id: string }>(
    201,
    'POST',
    `/api/v1/store-ops/registers/${register.id}/drawer`,
    { openingFloatMinor: 10_000 },
  );
  const retail = async (name: string, priceMinor: number) =>
    (
      await ok<{ variants: { id: string }[] }>(201, 'POST', '/api/v1/catalog/items', {
        name,
        kind: 'retail',
        variants: [{ name: 'Regular', priceMinor }],
      })
    ).variants[0]!.id;
  const croissantId = await retail('Croissant', 180);
  const waterId = await retail('Water', 200);
  await stockItemsKnown(send, token, [croissantId, waterId]);
  await ok(
    201,
    'POST',
    '/api/v1/inventory/movements',
    {
      storeId: store.id,
      kind: 'receipt',
      lines: [
        { stockItemId: croissantId, quantity: 5 },
        { stockItemId: waterId, quantity: 41 },
      ],
    },
    { 'idempotency-key': `bff-opening-stock-${store.id}` },
  );
  for (const id of [croissantId, waterId]) {
    await ok(200, 'PUT', `/api/v1/inventory/levels/${store.id}/${id}/threshold`, { threshold: 5 });
  }

  const order = (lines: { variantId: string; quantity: number }[]) =>
    ok<OrderView>(201, 'POST', '/api/v1/ordering/orders', {
      storeId: store.id,
      registerId: register.id,
      fulfilment: { type: 'takeaway' },
      lines,
    });
  const toPay = await order([
    { variantId: croissantId, quantity: 2 },
    { variantId: waterId, quantity: 1 },
  ]);
  const total = toPay.totals.total;
  await ok(
    201,
    'POST',
    `/api/v1/ordering/orders/${toPay.orderId}/checkout`,
    { registerId: register.id, tenders: [{ kind: 'cash', amount: total, given: total }] },
    { 'idempotency-key': `bff-${toPay.orderId}` },
  );
  const paid = await ok<OrderView>(200, 'GET', `/api/v1/ordering/orders/${toPay.orderId}`);
  const open = await order([{ variantId: waterId, quantity: 1 }]);
  return {
    tenantId: signup.tenant.id,
    ownerToken: token,
    storeId: store.id,
    registerId: register.id,
    drawerId: drawer.id,
    croissantId,
    waterId,
    paid,
    open,
  };
}

/** Inventory learns of new variants from the catalog's events: waits until it knows them. */
async function stockItemsKnown(send: Send, token: string, ids: string[]): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (const id of ids) {
    for (;;) {
      const res = await send({
        method: 'GET',
        url: `/api/v1/inventory/stock-items/${id}`,
        headers: { authorization: `Bearer ${token}` },
      });
      if (res.statusCode === 200) break;
      if (Date.now() > deadline) throw new Error(`inventory never learnt of ${id}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}
