import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '@stratum/platform';
import { createTestDatabase, postgresUrl, testEngines } from '@stratum/testing';
import type { QuoteLineInput, QuoteView } from '../contract.ts';
import { cafe, type Cafe } from '../test-cafe.ts';
import { catalogHarness, type Harness } from '../test-harness.ts';

// The harness runs no outbox relay: the catalog-changed event of each write
// stays in the outbox, so the cache can only have learnt of the write from the
// write itself.
describe.each(testEngines())('the very next quote after a catalog write on %s', (engine) => {
  let h: Harness;
  let c: Cafe;

  beforeAll(async () => {
    h = await catalogHarness(
      engine === 'postgres' ? { postgres: await createTestDatabase(postgresUrl()!) } : {},
    );
  });
  afterAll(() => h?.close());

  const quote = (store: string, input: QuoteLineInput) => h.api.quoteLine(c.ctx, store, input);

  /** Quotes `input` until the store is hot: the next quote would cost no SQL. */
  async function warm(store: string, input: QuoteLineInput): Promise<QuoteView> {
    await quote(store, input);
    h.calls.reset();
    const hot = await quote(store, input);
    expect(h.calls.transactions).toBe(0);
    return hot;
  }

  /** Runs a write and checks its events are still waiting for the relay. */
  async function write(change: () => Promise<unknown>): Promise<void> {
    const pending = await h.pendingEvents(c.tenant);
    await change();
    expect(await h.pendingEvents(c.tenant)).toBeGreaterThan(pending);
  }

  /** The menu's quote, checked against the tables' quote for the same line. */
  async function next(store: string, input: QuoteLineInput): Promise<QuoteView> {
    const fromTables = await h.databaseQuote(c.ctx, store, input);
    const fromMenu = await quote(store, input);
    expect(fromMenu).toEqual(fromTables);
    return fromMenu;
  }

  beforeAll(async () => {
    c = await cafe(h);
  });

  it('sees a base price change', async () => {
    const small = c.items.latte.variants[0]!;
    const input = { variantId: small.id, optionIds: [c.groups.milk.options[1]!.id] };
    expect(await warm(c.storeA, input)).toMatchObject({ variantPriceMinor: 350 });
    await write(() =>
      h.api.changeBasePrice(c.ctx, c.items.latte.id, small.id, { priceMinor: 370 }),
    );
    expect(await next(c.storeA, input)).toMatchObject({
      variantPriceMinor: 370,
      unitPriceMinor: 420,
    });
  });

  it('sees a store’s own price set and removed', async () => {
    const double = c.items.burger.variants[1]!;
    const input = { variantId: double.id, optionIds: [c.groups.sauces.options[0]!.id] };
    expect(await warm(c.storeA, input)).toMatchObject({ variantPriceMinor: 1200 });
    await write(() => h.api.setStorePrice(c.ctx, c.storeA, double.id, { priceMinor: 1250 }));
    expect(await next(c.storeA, input)).toMatchObject({ variantPriceMinor: 1250 });
    await write(() => h.api.removeStorePrice(c.ctx, c.storeA, double.id));
    expect(await next(c.storeA, input)).toMatchObject({ variantPriceMinor: 1200 });
  });

  it('sees an item 86’d and back', async () => {
    const input = { variantId: c.items.cola.variants[0]!.id, optionIds: [] };
    expect(await warm(c.storeB, input)).toMatchObject({ available: true });
    await write(() =>
      h.api.setAvailability(c.ctx, c.storeB, c.items.cola.id, { available: false }),
    );
    expect(await next(c.storeB, input)).toMatchObject({ available: false });
    await write(() => h.api.setAvailability(c.ctx, c.storeB, c.items.cola.id, { available: true }));
    expect(await next(c.storeB, input)).toMatchObject({ available: true });
  });

  it('sees an option’s new price and a group’s new bounds', async () => {
    const single = c.items.burger.variants[0]!;
    const [ketchup, aioli] = c.groups.sauces.options;
    const input = { variantId: single.id, optionIds: [aioli!.id, ketchup!.id] };
    expect(await warm(c.storeB, input)).toMatchObject({ unitPriceMinor: 930 });
    await write(() =>
      h.api.changeModifierOptionPrice(c.ctx, c.groups.sauces.id, aioli!.id, {
        priceDeltaMinor: 40,
      }),
    );
    expect(await next(c.storeB, input)).toMatchObject({ unitPriceMinor: 940 });
    await write(() => h.api.updateModifierGroup(c.ctx, c.groups.sauces.id, { maxSelections: 1 }));
    await expect(quote(c.storeB, input)).rejects.toMatchObject({
      code: 'invalid-selection',
      details: { reason: 'too-many', groupId: c.groups.sauces.id },
    });
  });

  it('sees an item’s modifier groups and tax rates relinked, and a rate deactivated', async () => {
    const large = c.items.latte.variants[1]!;
    const oat = c.groups.milk.options[1]!;
    const input = { variantId: large.id, optionIds: [oat.id] };
    expect((await warm(c.storeB, input)).taxRates.map((r) => r.id)).toEqual([c.rates.vat7]);
    await write(() =>
      h.api.setItemTaxRates(c.ctx, c.items.latte.id, [c.rates.service, c.rates.vat7]),
    );
    expect((await next(c.storeB, input)).taxRates.map((r) => r.id)).toEqual([
      c.rates.service,
      c.rates.vat7,
    ]);
    await write(() => h.api.updateTaxRate(c.ctx, c.rates.service, { active: false }));
    expect((await next(c.storeB, input)).taxRates.map((r) => r.id)).toEqual([c.rates.vat7]);
    await write(() => h.api.setItemModifierGroups(c.ctx, c.items.latte.id, [c.groups.syrups.id]));
    const refused = await quote(c.storeB, input).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({
      code: 'invalid-selection',
      details: { reason: 'unknown-option' },
    });
  });

  it('sees an item archived', async () => {
    const input = { variantId: c.items.giftCard.variants[0]!.id, optionIds: [] };
    await warm(c.storeA, input);
    await write(() => h.api.archiveItem(c.ctx, c.items.giftCard.id));
    await expect(quote(c.storeA, input)).rejects.toMatchObject({ code: 'item-not-sellable' });
  });
});
