import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEnvelope, newId } from '@stratum/platform';
import { catalogEvents } from '@stratum/catalog/contract';
import { createTestDatabase, postgresUrl, testEngines } from '@stratum/testing';
import { inventoryHarness, type Harness } from '../../test-harness.ts';

const variant = (name: string, sku: string | null = null) => ({
  variantId: newId(),
  name,
  sku,
  barcode: null,
  priceMinor: 450,
});

describe.each(testEngines())('inventory’s catalog subscriptions on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await inventoryHarness(
      engine === 'postgres' ? { postgres: await createTestDatabase(postgresUrl()!) } : {},
    );
  });
  afterAll(() => h?.close());

  const stockItems = (tenant: string) =>
    h.api.listStockItems(h.ctx(tenant), { limit: 200, sort: 'createdAt' }).then((p) => p.items);

  it('registers every variant of a new item as a stock item with the item’s unit and kind', async () => {
    const tenant = newId();
    const itemId = newId();
    const small = variant('330 ml', 'COLA-330');
    const large = variant('1 l', 'COLA-1000');
    await h.deliver(
      catalogEvents.itemCreated,
      {
        itemId,
        name: 'Cola',
        kind: 'retail',
        unit: 'each',
        categoryId: null,
        variants: [small, large],
      },
      tenant,
    );
    expect(await stockItems(tenant)).toEqual([
      expect.objectContaining({
        id: small.variantId,
        itemId,
        itemName: 'Cola',
        variantName: '330 ml',
        sku: 'COLA-330',
        unit: 'each',
        kind: 'retail',
        archived: false,
      }),
      expect.objectContaining({ id: large.variantId, sku: 'COLA-1000' }),
    ]);
  });

  it('applies a message delivered twice once: one stock record', async () => {
    const tenant = newId();
    const payload = {
      itemId: newId(),
      name: 'Flour',
      kind: 'ingredient' as const,
      unit: 'g' as const,
      categoryId: null,
      variants: [variant('Type 00')],
    };
    const envelope = makeEnvelope(catalogEvents.itemCreated, payload, tenant);
    await h.deliver(catalogEvents.itemCreated, payload, tenant, envelope);
    await h.deliver(catalogEvents.itemCreated, payload, tenant, envelope);
    expect(await stockItems(tenant)).toHaveLength(1);
  });

  it('keeps one stock record even when the same item is announced again in a new message', async () => {
    const tenant = newId();
    const payload = {
      itemId: newId(),
      name: 'Milk',
      kind: 'ingredient' as const,
      unit: 'ml' as const,
      categoryId: null,
      variants: [variant('Whole')],
    };
    await h.deliver(catalogEvents.itemCreated, payload, tenant);
    await h.deliver(catalogEvents.itemCreated, payload, tenant);
    expect(await stockItems(tenant)).toHaveLength(1);
  });

  it('registers an added variant with its item’s unit and kind, once', async () => {
    const tenant = newId();
    const itemId = newId();
    await h.deliver(
      catalogEvents.itemCreated,
      { itemId, name: 'Beans', kind: 'retail', unit: 'g', categoryId: null, variants: [] },
      tenant,
    );
    const added = { ...variant('Decaf', 'BEAN-D'), itemId };
    const envelope = makeEnvelope(catalogEvents.variantAdded, added, tenant);
    await h.deliver(catalogEvents.variantAdded, added, tenant, envelope);
    await h.deliver(catalogEvents.variantAdded, added, tenant, envelope);
    expect(await stockItems(tenant)).toEqual([
      expect.objectContaining({ id: added.variantId, unit: 'g', kind: 'retail', sku: 'BEAN-D' }),
    ]);
  });

  it('fails an added variant of an unknown item so that it is retried, and applies it on retry', async () => {
    const tenant = newId();
    const itemId = newId();
    const added = { ...variant('Large'), itemId };
    const envelope = makeEnvelope(catalogEvents.variantAdded, added, tenant);
    await expect(h.deliver(catalogEvents.variantAdded, added, tenant, envelope)).rejects.toThrow(
      /retry later/,
    );
    await h.deliver(
      catalogEvents.itemCreated,
      { itemId, name: 'Tea', kind: 'retail', unit: 'each', categoryId: null, variants: [] },
      tenant,
    );
    await h.deliver(catalogEvents.variantAdded, added, tenant, envelope);
    expect((await stockItems(tenant)).map((s) => s.id)).toEqual([added.variantId]);
  });

  it('follows a variant’s new name and SKU', async () => {
    const tenant = newId();
    const itemId = newId();
    const v = variant('Small', 'S-1');
    await h.deliver(
      catalogEvents.itemCreated,
      { itemId, name: 'Fries', kind: 'retail', unit: 'each', categoryId: null, variants: [v] },
      tenant,
    );
    await h.deliver(
      catalogEvents.variantUpdated,
      { ...v, itemId, name: 'Regular', sku: 'R-1' },
      tenant,
    );
    expect(await stockItems(tenant)).toEqual([
      expect.objectContaining({ variantName: 'Regular', sku: 'R-1' }),
    ]);
  });

  it('follows renames and archiving; an archived item still sells what was rung up', async () => {
    const tenant = newId();
    const store = newId();
    h.stores.set(store, 'warn');
    const itemId = newId();
    const v = variant('Bottle');
    await h.deliver(
      catalogEvents.itemCreated,
      { itemId, name: 'Water', kind: 'retail', unit: 'each', categoryId: null, variants: [v] },
      tenant,
    );
    await h.deliver(
      catalogEvents.itemUpdated,
      { itemId, name: 'Still water', categoryId: null },
      tenant,
    );
    await h.deliver(catalogEvents.itemArchived, { itemId }, tenant);
    expect(await stockItems(tenant)).toEqual([
      expect.objectContaining({ itemName: 'Still water', archived: true }),
    ]);
    const held = await h.api.reserve(h.ctx(tenant), {
      storeId: store,
      lines: [{ variantId: v.variantId, quantity: 1 }],
    });
    expect(held.reservation.status).toBe('active');
  });

  it('keeps each tenant’s stock items to itself', async () => {
    const mine = newId();
    const theirs = newId();
    await h.item(theirs, 'retail');
    expect(await stockItems(mine)).toEqual([]);
  });
});
