import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@stratum/platform';
import { createTestDatabase, postgresUrl, testEngines } from '@stratum/testing';
import type { OversellPolicy } from '../contract.ts';
import { inventoryHarness, type Harness } from '../test-harness.ts';

describe.each(testEngines())('stock movements, thresholds and counts on %s', (engine) => {
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

  it('writes receipts, adjustments and waste as signed movements and projects their sum', async () => {
    const { move, level } = await setUp();
    await move('receipt', 500);
    await move('adjustment', -20, 'spilled');
    const waste = await move('waste', 30, 'expired');
    expect(waste.movements).toEqual([
      expect.objectContaining({
        kind: 'waste',
        quantity: -30,
        onHandAfter: 450,
        reason: 'expired',
      }),
    ]);
    expect(await level()).toMatchObject({ onHand: 450, reserved: 0, available: 450 });
  });

  it('refuses an adjustment without a reason', async () => {
    const { move } = await setUp();
    await expect(move('adjustment', 5)).rejects.toMatchObject({ code: 'reason-required' });
  });

  it('never lets stock go below zero silently: block refuses, warn warns, allow-with-alert alerts', async () => {
    const blocked = await setUp('block');
    await blocked.move('receipt', 10);
    await expect(blocked.move('waste', 11, 'dropped')).rejects.toMatchObject({
      code: 'insufficient-stock',
    });
    expect(await blocked.level()).toMatchObject({ onHand: 10 });

    const warned = await setUp('warn');
    const w = await warned.move('adjustment', -4, 'theft');
    expect(w.warnings).toEqual([expect.objectContaining({ requested: 4, available: 0 })]);
    expect(await warned.level()).toMatchObject({ onHand: -4 });
    expect(await h.events(warned.tenant, 'inventory.oversold')).toEqual([]);

    const alerted = await setUp('allow-with-alert');
    await alerted.move('waste', 2, 'broken');
    const [alert] = await h.events(alerted.tenant, 'inventory.oversold');
    expect(alert?.payload).toMatchObject({
      source: 'movement',
      lines: [{ requested: 2, available: 0 }],
    });
  });

  it('does not let a removal under block take stock that is held for a sale', async () => {
    const { store, item, ctx, move } = await setUp('block');
    await move('receipt', 5);
    await h.api.reserve(ctx, { storeId: store, lines: [{ variantId: item, quantity: 4 }] });
    await expect(move('waste', 2, 'dropped')).rejects.toMatchObject({ code: 'insufficient-stock' });
  });

  it('refuses stock movements on menu items, which hold no stock', async () => {
    const { tenant, store, ctx } = await setUp();
    const burger = await h.item(tenant, 'menu');
    await expect(
      h.api.recordMovements(
        ctx,
        {
          storeId: store,
          kind: 'receipt',
          lines: [{ stockItemId: burger, quantity: 1 }],
        },
        newId(),
      ),
    ).rejects.toMatchObject({ code: 'stock-item-not-stocked' });
  });

  it('audits every manual change with who, before, after and why', async () => {
    const { tenant, store, item, ctx, move } = await setUp();
    await move('receipt', 100);
    await move('adjustment', -7, 'found damaged');
    const entries = await h.audit(tenant);
    expect(entries.map((e) => e.action)).toEqual(['stock.receipt', 'stock.adjustment']);
    expect(entries[1]).toMatchObject({
      entityType: 'stock-level',
      entityId: `${store}/${item}`,
      actorId: ctx.actor.id,
      before: { onHand: 100 },
      after: expect.objectContaining({ onHand: 93, quantity: -7 }),
      reason: 'found damaged',
    });
    expect(entries[1]!.at).toBeInstanceOf(Date);
  });

  it('publishes inventory.stock-adjusted with the batch', async () => {
    const { tenant, store, item, move } = await setUp();
    const batch = await move('receipt', 12);
    const [event] = await h.events(tenant, 'inventory.stock-adjusted');
    expect(event?.payload).toEqual({
      batchId: batch.batchId,
      storeId: store,
      kind: 'receipt',
      reason: null,
      lines: [{ stockItemId: item, quantity: 12, onHandAfter: 12 }],
    });
  });

  it('turns a count into count-correction movements of the difference, skipping matches', async () => {
    const { tenant, store, item, ctx, move, level } = await setUp();
    const other = await h.item(tenant, 'retail');
    await move('receipt', 40);
    const { replayed, ...count } = await h.api.recordCount(
      ctx,
      {
        storeId: store,
        note: 'monthly count',
        lines: [
          { stockItemId: item, counted: 36 },
          { stockItemId: other, counted: 0 },
        ],
      },
      'monthly-count',
    );
    expect(replayed).toBe(false);
    expect(count.lines).toEqual([
      { stockItemId: item, expected: 40, counted: 36, difference: -4 },
      { stockItemId: other, expected: 0, counted: 0, difference: 0 },
    ]);
    const movements = await h.api.listMovements(ctx, {
      limit: 50,
      sort: 'occurredAt',
      batchId: count.batchId,
    });
    expect(movements.items.map((m) => [m.kind, m.quantity, m.referenceId])).toEqual([
      ['count-correction', -4, count.id],
    ]);
    expect(await level()).toMatchObject({ onHand: 36 });
    expect(await h.api.getCount(ctx, count.id)).toEqual(count);
    const audit = await h.audit(tenant);
    expect(audit.at(-1)).toMatchObject({
      action: 'stock.count-correction',
      reason: 'monthly count',
    });
  });

  it('proves the projection equals the ledger, and reports a level that drifted from it', async () => {
    const { tenant, store, item, ctx, move } = await setUp();
    await move('receipt', 25);
    await move('waste', 5, 'x');
    expect(await h.api.checkConsistency(ctx, { storeId: store })).toEqual({
      consistent: true,
      levelsChecked: 1,
      mismatches: [],
    });
    // Someone overwrites the quantity behind the ledger's back.
    await h.database.transaction(
      (tx) =>
        tx.execute(
          sql`update inventory.levels set on_hand = 99 where store_id = ${store} and stock_item_id = ${item}`,
        ),
      { tenantId: tenant },
    );
    expect(await h.api.checkConsistency(ctx, {})).toEqual({
      consistent: false,
      levelsChecked: 1,
      mismatches: [
        { storeId: store, stockItemId: item, field: 'onHand', projected: 99, expected: 20 },
      ],
    });
  });

  it('cannot update or delete a movement: the ledger is append-only', async () => {
    const { tenant, move } = await setUp();
    await move('receipt', 1);
    const attempt = (statement: ReturnType<typeof sql>) =>
      h.database.transaction((tx) => tx.execute(statement), { tenantId: tenant });
    await expect(attempt(sql`update inventory.movements set quantity = 2`)).rejects.toThrow();
    await expect(attempt(sql`delete from inventory.movements`)).rejects.toThrow();
  });
});
