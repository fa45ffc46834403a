import { describe, expect, it } from 'vitest';
import { buildMenu, type MenuSnapshot } from './menu.ts';
import { indexMenu, quoteFromMenu } from './quote.ts';

const id = (n: number) => `01900000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const now = Date.parse('2026-06-01T12:00:00Z');
const store = { id: id(900), currency: 'EUR', taxInclusive: true, timezone: 'Europe/Berlin' };
const item = (n: number, name: string, kitchenStation: string | null = 'grill') => ({
  id: id(n),
  categoryId: null,
  name,
  kind: 'menu' as const,
  description: null,
  imageUrl: null,
  kitchenStation,
});
const variant = (n: number, itemId: number, name: string, priceMinor: number, position = 0) => ({
  id: id(n),
  itemId: id(itemId),
  name,
  sku: null,
  barcode: null,
  priceMinor,
  position,
});
const option = (
  n: number,
  groupId: number,
  name: string,
  priceDeltaMinor: number,
  position = 0,
) => ({
  id: id(n),
  groupId: id(groupId),
  name,
  priceDeltaMinor,
  position,
});

/** A burger (sauces 1–2, then extras 0–2; two rates) and a soda 86'd for an hour. */
const snapshot: MenuSnapshot = {
  version: 3,
  categories: [],
  items: [item(10, 'Burger'), item(11, 'Soda', null)],
  variants: [
    variant(20, 10, 'Single', 900),
    variant(21, 10, 'Double', 1200, 1),
    variant(22, 11, 'Can', 250),
  ],
  overrides: [{ variantId: id(21), priceMinor: 1150 }],
  unavailable: [{ itemId: id(11), until: now + 3_600_000 }],
  itemGroups: [
    { itemId: id(10), groupId: id(31), position: 1 },
    { itemId: id(10), groupId: id(30), position: 0 },
  ],
  groups: [
    { id: id(30), name: 'Sauces', minSelections: 1, maxSelections: 2 },
    { id: id(31), name: 'Extras', minSelections: 0, maxSelections: 2 },
  ],
  options: [
    option(40, 30, 'Ketchup', 0),
    option(41, 30, 'Aioli', 30, 1),
    option(42, 30, 'BBQ', 20, 2),
    option(43, 31, 'Cheese', 100),
    option(44, 31, 'No bun', -20, 1),
  ],
  itemTaxRates: [
    { itemId: id(10), taxRateId: id(51), position: 0 },
    { itemId: id(10), taxRateId: id(50), position: 1 },
  ],
  taxRates: [
    { id: id(50), name: 'A service', rateBps: 1000, inclusive: false },
    { id: id(51), name: 'VAT', rateBps: 1900, inclusive: true },
  ],
};
const quotes = indexMenu(buildMenu(snapshot, store, now).document);

describe('quoting a line from a store’s menu', () => {
  it('prices the store’s variant price plus the options, in the order chosen, with the item’s rates in its order', () => {
    expect(quoteFromMenu(quotes, id(21), [id(44), id(41)])).toEqual({
      ok: true,
      quote: {
        itemId: id(10),
        itemName: 'Burger',
        variantId: id(21),
        variantName: 'Double',
        variantPriceMinor: 1150,
        options: [
          { id: id(44), groupId: id(31), name: 'No bun', priceDeltaMinor: -20 },
          { id: id(41), groupId: id(30), name: 'Aioli', priceDeltaMinor: 30 },
        ],
        unitPriceMinor: 1160,
        taxRates: [
          { id: id(51), name: 'VAT', rateBps: 1900, inclusive: true },
          { id: id(50), name: 'A service', rateBps: 1000, inclusive: false },
        ],
        kitchenStation: 'grill',
        available: true,
      },
    });
  });

  it('says an 86’d item is unavailable, as the menu it was built into does', () => {
    expect(quoteFromMenu(quotes, id(22), [])).toMatchObject({
      ok: true,
      quote: { variantName: 'Can', available: false, kitchenStation: null, taxRates: [] },
    });
  });

  it('knows nothing of a variant the menu does not show', () => {
    expect(quoteFromMenu(quotes, id(99), [])).toBeUndefined();
  });

  it('rejects a choice that does not fit, with the reason and, for a count, the group', () => {
    expect(quoteFromMenu(quotes, id(20), [])).toEqual({
      ok: false,
      reason: 'too-few',
      groupId: id(30),
    });
    expect(quoteFromMenu(quotes, id(20), [id(40), id(41), id(42)])).toEqual({
      ok: false,
      reason: 'too-many',
      groupId: id(30),
    });
    expect(quoteFromMenu(quotes, id(22), [id(40)])).toEqual({
      ok: false,
      reason: 'unknown-option',
    });
    expect(quoteFromMenu(quotes, id(20), [id(40), id(40)])).toEqual({
      ok: false,
      reason: 'duplicate-option',
    });
  });

  it('refuses a line whose options take the unit price below zero, rather than quoting it', () => {
    const kids = indexMenu(
      buildMenu(
        {
          ...snapshot,
          variants: [...snapshot.variants, variant(23, 10, 'Kids', 10, 2)],
        },
        store,
        now,
      ).document,
    );
    expect(quoteFromMenu(kids, id(23), [id(40), id(44)])).toEqual({
      ok: false,
      reason: 'negative-unit-price',
    });
    expect(quoteFromMenu(kids, id(23), [id(40)])).toMatchObject({
      ok: true,
      quote: { unitPriceMinor: 10 },
    });
  });

  it('refuses a line whose unit price passes the cap, as a price stored before the cap would', () => {
    const huge = indexMenu(
      buildMenu(
        {
          ...snapshot,
          variants: [...snapshot.variants, variant(23, 10, 'Gold', Number.MAX_SAFE_INTEGER, 2)],
        },
        store,
        now,
      ).document,
    );
    for (const optionIds of [[id(41)], [id(40)]]) {
      expect(quoteFromMenu(huge, id(23), optionIds)).toEqual({
        ok: false,
        reason: 'unit-price-too-large',
      });
    }
  });

  it('hands out copies: changing a quote does not change the next one', () => {
    const first = quoteFromMenu(quotes, id(20), [id(40)]);
    if (!first?.ok) throw new Error('expected a quote');
    first.quote.taxRates[0]!.rateBps = 0;
    first.quote.options.pop();
    const second = quoteFromMenu(quotes, id(20), [id(40)]);
    expect(second).toMatchObject({
      ok: true,
      quote: { taxRates: [{ rateBps: 1900 }, { rateBps: 1000 }], options: [{ id: id(40) }] },
    });
  });
});
