import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, newId } from '@stratum/platform';
import { createTestDatabase, postgresUrl, testEngines } from '@stratum/testing';
import type { QuoteLineInput, QuoteView } from '../contract.ts';
import { cafe, type Cafe } from '../test-cafe.ts';
import { catalogHarness, type Harness } from '../test-harness.ts';

type Outcome = { quote: QuoteView } | { error: unknown };

const settle = (p: Promise<QuoteView>): Promise<Outcome> =>
  p.then(
    (quote) => ({ quote }),
    (err: unknown) => ({
      error:
        err instanceof DomainError
          ? { code: err.code, message: err.message, details: err.details }
          : err,
    }),
  );

const ids = (options: readonly { id: string }[]) => options.map((o) => o.id);

/**
 * Choices worth pricing for an item with these groups: none, the required
 * ones, one of each in reverse order, too many of one, a duplicate, and an
 * option that belongs to none of them.
 */
function selections(groups: Cafe['groups'][keyof Cafe['groups']][], foreign: string): string[][] {
  const required = groups.flatMap((g) => ids(g.options.slice(0, g.minSelections)));
  const oneEach = groups.flatMap((g) => ids(g.options.slice(0, Math.max(g.minSelections, 1))));
  const crowded = groups.find((g) => g.options.length > g.maxSelections);
  return [
    [],
    required,
    [...oneEach].reverse(),
    ...(crowded ? [[...required, ...ids(crowded.options)]] : []),
    ...(oneEach.length ? [[...oneEach, oneEach[0]!]] : []),
    [...oneEach, foreign],
  ];
}

describe.each(testEngines())('quoting a line from the store’s menu on %s', (engine) => {
  let h: Harness;
  let c: Cafe;
  const line = (variantId: string, optionIds: string[] = []): QuoteLineInput => ({
    variantId,
    optionIds,
  });

  beforeAll(async () => {
    h = await catalogHarness(
      engine === 'postgres' ? { postgres: await createTestDatabase(postgresUrl()!) } : {},
    );
    c = await cafe(h);
  });
  afterAll(() => h?.close());

  it('gives the quote the catalog’s tables give, for every variant and choice in both stores', async () => {
    const groupsOf = new Map(Object.values(c.groups).map((g) => [g.id, g]));
    const cases = Object.values(c.items).flatMap((item) =>
      item.variants.flatMap((v) =>
        selections(
          item.modifierGroupIds.map((id) => groupsOf.get(id)!),
          c.groups.sides.options[0]!.id,
        ).map((optionIds) => line(v.id, optionIds)),
      ),
    );
    cases.push(line(newId()), line(newId(), [c.groups.milk.options[1]!.id]));
    let quoted = 0;
    for (const store of [c.storeA, c.storeB]) {
      for (const input of cases) {
        const fromMenu = await settle(h.api.quoteLine(c.ctx, store, input));
        const fromTables = await settle(h.databaseQuote(c.ctx, store, input));
        expect(fromMenu, JSON.stringify(input)).toEqual(fromTables);
        if ('quote' in fromMenu) quoted += 1;
      }
    }
    // Not two ways of failing alike: most choices of the sellable items price.
    expect(quoted).toBeGreaterThanOrEqual(30);
    expect(cases.length * 2 - quoted).toBeGreaterThanOrEqual(30);
  });

  it('prices a line: the store’s price, options in the order chosen, the item’s active rates in its order', async () => {
    const [small, large] = c.items.latte.variants;
    const [, oat] = c.groups.milk.options;
    const [vanilla, caramel] = c.groups.syrups.options;
    const choice = [caramel!.id, oat!.id, vanilla!.id];
    expect(await h.api.quoteLine(c.ctx, c.storeB, line(large!.id, choice))).toEqual({
      itemId: c.items.latte.id,
      itemName: 'Latte',
      variantId: large!.id,
      variantName: 'Large',
      variantPriceMinor: 450,
      options: [
        { id: caramel!.id, groupId: c.groups.syrups.id, name: 'Caramel', priceDeltaMinor: 60 },
        { id: oat!.id, groupId: c.groups.milk.id, name: 'Oat', priceDeltaMinor: 50 },
        { id: vanilla!.id, groupId: c.groups.syrups.id, name: 'Vanilla', priceDeltaMinor: 60 },
      ],
      unitPriceMinor: 620,
      taxRates: [{ id: c.rates.vat7, name: 'VAT 7', rateBps: 700, inclusive: true }],
      kitchenStation: 'bar',
      available: true,
    });
    expect(await h.api.quoteLine(c.ctx, c.storeA, line(small!.id))).toMatchObject({
      variantPriceMinor: 350,
      unitPriceMinor: 350,
    });
    const [ketchup] = c.groups.sauces.options;
    const noBun = c.groups.extras.options[3]!;
    const burger = await h.api.quoteLine(
      c.ctx,
      c.storeA,
      line(c.items.burger.variants[0]!.id, [noBun.id, ketchup!.id]),
    );
    expect(burger.unitPriceMinor).toBe(880);
    expect(burger.taxRates.map((r) => r.name)).toEqual(['VAT 19', 'Service 10']);
    const veggie = await h.api.quoteLine(
      c.ctx,
      c.storeB,
      line(c.items.veggie.variants[0]!.id, [ketchup!.id]),
    );
    expect(veggie.taxRates.map((r) => r.name)).toEqual(['Service 10', 'VAT 19']);
    const cola = await h.api.quoteLine(c.ctx, c.storeA, line(c.items.cola.variants[0]!.id));
    expect(cola.taxRates.map((r) => r.name)).toEqual(['VAT 19']); // the retired rate is gone
    expect(cola.kitchenStation).toBeNull();
  });

  it('refuses what the store does not sell with the same precise errors', async () => {
    const quote = (variantId: string) => h.api.quoteLine(c.ctx, c.storeA, line(variantId));
    await expect(quote(newId())).rejects.toMatchObject({ code: 'variant-not-found' });
    await expect(quote(c.items.special.variants[0]!.id)).rejects.toMatchObject({
      code: 'item-not-sellable',
    });
    await expect(quote(c.items.flour.variants[0]!.id)).rejects.toMatchObject({
      code: 'item-not-sellable',
    });
  });

  it('rejects a choice that does not fit the item, naming the reason and the group', async () => {
    const single = c.items.burger.variants[0]!.id;
    const [ketchup, aioli, bbq] = c.groups.sauces.options;
    const quote = (optionIds: string[]) =>
      h.api.quoteLine(c.ctx, c.storeA, line(single, optionIds));
    const refusal = (reason: string, groupId?: string) => ({
      code: 'invalid-selection',
      details: { reason, ...(groupId && { groupId }) },
    });
    await expect(quote([])).rejects.toMatchObject(refusal('too-few', c.groups.sauces.id));
    await expect(quote([ketchup!.id, aioli!.id, bbq!.id])).rejects.toMatchObject(
      refusal('too-many', c.groups.sauces.id),
    );
    const extras = ids(c.groups.extras.options);
    await expect(quote([ketchup!.id, ...extras])).rejects.toMatchObject(
      refusal('too-many', c.groups.extras.id),
    );
    await expect(quote([ketchup!.id, c.groups.milk.options[0]!.id])).rejects.toMatchObject(
      refusal('unknown-option'),
    );
    await expect(quote([ketchup!.id, c.groups.sides.options[0]!.id])).rejects.toMatchObject(
      refusal('unknown-option'),
    );
    await expect(quote([ketchup!.id, ketchup!.id])).rejects.toMatchObject(
      refusal('duplicate-option'),
    );
    const error = await quote([]).catch((err: unknown) => err);
    expect((error as DomainError).details).toEqual({
      reason: 'too-few',
      groupId: c.groups.sauces.id,
    });
  });

  it('quotes an item 86’d in one store as unavailable there and only there', async () => {
    const veggie = line(c.items.veggie.variants[0]!.id, [c.groups.sauces.options[0]!.id]);
    expect((await h.api.quoteLine(c.ctx, c.storeA, veggie)).available).toBe(false);
    expect((await h.api.quoteLine(c.ctx, c.storeB, veggie)).available).toBe(true);
    const cappuccino = line(c.items.cappuccino.variants[0]!.id);
    expect((await h.api.quoteLine(c.ctx, c.storeA, cappuccino)).available).toBe(false);
  });

  it('refuses staff scoped to other stores, and a store that does not exist', async () => {
    const input = line(c.items.latte.variants[0]!.id);
    await expect(
      h.api.quoteLine(h.ctx(c.tenant, [c.storeB]), c.storeA, input),
    ).rejects.toMatchObject({ code: 'store-not-allowed' });
    await expect(h.api.quoteLine(c.ctx, newId(), input)).rejects.toMatchObject({
      code: 'store-not-found',
    });
  });

  it('prices a hot store’s lines without SQL or a store lookup, and builds a cold menu once', async () => {
    const fresh = await cafe(h);
    const [ketchup, aioli] = fresh.groups.sauces.options;
    const lines = [
      ...fresh.items.latte.variants.map((v) => line(v.id, [fresh.groups.milk.options[1]!.id])),
      ...fresh.items.burger.variants.map((v) => line(v.id, [aioli!.id, ketchup!.id])),
      line(fresh.items.cola.variants[1]!.id),
    ];
    h.calls.reset();
    // Concurrent lines on a cold store: one version read, one snapshot, one store lookup.
    await Promise.all(lines.map((l) => h.api.quoteLine(fresh.ctx, fresh.storeB, l)));
    expect(h.calls).toMatchObject({ transactions: 2, storeLookups: 1 });

    h.calls.reset();
    for (const l of lines) await h.api.quoteLine(fresh.ctx, fresh.storeB, l);
    await h.api.quoteLine(fresh.ctx, fresh.storeB, line(fresh.items.giftCard.variants[0]!.id));
    expect(h.calls).toMatchObject({ transactions: 0, storeLookups: 0 });

    // A variant the menu does not show still asks the database, which knows why.
    await expect(
      h.api.quoteLine(fresh.ctx, fresh.storeB, line(fresh.items.flour.variants[0]!.id)),
    ).rejects.toMatchObject({ code: 'item-not-sellable' });
    expect(h.calls.transactions).toBe(1);
  });

  it('makes an 86 that runs out by itself available again, though nothing was written', async () => {
    const cappuccino = line(c.items.cappuccino.variants[0]!.id);
    expect((await h.api.quoteLine(c.ctx, c.storeA, cappuccino)).available).toBe(false);
    h.clock.advance(2 * 3_600_000);
    expect((await h.api.quoteLine(c.ctx, c.storeA, cappuccino)).available).toBe(true);
    expect(await settle(h.api.quoteLine(c.ctx, c.storeA, cappuccino))).toEqual(
      await settle(h.databaseQuote(c.ctx, c.storeA, cappuccino)),
    );
  });
});
