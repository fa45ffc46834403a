import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StratumServer } from '@stratum/server';
import { postgresUrl, startTestServer, testEngines, type TestServer } from '@stratum/testing';
import { inventoryClient, inventoryEventLog } from '../support/inventory.ts';

describe.each(testEngines())('selling from inventory through HTTP on %s', (engine) => {
  let t: TestServer;
  let server: StratumServer;
  let c: ReturnType<typeof inventoryClient>;
  let events: ReturnType<typeof inventoryEventLog>;

  beforeAll(async () => {
    t = await startTestServer(engine);
    server = t.server;
    c = inventoryClient(server);
    events = inventoryEventLog(server, `test.inventory-sales-events.${engine}`);
  });
  afterAll(() => t?.close());

  const reserve = (
    token: string,
    storeId: string,
    variantId: string,
    quantity: number,
    extra = {},
  ) =>
    c.call('POST', '/reservations', token, {
      storeId,
      lines: [{ variantId, quantity }],
      ...extra,
    });

  it('follows each store’s oversell policy: block refuses, warn warns, allow-with-alert alerts', async () => {
    const { tenantId, token, stores } = await c.tenant(['block', 'warn', 'allow-with-alert']);
    const [block, warn, alert] = stores as [string, string, string];
    const soda = await c.item(token, 'retail', 'Soda');
    for (const store of stores) await c.receive(token, store, soda, 2);

    const refused = await reserve(token, block, soda, 3);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      code: 'insufficient-stock',
      shortfalls: [{ stockItemId: soda, requested: 3, available: 2 }],
    });
    const warned = await reserve(token, warn, soda, 3);
    expect(warned.statusCode).toBe(201);
    expect(warned.json().warnings).toEqual([
      { code: 'insufficient-stock', storeId: warn, stockItemId: soda, requested: 3, available: 2 },
    ]);
    const allowed = await reserve(token, alert, soda, 3);
    expect(allowed.statusCode).toBe(201);
    await expect
      .poll(() => events(tenantId, 'inventory.oversold').map((e) => e.storeId))
      .toEqual([alert]);
  });

  it('applies a store’s new policy as soon as store-ops changes it', async () => {
    const { token, stores } = await c.tenant(['block']);
    const store = stores[0]!;
    const soda = await c.item(token, 'retail', 'Soda');
    expect((await reserve(token, store, soda, 1)).statusCode).toBe(409);
    await c.ok(200, 'PATCH', `/api/v1/store-ops/stores/${store}`, token, {
      oversellPolicy: 'warn',
    });
    expect((await reserve(token, store, soda, 1)).statusCode).toBe(201);
  });

  it('depletes a burger’s bun and beef in one batch when its sale is confirmed', async () => {
    const { token, stores } = await c.tenant();
    const store = stores[0]!;
    const burger = await c.item(token, 'menu', 'Burger');
    const bun = await c.item(token, 'ingredient', 'Bun');
    const beef = await c.item(token, 'ingredient', 'Beef', 'g');
    await c.ok(200, 'PUT', `/recipes/${burger}`, token, {
      components: [
        { stockItemId: bun, quantity: 1 },
        { stockItemId: beef, quantity: 150 },
      ],
    });
    await c.receive(token, store, bun, 10);
    await c.receive(token, store, beef, 3000);
    const cashier = await c.staff(token, ['cashier']);
    const { reservation } = await c.ok(201, 'POST', '/reservations', cashier, {
      storeId: store,
      lines: [{ variantId: burger, quantity: 3 }],
    });
    expect(await c.level(token, store, beef)).toMatchObject({ onHand: 3000, reserved: 450 });
    const confirmed = await c.ok(200, 'POST', `/reservations/${reservation.id}/confirm`, cashier);
    const batch = await c.ok(
      200,
      'GET',
      `/movements?batchId=${confirmed.reservation.saleBatchId}&sort=occurredAt`,
      token,
    );
    expect(batch.items.map((m) => [m.stockItemId, m.kind, m.quantity])).toEqual([
      [bun, 'sale', -3],
      [beef, 'sale', -450],
    ]);
    expect(await c.level(token, store, beef)).toMatchObject({ onHand: 2550, reserved: 0 });
    const edit = await c.call('PUT', `/recipes/${burger}`, cashier, {
      components: [{ stockItemId: bun, quantity: 2 }],
    });
    expect(edit.statusCode).toBe(403);
  });

  it('gives stock back when a reservation is released', async () => {
    const { token, stores } = await c.tenant();
    const store = stores[0]!;
    const soda = await c.item(token, 'retail', 'Soda');
    await c.receive(token, store, soda, 4);
    const { reservation } = (await reserve(token, store, soda, 4)).json();
    expect(await c.level(token, store, soda)).toMatchObject({ available: 0 });
    const released = await c.ok(200, 'POST', `/reservations/${reservation.id}/release`, token);
    expect(released.status).toBe('released');
    expect(await c.level(token, store, soda)).toMatchObject({ available: 4, reserved: 0 });
  });

  it('expires a lapsed reservation on its own, through the module’s sweeper', async () => {
    const { token, stores } = await c.tenant();
    const store = stores[0]!;
    const soda = await c.item(token, 'retail', 'Soda');
    await c.receive(token, store, soda, 3);
    const { reservation } = (await reserve(token, store, soda, 2, { ttlSeconds: 1 })).json();
    await expect
      .poll(async () => (await c.ok(200, 'GET', `/reservations/${reservation.id}`, token)).status, {
        timeout: 10_000,
        interval: 200,
      })
      .toBe('expired');
    expect(await c.level(token, store, soda)).toMatchObject({ reserved: 0, available: 3 });
  });

  it('raises inventory.low-stock once per crossing of the threshold', async () => {
    const { tenantId, token, stores } = await c.tenant();
    const store = stores[0]!;
    const soda = await c.item(token, 'retail', 'Soda');
    await c.receive(token, store, soda, 6);
    await c.ok(200, 'PUT', `/levels/${store}/${soda}/threshold`, token, { threshold: 5 });
    const sell = async (quantity: number) => {
      const { reservation } = (await reserve(token, store, soda, quantity)).json();
      await c.ok(200, 'POST', `/reservations/${reservation.id}/confirm`, token);
    };
    await sell(1); // 5: at the threshold
    await sell(1); // 4: below → alert
    await sell(1); // 3: still below
    await c.receive(token, store, soda, 10); // 13: recovered
    await sell(9); // 4: below again → alert
    await expect
      .poll(() => events(tenantId, 'inventory.low-stock').map((e) => e.onHand), { timeout: 5000 })
      .toEqual([4, 4]);
    const low = await c.ok(200, 'GET', `/levels?storeId=${store}&lowStock=true`, token);
    expect(low.items.map((l) => l.stockItemId)).toEqual([soda]);
  });

  it('refuses a cashier a reservation in a store outside their session', async () => {
    const { token, stores } = await c.tenant(['block', 'block']);
    const soda = await c.item(token, 'retail', 'Soda');
    const cashier = await c.staff(token, ['cashier'], [stores[0]!]);
    const res = await reserve(cashier, stores[1]!, soda, 1);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'store-not-allowed' });
  });
});

describe.runIf(postgresUrl())('concurrent checkouts through HTTP on PostgreSQL', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('postgres', { env: { DATABASE_POOL_SIZE: '10' } });
  });
  afterAll(() => t?.close());

  it('lets exactly 10 of 50 concurrent one-unit reservations through against 10 on hand', async () => {
    const c = inventoryClient(t.server);
    const { token, stores } = await c.tenant(['block']);
    const store = stores[0]!;
    const soda = await c.item(token, 'retail', 'Soda');
    await c.receive(token, store, soda, 10);
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        c.call('POST', '/reservations', token, {
          storeId: store,
          lines: [{ variantId: soda, quantity: 1 }],
        }),
      ),
    );
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(40);
    expect(await c.level(token, store, soda)).toMatchObject({ onHand: 10, reserved: 10 });
    expect((await c.ok(200, 'GET', '/consistency', token)).consistent).toBe(true);
  });
});
