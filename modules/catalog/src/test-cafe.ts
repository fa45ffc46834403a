// A realistic café catalog for the catalog's own tests, built through the API
// as the back office would: shared and required modifier groups, negative
// deltas, inclusive and exclusive taxes in an order that is not their name
// order, a deactivated rate, store overrides, 86s with and without an end, an
// ingredient and an archived item. Not used by production code.
import { newId, type CallContext } from '@stratum/platform';
import {
  createItemInput,
  createModifierGroupInput,
  type ItemView,
  type ModifierGroupView,
} from './contract.ts';
import type { Harness } from './test-harness.ts';

export interface Cafe {
  tenant: string;
  ctx: CallContext;
  /** Veggie burger 86'd until further notice, cappuccino for two hours. */
  storeA: string;
  /** Its own prices for a large latte and a double burger; nothing 86'd. */
  storeB: string;
  groups: Record<'milk' | 'syrups' | 'sauces' | 'extras' | 'sides', ModifierGroupView>;
  rates: Record<'vat7' | 'vat19' | 'service' | 'retired', string>;
  items: Record<
    'latte' | 'cappuccino' | 'burger' | 'veggie' | 'cola' | 'giftCard' | 'flour' | 'special',
    ItemView
  >;
}

export async function cafe(h: Harness): Promise<Cafe> {
  const tenant = newId();
  const ctx = h.ctx(tenant);
  const storeA = h.store(tenant);
  const storeB = h.store(tenant);
  const api = h.api;

  const rate = async (name: string, rateBps: number, inclusive: boolean) =>
    (await api.createTaxRate(ctx, { name, rateBps, inclusive })).id;
  const rates = {
    vat7: await rate('VAT 7', 700, true),
    vat19: await rate('VAT 19', 1900, true),
    service: await rate('Service 10', 1000, false),
    retired: await rate('Old VAT 16', 1600, true),
  };
  const group = (input: object) =>
    api.createModifierGroup(ctx, createModifierGroupInput.parse(input));
  const option = (name: string, priceDeltaMinor = 0) => ({ name, priceDeltaMinor });
  const groups = {
    milk: await group({
      name: 'Milk',
      minSelections: 0,
      maxSelections: 1,
      options: [option('Whole'), option('Oat', 50), option('Soy', 40)],
    }),
    syrups: await group({
      name: 'Syrups',
      minSelections: 0,
      maxSelections: 2,
      options: [option('Vanilla', 60), option('Caramel', 60), option('Hazelnut', 70)],
    }),
    sauces: await group({
      name: 'Sauces',
      minSelections: 1,
      maxSelections: 2,
      options: [option('Ketchup'), option('Aioli', 30), option('BBQ', 20)],
    }),
    extras: await group({
      name: 'Extras',
      minSelections: 0,
      maxSelections: 3,
      options: [
        option('Cheese', 100),
        option('Bacon', 150),
        option('Egg', 120),
        option('No bun', -20),
      ],
    }),
    // On no item: its options are on no menu.
    sides: await group({ name: 'Sides', options: [option('Fries', 250)] }),
  };
  const category = async (name: string) => (await api.createCategory(ctx, { name })).id;
  const coffee = await category('Coffee');
  const burgers = await category('Burgers');
  const drinks = await category('Drinks');

  const item = (input: object) => api.createItem(ctx, createItemInput.parse(input));
  const items = {
    latte: await item({
      name: 'Latte',
      kind: 'menu',
      categoryId: coffee,
      kitchenStation: 'bar',
      variants: [
        { name: 'Small', sku: 'LAT-S', priceMinor: 350 },
        { name: 'Large', sku: 'LAT-L', priceMinor: 420 },
      ],
      modifierGroupIds: [groups.milk.id, groups.syrups.id],
      taxRateIds: [rates.vat7],
    }),
    cappuccino: await item({
      name: 'Cappuccino',
      kind: 'menu',
      categoryId: coffee,
      kitchenStation: 'bar',
      variants: [{ priceMinor: 330 }],
      modifierGroupIds: [groups.milk.id],
      taxRateIds: [rates.vat7],
    }),
    burger: await item({
      name: 'Classic burger',
      kind: 'menu',
      categoryId: burgers,
      kitchenStation: 'grill',
      variants: [
        { name: 'Single', priceMinor: 900 },
        { name: 'Double', priceMinor: 1200 },
      ],
      modifierGroupIds: [groups.sauces.id, groups.extras.id],
      taxRateIds: [rates.vat19, rates.service],
    }),
    veggie: await item({
      name: 'Veggie burger',
      kind: 'menu',
      categoryId: burgers,
      kitchenStation: 'grill',
      variants: [{ priceMinor: 850 }],
      modifierGroupIds: [groups.extras.id, groups.sauces.id],
      taxRateIds: [rates.service, rates.vat19],
    }),
    cola: await item({
      name: 'Cola',
      kind: 'retail',
      categoryId: drinks,
      variants: [
        { name: '330 ml', barcode: '4000000000017', priceMinor: 250 },
        { name: '1 l', priceMinor: 390 },
      ],
      taxRateIds: [rates.vat19, rates.retired],
    }),
    giftCard: await item({ name: 'Gift card', kind: 'retail', variants: [{ priceMinor: 2500 }] }),
    flour: await item({
      name: 'Flour',
      kind: 'ingredient',
      unit: 'g',
      variants: [{ name: 'Type 00', priceMinor: 0 }],
    }),
    special: await item({
      name: 'Summer special',
      kind: 'menu',
      categoryId: burgers,
      variants: [{ priceMinor: 1100 }],
      modifierGroupIds: [groups.sauces.id],
      taxRateIds: [rates.vat19],
    }),
  };
  await api.archiveItem(ctx, items.special.id);
  await api.updateTaxRate(ctx, rates.retired, { active: false });

  await api.setAvailability(ctx, storeA, items.veggie.id, { available: false, until: null });
  const twoHours = new Date(h.clock.now().getTime() + 2 * 3_600_000).toISOString();
  await api.setAvailability(ctx, storeA, items.cappuccino.id, {
    available: false,
    until: twoHours,
  });
  await api.setStorePrice(ctx, storeB, items.latte.variants[1]!.id, { priceMinor: 450 });
  await api.setStorePrice(ctx, storeB, items.burger.variants[1]!.id, { priceMinor: 1150 });
  return { tenant, ctx, storeA, storeB, groups, rates, items };
}
