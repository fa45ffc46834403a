import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@stratum/platform';
import type { StratumServer } from '@stratum/server';
import { startTestServer, testEngines, type TestServer } from '@stratum/testing';
import { catalogClient, type Body } from '../support/catalog.ts';

describe.each(testEngines())('catalog administration through HTTP on %s', (engine) => {
  let t: TestServer;
  let server: StratumServer;
  let c: ReturnType<typeof catalogClient>;
  const events: EventEnvelope[] = [];

  beforeAll(async () => {
    t = await startTestServer(engine);
    server = t.server;
    c = catalogClient(server);
    server.bus.subscribe({
      name: `test.catalog-events.${engine}`,
      types: [
        'catalog.item-created',
        'catalog.price-changed',
        'catalog.availability-changed',
        'catalog.item-archived',
      ],
      handle: async (e) => {
        events.push(e);
      },
    });
  });
  afterAll(() => t?.close());

  const item = (token: string, variants: object[], extra: object = {}) =>
    c.call('POST', '/items', token, { name: 'Thing', kind: 'retail', variants, ...extra });

  it('changes no prices or availability of an archived store, and serves it no menu', async () => {
    const { token, stores } = await c.tenantWithStores(['Europe/Paris']);
    const store = stores[0]!.id;
    const tea = (await item(token, [{ priceMinor: 300 }], { kind: 'menu' })).json<Body>();
    const menu = () => c.call('GET', `/stores/${store}/menu`, token);
    expect((await menu()).statusCode).toBe(200);
    await c.ok(200, 'POST', `/api/v1/store-ops/stores/${store}/archive`, token, {});
    // The menu cached before the archive is dropped when the store's change is announced.
    await expect
      .poll(async () => {
        const res = await menu();
        return [res.statusCode, res.json<Body>().code] as const;
      })
      .toEqual([409, 'store-archived']);
    const refused = [
      await c.call('POST', `/stores/${store}/quote`, token, { variantId: tea.variants[0]!.id }),
      await c.call('PUT', `/stores/${store}/prices/${tea.variants[0]!.id}`, token, {
        priceMinor: 350,
      }),
      await c.call('PUT', `/stores/${store}/items/${tea.id}/availability`, token, {
        available: false,
      }),
    ];
    for (const res of refused) {
      expect([res.statusCode, res.json().code]).toEqual([409, 'store-archived']);
    }
  });

  it('counts a change to a variant as a change to its item', async () => {
    const { token } = await c.tenantWithStores([]);
    type Item = { id: string; updatedAt: string; variants: { id: string }[] };
    const created = (await item(token, [{ name: 'Small', priceMinor: 100 }])).json<Item>();
    const read = () => c.ok<Item>(200, 'GET', `/items/${created.id}`, token);
    const variant = created.variants[0]!.id;
    let last = (await read()).updatedAt;
    const changes: [string, string, object][] = [
      ['PATCH', `/items/${created.id}/variants/${variant}`, { name: 'Tall' }],
      ['PUT', `/items/${created.id}/variants/${variant}/price`, { priceMinor: 120 }],
      ['POST', `/items/${created.id}/variants`, { name: 'Grande', priceMinor: 150 }],
    ];
    for (const [method, path, body] of changes) {
      const res = await c.call(method as 'POST', path, token, body);
      expect(res.statusCode, path).toBeLessThan(300);
      const now = (await read()).updatedAt;
      expect(Date.parse(now), path).toBeGreaterThan(Date.parse(last));
      last = now;
    }
  });

  it('keeps SKUs and barcodes unique per tenant, while another tenant may reuse them', async () => {
    const a = await c.tenantWithStores([]);
    const b = await c.tenantWithStores([]);
    expect(
      (await item(a.token, [{ priceMinor: 100, sku: 'TEA-1', barcode: '111' }])).statusCode,
    ).toBe(201);

    const sameSku = await item(a.token, [{ priceMinor: 100, sku: 'TEA-1' }]);
    expect([sameSku.statusCode, sameSku.json().code]).toEqual([409, 'sku-taken']);
    const sameBarcode = await item(a.token, [{ priceMinor: 100, barcode: '111' }]);
    expect([sameBarcode.statusCode, sameBarcode.json().code]).toEqual([409, 'barcode-taken']);
    const twiceInOne = await item(a.token, [
      { name: 'S', priceMinor: 1, sku: 'X' },
      { name: 'M', priceMinor: 2, sku: 'X' },
    ]);
    expect(twiceInOne.json().code).toBe('sku-taken');
    expect(
      (await item(b.token, [{ priceMinor: 100, sku: 'TEA-1', barcode: '111' }])).statusCode,
    ).toBe(201);
  });

  it('finds an item and its variant by SKU or by barcode', async () => {
    const { token } = await c.tenantWithStores([]);
    const tea = (
      await item(token, [
        { name: 'Small', priceMinor: 250, sku: 'TEA-S' },
        { name: 'Large', priceMinor: 350, sku: 'TEA-L', barcode: '5012345678900' },
      ])
    ).json<Body>();
    const bySku = await c.ok<{ item: Body; variant: Body }>(
      200,
      'GET',
      '/items/lookup?sku=TEA-S',
      token,
    );
    expect([bySku.item.id, bySku.variant.name]).toEqual([tea.id, 'Small']);
    const byBarcode = await c.ok<{ item: Body; variant: Body }>(
      200,
      'GET',
      '/items/lookup?barcode=5012345678900',
      token,
    );
    expect(byBarcode.variant.name).toBe('Large');
    expect((await c.call('GET', '/items/lookup?sku=NOPE', token)).statusCode).toBe(404);
    expect((await c.call('GET', '/items/lookup', token)).statusCode).toBe(400);
  });

  it('lets a used tax rate be deactivated but never changed or deleted, unlike an unused one', async () => {
    const { token } = await c.tenantWithStores(['Europe/Paris']);
    const draft = await c.ok(201, 'POST', '/tax-rates', token, {
      name: 'Draft',
      rateBps: 500,
      inclusive: false,
    });
    expect(
      (await c.ok(200, 'PATCH', `/tax-rates/${draft.id}`, token, { rateBps: 550 })).rateBps,
    ).toBe(550);
    await c.ok(204, 'DELETE', `/tax-rates/${draft.id}`, token);

    const vat = await c.ok(201, 'POST', '/tax-rates', token, {
      name: 'VAT',
      rateBps: 2000,
      inclusive: true,
    });
    const food = (await item(token, [{ priceMinor: 500 }], { taxRateIds: [vat.id] })).json<Body>();
    expect(food.taxRateIds).toEqual([vat.id]);
    expect((await c.ok(200, 'GET', '/tax-rates?active=true', token)).items).toMatchObject([
      { id: vat.id, used: true },
    ]);

    for (const change of [{ rateBps: 2100 }, { inclusive: false }, { name: 'VAT new' }]) {
      const res = await c.call('PATCH', `/tax-rates/${vat.id}`, token, change);
      expect([res.statusCode, res.json().code]).toEqual([409, 'tax-rate-in-use']);
    }
    const del = await c.call('DELETE', `/tax-rates/${vat.id}`, token);
    expect([del.statusCode, del.json().code]).toEqual([409, 'tax-rate-in-use']);

    // Detaching does not make it unused: it may already have been charged.
    await c.ok(200, 'PUT', `/items/${food.id}/tax-rates`, token, { taxRateIds: [] });
    expect((await c.call('DELETE', `/tax-rates/${vat.id}`, token)).statusCode).toBe(409);

    const off = await c.ok(200, 'PATCH', `/tax-rates/${vat.id}`, token, { active: false });
    expect(off).toMatchObject({ active: false, rateBps: 2000 });
    const attach = await c.call('PUT', `/items/${food.id}/tax-rates`, token, {
      taxRateIds: [vat.id],
    });
    expect(attach.json().code).toBe('tax-rate-inactive');
  });

  it('has the database refuse to change or delete a used tax rate, whatever the path', async () => {
    const { token, owner } = await c.tenantWithStores([]);
    const vat = await c.ok(201, 'POST', '/tax-rates', token, {
      name: 'VAT',
      rateBps: 2000,
      inclusive: true,
    });
    await item(token, [{ priceMinor: 500 }], { taxRateIds: [vat.id] });
    const attempt = (statement: ReturnType<typeof sql>) =>
      server.database.transaction((tx) => tx.execute(statement), { tenantId: owner.tenantId });
    await expect(
      attempt(sql`update catalog.tax_rates set rate_bps = 1 where id = ${vat.id}`),
    ).rejects.toThrow();
    await expect(
      attempt(sql`delete from catalog.tax_rates where id = ${vat.id}`),
    ).rejects.toThrow();
    await attempt(sql`update catalog.tax_rates set active = false where id = ${vat.id}`);
  });

  it('archives items instead of deleting them, and keeps archived items unchangeable', async () => {
    const { token, stores } = await c.tenantWithStores(['Europe/Paris']);
    const tea = (await item(token, [{ priceMinor: 250 }])).json<Body>();
    expect((await c.call('DELETE', `/items/${tea.id}`, token)).statusCode).toBe(404);
    expect((await c.ok(200, 'POST', `/items/${tea.id}/archive`, token)).archived).toBe(true);
    expect((await c.ok(200, 'GET', '/items?archived=true', token)).items.map((i) => i.id)).toEqual([
      tea.id,
    ]);
    expect((await c.ok(200, 'GET', '/items', token)).items).toEqual([]);
    const rename = await c.call('PATCH', `/items/${tea.id}`, token, { name: 'Chai' });
    expect([rename.statusCode, rename.json().code]).toEqual([409, 'item-archived']);
    const menu = (await c.menu(token, stores[0]!.id)).json<Body>();
    expect(menu.uncategorized).toEqual([]);
  });

  it('pages through items with a cursor, filtered by kind and sorted by name', async () => {
    const { token } = await c.tenantWithStores([]);
    for (const name of ['Espresso', 'Americano', 'Cortado', 'Latte']) {
      await c.ok(201, 'POST', '/items', token, {
        name,
        kind: 'menu',
        variants: [{ priceMinor: 300 }],
      });
    }
    await c.ok(201, 'POST', '/items', token, {
      name: 'Milk',
      kind: 'ingredient',
      unit: 'ml',
      variants: [{ priceMinor: 0 }],
    });

    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Body = await c.ok(
        200,
        'GET',
        `/items?kind=menu&sort=-name&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        token,
      );
      names.push(...page.items.map((i) => i.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(names).toEqual(['Latte', 'Espresso', 'Cortado', 'Americano']);
    expect((await c.ok(200, 'GET', '/items?q=LAT', token)).items.map((i) => i.name)).toEqual([
      'Latte',
    ]);
    expect((await c.call('GET', '/items?cursor=not-a-cursor', token)).json().code).toBe(
      'invalid-cursor',
    );
    // A cursor belongs to its list and its order: elsewhere it would give a wrong page.
    const first: Body = await c.ok(200, 'GET', '/items?kind=menu&sort=-name&limit=1', token);
    for (const elsewhere of [
      `/items?kind=menu&sort=name&cursor=${first.nextCursor}`,
      `/modifier-groups?sort=-name&cursor=${first.nextCursor}`,
    ]) {
      expect((await c.call('GET', elsewhere, token)).json().code).toBe('invalid-cursor');
    }
  });

  it('validates modifier bounds, and prices a line only with a valid choice of options', async () => {
    const { token, stores } = await c.tenantWithStores(['Europe/Paris']);
    const bad = await c.call('POST', '/modifier-groups', token, {
      name: 'Sauces',
      minSelections: 2,
      maxSelections: 1,
      options: [{ name: 'Ketchup' }, { name: 'Mayo' }],
    });
    expect([bad.statusCode, bad.json().code]).toEqual([422, 'invalid-modifier-bounds']);
    const sauces = await c.ok(201, 'POST', '/modifier-groups', token, {
      name: 'Sauces',
      minSelections: 1,
      maxSelections: 2,
      options: [{ name: 'Ketchup' }, { name: 'Mayo' }, { name: 'Aioli', priceDeltaMinor: 30 }],
    });
    const fries = (
      await item(token, [{ priceMinor: 400 }], { kind: 'menu', modifierGroupIds: [sauces.id] })
    ).json<Body>();
    const [ketchup, mayo, aioli] = sauces.options.map((o) => o.id) as [string, string, string];
    const quote = (optionIds: string[]) =>
      c.call('POST', `/stores/${stores[0]!.id}/quote`, token, {
        variantId: fries.variants[0]!.id,
        optionIds,
      });

    expect((await quote([ketchup, aioli])).json()).toMatchObject({
      unitPriceMinor: 430,
      available: true,
    });
    for (const [choice, reason] of [
      [[], 'too-few'],
      [[ketchup, mayo, aioli], 'too-many'],
    ] as const) {
      const res = await quote([...choice]);
      expect([res.statusCode, res.json().code, res.json().reason]).toEqual([
        422,
        'invalid-selection',
        reason,
      ]);
    }
    await c.ok(200, 'PATCH', `/modifier-groups/${sauces.id}`, token, {
      minSelections: 3,
      maxSelections: 3,
    });
    const unreachable = await c.call(
      'DELETE',
      `/modifier-groups/${sauces.id}/options/${ketchup}`,
      token,
    );
    expect([unreachable.statusCode, unreachable.json().code]).toEqual([
      422,
      'invalid-modifier-bounds',
    ]);
  });

  it('reorders categories only when given every category exactly once', async () => {
    const { token } = await c.tenantWithStores([]);
    const ids = [];
    for (const name of ['Mains', 'Sides', 'Drinks'])
      ids.push((await c.ok(201, 'POST', '/categories', token, { name })).id);
    const partial = await c.call('PUT', '/categories/order', token, { categoryIds: ids.slice(1) });
    expect([partial.statusCode, partial.json().code]).toEqual([422, 'category-order-mismatch']);
    await c.ok(200, 'PUT', '/categories/order', token, { categoryIds: [ids[2], ids[0], ids[1]] });
    const listed = await c.ok(200, 'GET', '/categories?limit=2', token);
    expect(listed.items.map((x) => x.name)).toEqual(['Drinks', 'Mains']);
    const rest = await c.ok(200, 'GET', `/categories?limit=2&cursor=${listed.nextCursor}`, token);
    expect(rest.items.map((x) => x.name)).toEqual(['Sides']);
  });

  it('publishes what inventory and others follow through the outbox', async () => {
    const { token, owner, stores } = await c.tenantWithStores(['Europe/Paris']);
    const flour = (
      await c.call('POST', '/items', token, {
        name: 'Flour',
        kind: 'ingredient',
        unit: 'g',
        variants: [{ name: 'Type 00', priceMinor: 0, sku: 'FLOUR-00' }],
      })
    ).json<Body>();
    const pizza = (await item(token, [{ priceMinor: 1000 }], { kind: 'menu' })).json<Body>();
    await c.ok(200, 'PUT', `/stores/${stores[0]!.id}/prices/${pizza.variants[0]!.id}`, token, {
      priceMinor: 1100,
    });
    await c.ok(200, 'PUT', `/stores/${stores[0]!.id}/items/${pizza.id}/availability`, token, {
      available: false,
    });
    await c.ok(200, 'POST', `/items/${pizza.id}/archive`, token);

    const mine = () =>
      events.filter((e) => e.tenantId === owner.tenantId).map((e) => [e.type, e.payload]);
    await expect.poll(() => mine().length).toBe(5);
    expect(mine()).toEqual(
      expect.arrayContaining([
        [
          'catalog.item-created',
          expect.objectContaining({
            itemId: flour.id,
            kind: 'ingredient',
            unit: 'g',
            variants: [expect.objectContaining({ sku: 'FLOUR-00' })],
          }),
        ],
        [
          'catalog.price-changed',
          {
            itemId: pizza.id,
            variantId: pizza.variants[0]!.id,
            storeId: stores[0]!.id,
            oldPriceMinor: null,
            newPriceMinor: 1100,
          },
        ],
        [
          'catalog.availability-changed',
          expect.objectContaining({ itemId: pizza.id, storeId: stores[0]!.id, available: false }),
        ],
        ['catalog.item-archived', { itemId: pizza.id }],
      ]),
    );
  });
});
