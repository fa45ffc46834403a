import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { menuDocument, type MenuDocument } from '@stratum/catalog/contract';
import type { StratumServer } from '@stratum/server';
import { startTestServer, testEngines, type TestServer } from '@stratum/testing';
import { catalogClient, smallCatalog } from '../support/catalog.ts';

type Client = ReturnType<typeof catalogClient>;

const itemsOf = (menu: MenuDocument) => [
  ...menu.categories.flatMap((cat) => cat.items),
  ...menu.uncategorized,
];
const itemNamed = (menu: MenuDocument, name: string) => itemsOf(menu).find((i) => i.name === name)!;

describe.each(testEngines())('the catalog’s POS menu through HTTP on %s', (engine) => {
  let t: TestServer;
  let server: StratumServer;
  let c: Client;

  const readMenu = async (token: string, storeId: string) => {
    const res = await c.menu(token, storeId);
    expect(res.statusCode, res.body).toBe(200);
    return { menu: res.json<MenuDocument>(), etag: res.headers.etag as string };
  };

  beforeAll(async () => {
    t = await startTestServer(engine);
    server = t.server;
    c = catalogClient(server);
  });
  afterAll(() => t?.close());

  it('serves one document: ordered categories, sellable items, prices, modifiers, taxes', async () => {
    const { token, stores } = await c.tenantWithStores();
    await smallCatalog(c, token);
    const res = await c.menu(token, stores[0]!.id);

    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const menu = menuDocument.parse(res.json());
    expect(menu.store).toMatchObject({ id: stores[0]!.id, currency: 'EUR', taxInclusive: true });
    expect(menu.categories.map((cat) => [cat.name, cat.items.map((i) => i.name)])).toEqual([
      ['Drinks', ['Cola']],
      ['Burgers', ['Classic burger']],
    ]);
    expect(menu.uncategorized).toEqual([]); // the ingredient is stocked, never sold
    const burger = itemNamed(menu, 'Classic burger');
    expect(burger.variants.map((v) => [v.name, v.priceMinor])).toEqual([
      ['Single', 900],
      ['Double', 1200],
    ]);
    const group = (id: string) => menu.modifierGroups.find((g) => g.id === id)!;
    expect(
      burger.modifierGroupIds.map(group).map((g) => [g.name, g.minSelections, g.maxSelections]),
    ).toEqual([
      ['Sauces', 1, 2],
      ['Extras', 0, 3],
    ]);
    expect(group(burger.modifierGroupIds[0]!).options.map((o) => o.priceDeltaMinor)).toEqual([
      0, 30,
    ]);
    expect(menu.taxRates).toMatchObject([
      { id: burger.taxRateIds[0], name: 'VAT 10', rateBps: 1000, inclusive: true },
    ]);
    expect(burger).toMatchObject({ kitchenStation: 'grill', available: true });
  });

  it('answers a matching If-None-Match with 304, no body and the same tag', async () => {
    const { token, stores } = await c.tenantWithStores();
    await smallCatalog(c, token);
    const { etag } = await readMenu(token, stores[0]!.id);
    expect(etag).toMatch(/^"\d+-[\w-]+"$/);

    const again = await c.menu(token, stores[0]!.id, etag);
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);
    expect((await c.menu(token, stores[0]!.id, `"other", W/${etag}`)).statusCode).toBe(304);
    expect((await c.menu(token, stores[0]!.id, '"0-stale"')).statusCode).toBe(200);
  });

  it('sends the cached body precompressed to clients that accept it, under the weak tag', async () => {
    const { token, stores } = await c.tenantWithStores(['Europe/Paris']);
    await smallCatalog(c, token);
    const plain = await c.menu(token, stores[0]!.id);
    for (const [coding, decode] of [
      ['br', brotliDecompressSync],
      ['gzip', gunzipSync],
    ] as const) {
      const res = await c.call('GET', `/stores/${stores[0]!.id}/menu`, token, undefined, {
        'accept-encoding': `${coding}, deflate`,
      });
      expect(res.headers['content-encoding']).toBe(coding);
      expect(res.headers.vary).toBe('accept-encoding');
      expect(res.headers.etag).toBe(`W/${plain.headers.etag as string}`);
      expect(decode(res.rawPayload).toString()).toBe(plain.body);
      const again = await c.menu(token, stores[0]!.id, res.headers.etag);
      expect(again.statusCode).toBe(304);
    }
  });

  it('serves a changed price once its event is relayed, under a new tag', async () => {
    const { token, stores } = await c.tenantWithStores();
    const { burger } = await smallCatalog(c, token);
    const before = await readMenu(token, stores[0]!.id);

    const single = burger.variants[0]!;
    await c.ok(200, 'PUT', `/items/${burger.id}/variants/${single.id}/price`, token, {
      priceMinor: 950,
      reason: 'beef costs more',
    });
    await expect
      .poll(async () => {
        const { menu } = await readMenu(token, stores[0]!.id);
        return itemNamed(menu, 'Classic burger').variants[0]!.priceMinor;
      })
      .toBe(950);
    const after = await readMenu(token, stores[0]!.id);
    expect(after.etag).not.toBe(before.etag);
    expect(after.menu.catalogVersion).toBeGreaterThan(before.menu.catalogVersion);
    expect((await c.menu(token, stores[0]!.id, before.etag)).statusCode).toBe(200);
  });

  it('rebuilds a store’s menu when store-ops changes the store, though the catalog did not', async () => {
    const { token, stores } = await c.tenantWithStores(['Europe/Paris']);
    await smallCatalog(c, token);
    const before = await readMenu(token, stores[0]!.id);
    expect(before.menu.store).toMatchObject({ taxInclusive: true, timezone: 'Europe/Paris' });

    await c.ok(200, 'PATCH', `/api/v1/store-ops/stores/${stores[0]!.id}`, token, {
      taxInclusive: false,
      timezone: 'Europe/Lisbon',
    });
    await expect
      .poll(async () => (await readMenu(token, stores[0]!.id)).menu.store)
      .toMatchObject({ taxInclusive: false, timezone: 'Europe/Lisbon' });
    const after = await readMenu(token, stores[0]!.id);
    expect(after.menu.catalogVersion).toBe(before.menu.catalogVersion);
    expect(after.etag).not.toBe(before.etag);
  });

  it('prices a variant for one store only, and audits who changed it, when and why', async () => {
    const { token, owner, stores } = await c.tenantWithStores();
    const { burger } = await smallCatalog(c, token);
    const [paris, newYork] = stores;
    const single = burger.variants[0]!;

    await c.ok(200, 'PUT', `/stores/${paris!.id}/prices/${single.id}`, token, {
      priceMinor: 1100,
      reason: 'city centre',
    });
    await expect
      .poll(async () => {
        const { menu } = await readMenu(token, paris!.id);
        return itemNamed(menu, 'Classic burger').variants[0];
      })
      .toMatchObject({ priceMinor: 1100, basePriceMinor: 900 });
    const { menu: other } = await readMenu(token, newYork!.id);
    expect(itemNamed(other, 'Classic burger').variants[0]!.priceMinor).toBe(900);

    await c.ok(
      204,
      'DELETE',
      `/stores/${paris!.id}/prices/${single.id}?reason=promo%20over`,
      token,
    );
    const history = await c.ok(200, 'GET', `/variants/${single.id}/price-history`, token);
    expect(history.items).toMatchObject([
      {
        storeId: paris!.id,
        beforeMinor: 1100,
        afterMinor: null,
        reason: 'promo over',
        actorId: owner.userId,
      },
      {
        storeId: paris!.id,
        beforeMinor: null,
        afterMinor: 1100,
        reason: 'city centre',
        actorId: owner.userId,
      },
    ]);
  });

  it('86es an item in one store until the end of that store’s day, then brings it back', async () => {
    const { token, stores } = await c.tenantWithStores(['Pacific/Auckland', 'America/New_York']);
    const { burger } = await smallCatalog(c, token);
    const [auckland, newYork] = stores;
    const url = `/stores/${auckland!.id}/items/${burger.id}/availability`;

    const before = Date.now();
    const off = await c.ok(200, 'PUT', url, token, { available: false });
    const until = Date.parse(off.until!);
    expect(until).toBeGreaterThan(before);
    expect(until - before).toBeLessThanOrEqual(25 * 3_600_000);
    const localClock = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Pacific/Auckland',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(until);
    expect(localClock).toBe('00:00');

    await expect
      .poll(async () => itemNamed((await readMenu(token, auckland!.id)).menu, 'Classic burger'))
      .toMatchObject({ available: false, unavailableUntil: new Date(until).toISOString() });
    expect(itemNamed((await readMenu(token, newYork!.id)).menu, 'Classic burger').available).toBe(
      true,
    );
    expect((await c.ok(200, 'GET', `/stores/${auckland!.id}/unavailable`, token)).items).toEqual([
      { storeId: auckland!.id, itemId: burger.id, available: false, until: off.until },
    ]);

    await c.ok(200, 'PUT', url, token, { available: true });
    await expect
      .poll(
        async () =>
          itemNamed((await readMenu(token, auckland!.id)).menu, 'Classic burger').available,
      )
      .toBe(true);
  });

  it('86es until a given instant or until further notice, but not until the past', async () => {
    const { token, stores } = await c.tenantWithStores(['Europe/Paris']);
    const { cola } = await smallCatalog(c, token);
    const url = `/stores/${stores[0]!.id}/items/${cola.id}/availability`;
    const later = new Date(Date.now() + 3_600_000).toISOString();
    expect((await c.ok(200, 'PUT', url, token, { available: false, until: later })).until).toBe(
      later,
    );
    expect(
      (await c.ok(200, 'PUT', url, token, { available: false, until: null })).until,
    ).toBeNull();
    const past = await c.call('PUT', url, token, {
      available: false,
      until: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(past.statusCode).toBe(422);
    expect(past.json().code).toBe('invalid-until');
  });

  it('pages the items unavailable in a store by item id, with a cursor of its own', async () => {
    const { token, stores } = await c.tenantWithStores(['Europe/Paris']);
    const { burger, cola } = await smallCatalog(c, token);
    const store = stores[0]!.id;
    const off = (itemId: string, until: string | null) =>
      c.ok(200, 'PUT', `/stores/${store}/items/${itemId}/availability`, token, {
        available: false,
        until,
      });
    await off(burger.id, null);
    await off(cola.id, new Date(Date.now() + 3_600_000).toISOString());
    const list = (query: string) => c.ok(200, 'GET', `/stores/${store}/unavailable${query}`, token);
    const first = await list('?limit=1');
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).toEqual(expect.any(String));
    const cursor = encodeURIComponent(String(first.nextCursor));
    const second = await list(`?limit=1&cursor=${cursor}`);
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect([...first.items, ...second.items].map((i) => i.itemId)).toEqual(
      [burger.id, cola.id].sort(),
    );
    const foreign = await c.call('GET', `/stores/${store}/prices?cursor=${cursor}`, token);
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().code).toBe('invalid-cursor');
  });

  it('lets a cashier and the kitchen read the menu, but not change a price', async () => {
    const { token, stores } = await c.tenantWithStores(['Europe/Paris']);
    const { burger } = await smallCatalog(c, token);
    const cashier = await c.staff(token, ['cashier']);
    const kitchen = await c.staff(token, ['kitchen']);
    expect((await c.menu(cashier, stores[0]!.id)).statusCode).toBe(200);
    expect((await c.menu(kitchen, stores[0]!.id)).statusCode).toBe(200);

    const single = burger.variants[0]!;
    for (const url of [
      `/items/${burger.id}/variants/${single.id}/price`,
      `/stores/${stores[0]!.id}/prices/${single.id}`,
    ]) {
      const res = await c.call('PUT', url, cashier, { priceMinor: 1 });
      expect(res.statusCode).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'permission-denied', permission: 'prices:write' });
    }
    expect((await c.ok(200, 'GET', `/items/${burger.id}`, token)).variants[0]!.priceMinor).toBe(
      900,
    );
  });

  it('tells a cashier only that a catalog write is not theirs, whatever they send', async () => {
    const { token } = await c.tenantWithStores(['Europe/Paris']);
    const { burger } = await smallCatalog(c, token);
    const cashier = await c.staff(token, ['cashier']);
    const price = `/items/${burger.id}/variants/${burger.variants[0]!.id}/price`;

    for (const [method, url, body, permission] of [
      ['POST', '/items', {}, 'catalog:write'],
      ['POST', '/items', { name: '', kind: 'spaceship' }, 'catalog:write'],
      ['PUT', price, { priceMinor: -1 }, 'prices:write'],
      ['PUT', '/items/not-an-id/variants/not-an-id/price', { priceMinor: 1 }, 'prices:write'],
    ] as const) {
      const res = await c.call(method, url, cashier, body);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json()).toMatchObject({ code: 'permission-denied', permission });
      expect(res.json()).not.toHaveProperty('errors');
    }
    // The owner may change prices, so the owner is told what is wrong with the body.
    const invalid = await c.call('PUT', price, token, { priceMinor: -1 });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({
      code: 'validation-failed',
      errors: [expect.objectContaining({ path: 'body.priceMinor' })],
    });
  });

  it('keeps staff scoped to one store out of another store’s menu', async () => {
    const { token, stores } = await c.tenantWithStores();
    const cashier = await c.staff(token, ['cashier'], [stores[0]!.id]);
    expect((await c.menu(cashier, stores[0]!.id)).statusCode).toBe(200);
    const res = await c.menu(cashier, stores[1]!.id);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('store-not-allowed');
  });

  it('builds a cold menu once for many concurrent readers (single flight)', async () => {
    const { token, stores } = await c.tenantWithStores(['Europe/Paris']);
    await smallCatalog(c, token);
    const original = server.cache.getOrLoad.bind(server.cache);
    // The catalog's own loads (store-ops caches the store it is asked for in the same cache).
    const loads: string[] = [];
    const spy = vi
      .spyOn(server.cache, 'getOrLoad')
      .mockImplementation((key, load, ttl) =>
        original(
          key,
          () => (key.startsWith('catalog:') && loads.push(key.split(':')[1]!), load()),
          ttl,
        ),
      );
    try {
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => c.menu(token, stores[0]!.id)),
      );
      expect(answers.map((a) => a.statusCode)).toEqual(Array(20).fill(200));
      expect(new Set(answers.map((a) => a.headers.etag)).size).toBe(1);
      expect(loads.sort()).toEqual(['menu', 'version']);
    } finally {
      spy.mockRestore();
    }
  });

  it('never shows one tenant’s catalog or stores to another', async () => {
    const a = await c.tenantWithStores(['Europe/Paris']);
    const b = await c.tenantWithStores(['Europe/Paris']);
    const { burger } = await smallCatalog(c, a.token);
    const res = await c.menu(b.token, a.stores[0]!.id);
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('store-not-found');
    expect((await c.call('GET', `/items/${burger.id}`, b.token)).statusCode).toBe(404);
    const { menu } = await readMenu(b.token, b.stores[0]!.id);
    expect(itemsOf(menu)).toEqual([]);
  });
});
