import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp, createLogger, dependencyError, type StratumApp } from '@stratum/platform';
import { bearer, startTestServer, type TestServer } from '@stratum/testing';
import { inProcessBffSources } from './in-process-sources.ts';
import { registerBffRoutes, type BffOptions } from './routes.ts';
import type { BffSources } from './sources.ts';
import { localDate } from './local-day.ts';
import { seedShop, type TestShop } from './test-shop.ts';

/**
 * The BFF routes on an app of their own, over the module APIs of an embedded
 * server (as the composition root mounts them), on a seeded café.
 */
describe('the BFF routes over in-process sources', () => {
  let t: TestServer;
  let shop: TestShop;
  let sources: BffSources;
  const apps: StratumApp[] = [];

  async function bff(over: Partial<BffSources> = {}, options: BffOptions = {}) {
    const app = await createHttpApp({
      logger: createLogger({ level: 'silent' }),
      authenticator: t.server.identity.authenticator,
    });
    registerBffRoutes(app, { ...sources, ...over }, options);
    await app.ready();
    apps.push(app);
    return app;
  }

  const get = (app: StratumApp, url: string, token = shop.ownerToken) =>
    app.inject({ method: 'GET', url, headers: bearer(token) });

  /** A staff member of the shop's tenant with `roles`, logged in. */
  async function staff(roles: string[]): Promise<string> {
    const email = `bff-${roles.join('-')}-${process.pid}-${Date.now()}@example.test`;
    const password = 'a long staff password';
    const created = await t.server.app.inject({
      method: 'POST',
      url: '/api/v1/identity/users',
      headers: bearer(shop.ownerToken),
      payload: { email, displayName: 'Staff', roles, password },
    });
    expect(created.statusCode, created.body).toBe(201);
    const login = await t.server.app.inject({
      method: 'POST',
      url: '/api/v1/identity/auth/login',
      payload: { email, password },
    });
    return login.json<{ accessToken: string }>().accessToken;
  }

  beforeAll(async () => {
    t = await startTestServer('pglite');
    shop = await seedShop((request) => t.server.app.inject(request));
    const { storeOps, catalog, ordering, inventory } = t.server;
    sources = inProcessBffSources({
      storeOps: storeOps.api,
      catalog: catalog.api,
      ordering: ordering.api,
      inventory: inventory.api,
    });
  }, 120_000);
  afterAll(async () => {
    for (const app of apps) await app.close();
    await t?.close();
  });

  const bootstrapUrl = () => `/api/v1/bff/pos/bootstrap?registerId=${shop.registerId}`;
  const dashboardUrl = () =>
    `/api/v1/bff/back-office/dashboard?storeId=${shop.storeId}&date=${localDate(
      new Date(shop.paid.paidAt!),
      'Europe/Paris',
    )}`;

  it('boots a register in one call: store, register, open drawer, menu with availability, open orders', async () => {
    const res = await get(await bff(), bootstrapUrl());
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.registerId).toBe(shop.registerId);
    expect(body.register).toMatchObject({
      status: 'ok',
      data: { id: shop.registerId, name: 'Till 1' },
    });
    expect(body.store).toMatchObject({
      status: 'ok',
      data: { id: shop.storeId, timezone: 'Europe/Paris', currency: 'EUR' },
    });
    expect(body.drawer).toMatchObject({
      status: 'ok',
      data: { id: shop.drawerId, status: 'open' },
    });
    expect(body.menu.status).toBe('ok');
    const items = body.menu.data.uncategorized as { name: string; available: boolean }[];
    expect(items.map((i) => [i.name, i.available]).sort()).toEqual([
      ['Croissant', true],
      ['Water', true],
    ]);
    expect(body.openOrders).toEqual({
      status: 'ok',
      data: [expect.objectContaining({ orderId: shop.open.orderId, status: 'open' })],
    });
  });

  it('answers a closed drawer as null, not as a failure', async () => {
    const res = await get(
      await bff({ currentDrawer: () => Promise.resolve(null) }),
      bootstrapUrl(),
    );
    expect(res.json().drawer).toEqual({ status: 'ok', data: null });
  });

  it('shows a store’s day: sales in its time zone, best sellers and low stock', async () => {
    const res = await get(await bff(), dashboardUrl());
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.store).toMatchObject({ status: 'ok', data: { id: shop.storeId } });
    expect(body.sales).toEqual({
      status: 'ok',
      data: {
        orderCount: 1,
        grossMinor: shop.paid.paidAmount,
        taxMinor: shop.paid.totals.taxTotal,
        tipsMinor: 0,
        refundedMinor: 0,
        currency: 'EUR',
      },
    });
    expect(body.topItems).toEqual({
      status: 'ok',
      data: [
        expect.objectContaining({ variantId: shop.croissantId, quantity: 2, revenueMinor: 360 }),
        expect.objectContaining({ variantId: shop.waterId, quantity: 1, revenueMinor: 200 }),
      ],
    });
    expect(body.lowStock).toEqual({
      status: 'ok',
      data: [expect.objectContaining({ stockItemId: shop.croissantId, onHand: 3, lowStock: true })],
    });
    // The store's local day, as instants: Paris is one or two hours ahead of UTC.
    expect(body.window.from).toMatch(/T2[23]:00:00\.000Z$/);
  });

  it('reports a day without sales as zeros', async () => {
    const res = await get(
      await bff(),
      `/api/v1/bff/back-office/dashboard?storeId=${shop.storeId}&date=2020-01-01`,
    );
    expect(res.json().sales).toMatchObject({
      status: 'ok',
      data: { orderCount: 0, grossMinor: 0 },
    });
    expect(res.json().topItems).toEqual({ status: 'ok', data: [] });
  });

  it('answers the other parts when one source fails or hangs', async () => {
    const app = await bff(
      {
        menu: () => Promise.reject(new Error('socket hang up')),
        openOrders: () => new Promise(() => {}),
        lowStock: () => Promise.reject(dependencyError('dependency-circuit-open', 'inventory')),
      },
      { partTimeoutMs: 1_500 },
    );
    const boot = (await get(app, bootstrapUrl())).json();
    expect(boot.menu).toEqual({
      status: 'unavailable',
      code: 'part-failed',
      detail: 'menu could not be loaded.',
    });
    expect(boot.openOrders).toMatchObject({ status: 'unavailable', code: 'part-timeout' });
    expect(boot.register.status).toBe('ok');
    expect(boot.store.status).toBe('ok');
    expect(boot.drawer.status).toBe('ok');
    const dashboard = (await get(app, dashboardUrl())).json();
    expect(dashboard.lowStock).toMatchObject({
      status: 'unavailable',
      code: 'dependency-circuit-open',
    });
    expect(dashboard.sales.status).toBe('ok');
  });

  it('marks the store’s parts unavailable when the register cannot be loaded', async () => {
    const res = await get(
      await bff({
        getRegister: () => Promise.reject(dependencyError('dependency-timeout', 'store-ops')),
      }),
      bootstrapUrl(),
    );
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.register).toMatchObject({ status: 'unavailable', code: 'dependency-timeout' });
    expect(body.store).toMatchObject({ status: 'unavailable', code: 'register-unavailable' });
    expect(body.menu).toMatchObject({ status: 'unavailable', code: 'register-unavailable' });
    expect(body.drawer.status).toBe('ok');
  });

  it('answers a problem only when every part failed', async () => {
    const down = () => Promise.reject(dependencyError('dependency-unavailable', 'store-ops'));
    const res = await get(
      await bff({ getRegister: down, currentDrawer: down, openOrders: down }),
      bootstrapUrl(),
    );
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({
      code: 'bff-unavailable',
      parts: { register: 'dependency-unavailable', store: 'register-unavailable' },
    });
  });

  it('refuses an unknown register, a cashier’s dashboard and a bad date as problems', async () => {
    const app = await bff();
    const unknown = await get(
      app,
      '/api/v1/bff/pos/bootstrap?registerId=01938f7e-0000-7000-8000-000000000000',
    );
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('register-not-found');
    const cashier = await staff(['cashier']);
    const forbidden = await get(app, dashboardUrl(), cashier);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toMatchObject({
      code: 'permission-denied',
      permission: 'ordering:reports',
    });
    const bad = await get(
      app,
      `/api/v1/bff/back-office/dashboard?storeId=${shop.storeId}&date=2026-02-30`,
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('validation-failed');
    const anonymous = await app.inject({ method: 'GET', url: bootstrapUrl() });
    expect(anonymous.statusCode).toBe(401);
  });

  it('leaves out the parts a role may not read', async () => {
    const kitchen = await staff(['kitchen']);
    const body = (await get(await bff(), bootstrapUrl(), kitchen)).json();
    expect(body.drawer).toMatchObject({ status: 'unavailable', code: 'permission-denied' });
    expect(body.openOrders.status).toBe('ok');
    expect(body.menu.status).toBe('ok');
  });
});
