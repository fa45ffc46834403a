import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@stratum/platform';
import { createTestDatabase, postgresUrl, testEngines } from '@stratum/testing';
import type { OversellPolicy } from '../contract.ts';
import { inventoryHarness, type Harness } from '../test-harness.ts';

describe.each(testEngines())('stock levels, thresholds and lists on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await inventoryHarness(
      engine === 'postgres' ? { postgres: await createTestDatabase(postgresUrl()!) } : {},
    );
  });
  afterAll(() => h?.close());

  async function setUp(policy: OversellPolicy = 'block') {
    const tenant = newId();
    const store = newId();
    h.stores.set(store, policy);
    const item = await h.item(tenant, 'ingredient', { unit: 'g' });
    const ctx = h.ctx(tenant);
    const move = (kind: 'receipt' | 'adjustment' | 'waste', quantity: number, reason?: string) =>
      h.api.recordMovements(
        ctx,
        {
          storeId: store,
          kind,
          ...(reason && { reason }),
          lines: [{ stockItemId: item, quantity }],
        },
        newId(),
      );
    const level = () => h.api.getLevel(ctx, store, item);
    return { tenant, store, item, ctx, move, level };
  }

  describe('low-stock alerts', () => {
    it('fire once when on-hand crosses below the threshold, not again while it stays below', async () => {
      const { tenant, store, item, ctx, move } = await setUp();
      await move('receipt', 12);
      await h.api.setThreshold(ctx, store, item, { threshold: 10 });
      await move('waste', 2, 'x'); // 10: at the threshold, not below
      expect(await h.events(tenant, 'inventory.low-stock')).toEqual([]);
      await move('waste', 1, 'x'); // 9: crossed
      await move('waste', 3, 'x'); // 6: still below
      const alerts = await h.events(tenant, 'inventory.low-stock');
      expect(alerts.map((e) => e.payload)).toEqual([
        expect.objectContaining({
          storeId: store,
          stockItemId: item,
          onHand: 9,
          threshold: 10,
          unit: 'g',
        }),
      ]);
    });

    it('fire again only after on-hand has been back at or above the threshold', async () => {
      const { tenant, store, item, ctx, move } = await setUp();
      await move('receipt', 10);
      await h.api.setThreshold(ctx, store, item, { threshold: 10 });
      await move('waste', 1, 'x'); // 9: alert
      await move('receipt', 1); // 10: recovered
      await move('waste', 1, 'x'); // 9: alert again
      const alerts = await h.events(tenant, 'inventory.low-stock');
      expect(alerts.map((e) => e.payload['onHand'])).toEqual([9, 9]);
      const low = await h.api.listLevels(ctx, { limit: 10, sort: 'onHand', lowStock: true });
      expect(low.items.map((l) => [l.stockItemId, l.lowStock])).toEqual([[item, true]]);
    });

    it('fire when a threshold is set above the stock already on hand', async () => {
      const { tenant, store, item, ctx, move } = await setUp();
      await move('receipt', 3);
      const level = await h.api.setThreshold(ctx, store, item, { threshold: 5 });
      expect(level).toMatchObject({ lowStockThreshold: 5, lowStock: true });
      expect(await h.events(tenant, 'inventory.low-stock')).toHaveLength(1);
      await h.api.setThreshold(ctx, store, item, { threshold: null });
      await move('waste', 1, 'x');
      expect(await h.events(tenant, 'inventory.low-stock')).toHaveLength(1);
    });

    it('do not fire again when only the threshold changes while on-hand stays below it', async () => {
      const { tenant, store, item, ctx, move } = await setUp();
      await move('receipt', 30);
      for (const threshold of [50, 60, null, 50, 40]) {
        await h.api.setThreshold(ctx, store, item, { threshold });
      }
      expect(await h.events(tenant, 'inventory.low-stock')).toHaveLength(1);
      await h.api.setThreshold(ctx, store, item, { threshold: 30 }); // at on-hand: the dip is over
      await move('waste', 1, 'x');
      expect(await h.events(tenant, 'inventory.low-stock')).toHaveLength(2);
    });
  });

  describe('thresholds', () => {
    it('audit a change of threshold, not a threshold set to the value it already has', async () => {
      const { tenant, store, item, ctx, move } = await setUp();
      await move('receipt', 10);
      await h.api.setThreshold(ctx, store, item, { threshold: 5 });
      const again = await h.api.setThreshold(ctx, store, item, { threshold: 5 });
      expect(again).toMatchObject({ onHand: 10, lowStockThreshold: 5, lowStock: false });
      await h.api.setThreshold(ctx, store, item, { threshold: null });
      await h.api.setThreshold(ctx, store, item, { threshold: null });
      const audit = (await h.audit(tenant)).filter((e) => e.action === 'stock.threshold-set');
      expect(audit.map((e) => [e.before, e.after])).toEqual([
        [{ threshold: null }, { threshold: 5 }],
        [{ threshold: 5 }, { threshold: null }],
      ]);
    });
  });

  describe('a single level', () => {
    it('reads as zero for a known store and item that stock has not moved in yet', async () => {
      const { level } = await setUp();
      expect(await level()).toMatchObject({ onHand: 0, reserved: 0, lowStockThreshold: null });
    });

    it('is not found for a store that does not exist, as its threshold is not', async () => {
      const { item, ctx } = await setUp();
      const unknown = newId();
      await expect(h.api.getLevel(ctx, unknown, item)).rejects.toMatchObject({
        code: 'store-not-found',
      });
      await expect(h.api.setThreshold(ctx, unknown, item, { threshold: 1 })).rejects.toMatchObject({
        code: 'store-not-found',
      });
    });
  });

  it('pages levels and movements with cursors, filters and sorts', async () => {
    const { tenant, store, ctx } = await setUp();
    const ids = [
      await h.item(tenant, 'retail'),
      await h.item(tenant, 'retail'),
      await h.item(tenant, 'retail'),
    ];
    for (const [i, stockItemId] of ids.entries()) {
      await h.api.recordMovements(
        ctx,
        {
          storeId: store,
          kind: 'receipt',
          lines: [{ stockItemId, quantity: (3 - i) * 10 }],
        },
        newId(),
      );
    }
    const byStock = async (sort: 'onHand' | '-onHand') => {
      const seen: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await h.api.listLevels(ctx, {
          limit: 2,
          sort,
          storeId: store,
          kind: 'retail',
          ...(cursor && { cursor }),
        });
        seen.push(...page.items.map((l) => l.onHand));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return seen;
    };
    expect(await byStock('onHand')).toEqual([10, 20, 30]);
    expect(await byStock('-onHand')).toEqual([30, 20, 10]);

    const first = await h.api.listMovements(ctx, { limit: 2, sort: '-occurredAt', storeId: store });
    const second = await h.api.listMovements(ctx, {
      limit: 2,
      sort: '-occurredAt',
      storeId: store,
      cursor: first.nextCursor!,
    });
    expect([...first.items, ...second.items].map((m) => m.quantity)).toEqual([10, 20, 30]);
    expect(second.nextCursor).toBeNull();
    const receipts = await h.api.listMovements(ctx, {
      limit: 10,
      sort: 'occurredAt',
      kind: 'waste',
    });
    expect(receipts.items).toEqual([]);
    await expect(
      h.api.listLevels(ctx, { limit: 2, sort: 'onHand', cursor: 'bm90IGEgY3Vyc29y' }),
    ).rejects.toMatchObject({ code: 'invalid-cursor' });
  });

  it('refuses a cursor from another list, or from the same list sorted the other way', async () => {
    const { tenant, store, ctx } = await setUp();
    for (const stockItemId of [await h.item(tenant, 'retail'), await h.item(tenant, 'retail')]) {
      await h.api.recordMovements(
        ctx,
        {
          storeId: store,
          kind: 'receipt',
          lines: [{ stockItemId, quantity: 5 }],
        },
        newId(),
      );
    }
    const movements = await h.api.listMovements(ctx, { limit: 1, sort: '-occurredAt' });
    const levels = await h.api.listLevels(ctx, { limit: 1, sort: 'onHand' });
    const items = await h.api.listStockItems(ctx, { limit: 1, sort: 'createdAt' });
    const cursor = {
      movements: movements.nextCursor!,
      levels: levels.nextCursor!,
      items: items.nextCursor!,
    };
    const refused = [
      () => h.api.listMovements(ctx, { limit: 1, sort: 'occurredAt', cursor: cursor.movements }),
      () => h.api.listStockItems(ctx, { limit: 1, sort: 'createdAt', cursor: cursor.movements }),
      () => h.api.listTransfers(ctx, { limit: 1, sort: '-dispatchedAt', cursor: cursor.movements }),
      () => h.api.listRecipes(ctx, { limit: 1, cursor: cursor.items }),
      () => h.api.listStockItems(ctx, { limit: 1, sort: '-createdAt', cursor: cursor.items }),
      () => h.api.listLevels(ctx, { limit: 1, sort: '-onHand', cursor: cursor.levels }),
    ];
    for (const call of refused)
      await expect(call()).rejects.toMatchObject({ code: 'invalid-cursor' });
    const next = await h.api.listMovements(ctx, {
      limit: 1,
      sort: '-occurredAt',
      cursor: cursor.movements,
    });
    expect(next.items).toHaveLength(1);
  });

  it('shows a caller limited to some stores only the levels of those stores', async () => {
    const { tenant, store, move } = await setUp();
    await move('receipt', 1);
    const other = h.ctx(tenant, [newId()]);
    expect((await h.api.listLevels(other, { limit: 10, sort: 'stockItemId' })).items).toEqual([]);
    await expect(
      h.api.listLevels(other, { limit: 10, sort: 'stockItemId', storeId: store }),
    ).rejects.toMatchObject({ code: 'store-not-allowed' });
  });
});
