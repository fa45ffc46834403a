import { describe, expect, it } from 'vitest';
import { menuDocument } from '../contract.ts';
import { buildMenu, type MenuSnapshot } from './menu.ts';

const id = (n: number) => `01900000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const now = Date.parse('2026-06-01T12:00:00Z');
const store = { id: id(900), currency: 'EUR', taxInclusive: true, timezone: 'Europe/Berlin' };

const snapshot = (): MenuSnapshot => ({
  version: 7,
  categories: [
    { id: id(2), name: 'Drinks', position: 1 },
    { id: id(1), name: 'Burgers', position: 0 },
  ],
  items: [
    {
      id: id(11),
      categoryId: id(1),
      name: 'Veggie',
      kind: 'menu',
      description: null,
      imageUrl: null,
      kitchenStation: 'grill',
    },
    {
      id: id(10),
      categoryId: id(1),
      name: 'Classic',
      kind: 'menu',
      description: 'Beef',
      imageUrl: null,
      kitchenStation: 'grill',
    },
    {
      id: id(12),
      categoryId: id(2),
      name: 'Cola',
      kind: 'retail',
      description: null,
      imageUrl: null,
      kitchenStation: null,
    },
    {
      id: id(13),
      categoryId: null,
      name: 'Gift card',
      kind: 'retail',
      description: null,
      imageUrl: null,
      kitchenStation: null,
    },
  ],
  variants: [
    {
      id: id(21),
      itemId: id(10),
      name: 'Double',
      sku: null,
      barcode: null,
      priceMinor: 1200,
      position: 1,
    },
    {
      id: id(20),
      itemId: id(10),
      name: 'Single',
      sku: 'BRG-1',
      barcode: null,
      priceMinor: 900,
      position: 0,
    },
    {
      id: id(22),
      itemId: id(11),
      name: 'Regular',
      sku: null,
      barcode: null,
      priceMinor: 950,
      position: 0,
    },
    {
      id: id(23),
      itemId: id(12),
      name: '0.33 l',
      sku: null,
      barcode: '4000000000001',
      priceMinor: 300,
      position: 0,
    },
    {
      id: id(24),
      itemId: id(13),
      name: '25',
      sku: null,
      barcode: null,
      priceMinor: 2500,
      position: 0,
    },
  ],
  overrides: [{ variantId: id(20), priceMinor: 990 }],
  unavailable: [
    { itemId: id(11), until: now + 3_600_000 },
    { itemId: id(12), until: now - 1 },
  ],
  itemGroups: [
    { itemId: id(10), groupId: id(31), position: 1 },
    { itemId: id(10), groupId: id(30), position: 0 },
  ],
  groups: [
    { id: id(30), name: 'Sauces', minSelections: 1, maxSelections: 2 },
    { id: id(31), name: 'Extras', minSelections: 0, maxSelections: 3 },
  ],
  options: [
    { id: id(41), groupId: id(30), name: 'Mayo', priceDeltaMinor: 0, position: 1 },
    { id: id(40), groupId: id(30), name: 'Ketchup', priceDeltaMinor: 0, position: 0 },
    { id: id(42), groupId: id(31), name: 'Extra cheese', priceDeltaMinor: 50, position: 0 },
  ],
  itemTaxRates: [{ itemId: id(10), taxRateId: id(50), position: 0 }],
  taxRates: [{ id: id(50), name: 'VAT', rateBps: 1900, inclusive: true }],
});

describe('the POS menu document', () => {
  const { document, validTo } = buildMenu(snapshot(), store, now);

  it('matches the published menu schema', () => {
    expect(menuDocument.safeParse(document).success).toBe(true);
  });

  it('lists categories in menu order and their items by name', () => {
    expect(document.categories.map((c) => c.name)).toEqual(['Burgers', 'Drinks']);
    expect(document.categories[0]!.items.map((i) => i.name)).toEqual(['Classic', 'Veggie']);
    expect(document.uncategorized.map((i) => i.name)).toEqual(['Gift card']);
  });

  it('charges the store’s override where it has one and the base price elsewhere', () => {
    const classic = document.categories[0]!.items[0]!;
    expect(classic.variants.map((v) => [v.name, v.priceMinor, v.basePriceMinor])).toEqual([
      ['Single', 990, 900],
      ['Double', 1200, 1200],
    ]);
  });

  it('refers to the item’s modifier groups in its order, and lists each group once', () => {
    const classic = document.categories[0]!.items[0]!;
    expect(classic.modifierGroupIds).toEqual([id(30), id(31)]);
    expect(document.modifierGroups.map((g) => [g.name, g.options.map((o) => o.name)])).toEqual([
      ['Extras', ['Extra cheese']],
      ['Sauces', ['Ketchup', 'Mayo']],
    ]);
  });

  it('refers to the item’s active tax rates and lists only rates some item uses', () => {
    const classic = document.categories[0]!.items[0]!;
    expect(classic.taxRateIds).toEqual([id(50)]);
    expect(document.taxRates).toEqual([
      { id: id(50), name: 'VAT', rateBps: 1900, inclusive: true },
    ]);
    const unused = snapshot();
    unused.itemTaxRates = [];
    expect(buildMenu(unused, store, now).document.taxRates).toEqual([]);
  });

  it('shows an 86’d item as unavailable until its instant, and an expired entry as available', () => {
    const [classic, veggie] = document.categories[0]!.items;
    expect(veggie).toMatchObject({
      available: false,
      unavailableUntil: '2026-06-01T13:00:00.000Z',
    });
    expect(classic).toMatchObject({ available: true, unavailableUntil: null });
    expect(document.categories[1]!.items[0]).toMatchObject({ name: 'Cola', available: true });
  });

  it('is valid until the next entry expires by itself', () => {
    expect(validTo).toBe(now + 3_600_000);
  });

  it('is the same, byte for byte, whatever order the snapshot rows came in', () => {
    const shuffled = snapshot();
    for (const rows of Object.values(shuffled)) if (Array.isArray(rows)) rows.reverse();
    expect(JSON.stringify(buildMenu(shuffled, store, now).document)).toBe(JSON.stringify(document));
  });

  it('carries the store’s currency and tax mode, and the catalog version it was built from', () => {
    expect(document.store).toEqual(store);
    expect(document.catalogVersion).toBe(7);
  });
});
