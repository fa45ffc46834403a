import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, type StratumApp } from '@stratum/platform';
import { createTestDatabase, postgresUrl, testEngines } from '@stratum/testing';
import { createItemInput, createModifierGroupInput, maxPriceMinor } from '../../contract.ts';
import { catalogHarness, type Harness } from '../../test-harness.ts';

describe.each(testEngines())('catalog prices and quotes over HTTP on %s', (engine) => {
  let h: Harness;
  let app: StratumApp;
  beforeAll(async () => {
    h = await catalogHarness(
      engine === 'postgres' ? { postgres: await createTestDatabase(postgresUrl()!) } : {},
    );
    app = await h.http();
  });
  afterAll(() => h?.close());

  /** A tenant with one store and a side dish of 30 with an optional extras group. */
  async function shop() {
    const tenant = newId();
    const ctx = h.ctx(tenant);
    const storeId = h.store(tenant);
    const extras = await h.api.createModifierGroup(
      ctx,
      createModifierGroupInput.parse({
        name: 'Extras',
        maxSelections: 2,
        options: [
          { name: 'Cheese', priceDeltaMinor: 100 },
          { name: 'No bun', priceDeltaMinor: -50 },
        ],
      }),
    );
    const item = await h.api.createItem(
      ctx,
      createItemInput.parse({
        name: 'Side',
        kind: 'menu',
        variants: [{ priceMinor: 30 }],
        modifierGroupIds: [extras.id],
      }),
    );
    const [cheese, noBun] = extras.options.map((o) => o.id);
    return {
      ctx,
      storeId,
      token: h.token(tenant),
      itemId: item.id,
      variantId: item.variants[0]!.id,
      groupId: extras.id,
      cheese: cheese!,
      noBun: noBun!,
    };
  }
  type Shop = Awaited<ReturnType<typeof shop>>;

  const call = (method: 'POST' | 'PUT' | 'DELETE', url: string, token: string, payload?: object) =>
    app.inject({
      method,
      url: `/api/v1/catalog${url}`,
      headers: { authorization: `Bearer ${token}` },
      ...(payload && { payload }),
    });
  const quote = (s: Shop, optionIds: string[]) =>
    call('POST', `/stores/${s.storeId}/quote`, s.token, { variantId: s.variantId, optionIds });
  const basePrice = (s: Shop, priceMinor: number) =>
    call('PUT', `/items/${s.itemId}/variants/${s.variantId}/price`, s.token, { priceMinor });

  const expectProblem = (res: Awaited<ReturnType<typeof call>>, status: number, code: string) => {
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status, code });
  };

  it('takes base prices, store prices and option deltas up to the cap, and refuses more', async () => {
    const s = await shop();
    const storePrice = (priceMinor: number) =>
      call('PUT', `/stores/${s.storeId}/prices/${s.variantId}`, s.token, { priceMinor });
    const delta = (priceDeltaMinor: number) =>
      call('PUT', `/modifier-groups/${s.groupId}/options/${s.cheese}/price`, s.token, {
        priceDeltaMinor,
      });

    for (const change of [basePrice.bind(null, s), storePrice, delta]) {
      expect((await change(maxPriceMinor)).statusCode).toBe(200);
      expectProblem(await change(maxPriceMinor + 1), 400, 'validation-failed');
      expectProblem(await change(Number.MAX_SAFE_INTEGER), 400, 'validation-failed');
    }
    expect((await delta(-maxPriceMinor)).statusCode).toBe(200);
    expectProblem(await delta(-maxPriceMinor - 1), 400, 'validation-failed');
  });

  it('refuses a line whose options take the unit price past the cap, with a stable code', async () => {
    const s = await shop();
    expect((await basePrice(s, maxPriceMinor)).statusCode).toBe(200);

    expect((await quote(s, [])).json()).toMatchObject({ unitPriceMinor: maxPriceMinor });
    const over = await quote(s, [s.cheese]);
    expectProblem(over, 422, 'unit-price-out-of-range');
    expect(over.json()).toMatchObject({ reason: 'unit-price-too-large', maxPriceMinor });
  });

  it('refuses a line priced before the cap existed rather than failing its own schema', async () => {
    const s = await shop();
    // Through the API, as the route once accepted it: a price of 2^53 − 1.
    await h.api.changeBasePrice(s.ctx, s.itemId, s.variantId, {
      priceMinor: Number.MAX_SAFE_INTEGER,
    });
    expectProblem(await quote(s, [s.cheese]), 422, 'unit-price-out-of-range');
    expectProblem(await quote(s, []), 422, 'unit-price-out-of-range');
  });

  it('refuses a line whose options take the unit price below zero, and prices one at zero', async () => {
    const s = await shop();
    const under = await quote(s, [s.noBun]);
    expectProblem(under, 422, 'unit-price-out-of-range');
    expect(under.json()).toMatchObject({ reason: 'negative-unit-price' });

    expect((await basePrice(s, 50)).statusCode).toBe(200);
    const free = await quote(s, [s.noBun]);
    expect(free.statusCode, free.body).toBe(200);
    expect(free.json()).toMatchObject({ variantPriceMinor: 50, unitPriceMinor: 0 });
  });

  it('answers the deletes it documents as 204 with 204 and no body', async () => {
    const s = await shop();
    const category = await h.api.createCategory(s.ctx, { name: 'Spare' });
    const rate = await h.api.createTaxRate(s.ctx, { name: 'Spare', rateBps: 500, inclusive: true });
    await h.api.setStorePrice(s.ctx, s.storeId, s.variantId, { priceMinor: 40 });
    for (const url of [
      `/categories/${category.id}`,
      `/tax-rates/${rate.id}`,
      `/stores/${s.storeId}/prices/${s.variantId}?reason=back`,
    ]) {
      const res = await call('DELETE', url, s.token);
      expect([res.statusCode, res.body], url).toEqual([204, '']);
    }
    expect((await quote(s, [])).json()).toMatchObject({ variantPriceMinor: 30 });
  });
});
