import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@stratum/platform';
import { createTestDatabase, postgresUrl } from '@stratum/testing';
import { inventoryHarness, type Harness } from '../../test-harness.ts';

// Real concurrency needs several connections: PGlite has one, so this runs on PostgreSQL.
describe.runIf(postgresUrl())('concurrent stock writers on PostgreSQL', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await inventoryHarness({
      postgres: await createTestDatabase(postgresUrl()!),
      poolSize: 20,
    });
  });
  afterAll(() => h?.close());

  async function storeWith(onHand: number, policy: 'block' | 'warn' = 'block') {
    const tenant = newId();
    const store = newId();
    h.stores.set(store, policy);
    const item = await h.item(tenant, 'retail');
    const ctx = h.ctx(tenant);
    if (onHand > 0) {
      await h.api.recordMovements(
        ctx,
        {
          storeId: store,
          kind: 'receipt',
          lines: [{ stockItemId: item, quantity: onHand }],
        },
        newId(),
      );
    }
    return { store, item, ctx };
  }

  it('lets exactly 10 of 50 concurrent one-unit reservations through against 10 on hand', async () => {
    const { store, item, ctx } = await storeWith(10);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        h.api.reserve(ctx, { storeId: store, lines: [{ variantId: item, quantity: 1 }] }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.flatMap((r) =>
      r.status === 'rejected' ? [r.reason as { code?: string }] : [],
    );
    expect(won).toHaveLength(10);
    expect(lost).toHaveLength(40);
    expect(new Set(lost.map((e) => e.code))).toEqual(new Set(['insufficient-stock']));
    expect(await h.api.getLevel(ctx, store, item)).toMatchObject({
      onHand: 10,
      reserved: 10,
      available: 0,
    });
    expect(await h.api.checkConsistency(ctx, { storeId: store })).toMatchObject({
      consistent: true,
    });
  });

  it('holds all 50 concurrent reservations under warn, warning each one past the stock once', async () => {
    const { store, item, ctx } = await storeWith(10, 'warn');
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        h.api.reserve(ctx, { storeId: store, lines: [{ variantId: item, quantity: 1 }] }),
      ),
    );
    // Each hold saw the level the holds before it left: 10 found stock, and the
    // other 40 found 0, -1, … -39 available — no two the same, none lost.
    const warned = results.flatMap((r) => r.warnings);
    expect(warned).toHaveLength(40);
    expect(warned.map((w) => w.available).sort((a, b) => b - a)).toEqual([
      0,
      ...Array.from({ length: 39 }, (_, i) => -(i + 1)),
    ]);
    expect(await h.api.getLevel(ctx, store, item)).toMatchObject({
      onHand: 10,
      reserved: 50,
      available: -40,
    });
  });

  it('keeps the projection equal to the ledger under concurrent receipts, waste and sales', async () => {
    const { store, item, ctx } = await storeWith(0);
    const writes = Array.from({ length: 40 }, async (_, i) => {
      if (i % 4 === 3) {
        const { reservation } = await h.api.reserve(ctx, {
          storeId: store,
          lines: [{ variantId: item, quantity: 1 }],
        });
        await h.api.confirmReservation(ctx, reservation.id);
        return;
      }
      await h.api.recordMovements(
        ctx,
        {
          storeId: store,
          kind: i % 4 === 2 ? 'waste' : 'receipt',
          reason: 'spoiled',
          lines: [{ stockItemId: item, quantity: 1 }],
        },
        newId(),
      );
    });
    await Promise.allSettled(writes);
    const report = await h.api.checkConsistency(ctx, { storeId: store });
    expect(report).toEqual({ consistent: true, levelsChecked: 1, mismatches: [] });
    const level = await h.api.getLevel(ctx, store, item);
    expect(level.onHand).toBeGreaterThanOrEqual(0);
    expect(level.reserved).toBe(0);
  });

  it('creates a level once when many writers touch a new store and item at the same moment', async () => {
    const { item, ctx } = await storeWith(0);
    const store = newId();
    h.stores.set(store, 'warn');
    await Promise.all(
      Array.from({ length: 20 }, () =>
        h.api.recordMovements(
          ctx,
          {
            storeId: store,
            kind: 'receipt',
            lines: [{ stockItemId: item, quantity: 2 }],
          },
          newId(),
        ),
      ),
    );
    const levels = await h.api.listLevels(ctx, { limit: 50, sort: 'stockItemId', storeId: store });
    expect(levels.items.map((l) => l.onHand)).toEqual([40]);
  });

  it('records one batch when ten retries of a receipt race under one Idempotency-Key', async () => {
    const { store, item, ctx } = await storeWith(0);
    const input = {
      storeId: store,
      kind: 'receipt' as const,
      lines: [{ stockItemId: item, quantity: 7 }],
    };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => h.api.recordMovements(ctx, input, 'delivery-race')),
    );
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(results.map((r) => r.batchId)).size).toBe(1);
    const { replayed: _, ...first } = results.find((r) => !r.replayed)!;
    for (const r of results) expect(r).toEqual({ ...first, replayed: r.replayed });
    expect(await h.api.getLevel(ctx, store, item)).toMatchObject({ onHand: 7 });
    const ledger = await h.api.listMovements(ctx, {
      storeId: store,
      limit: 50,
      sort: 'occurredAt',
    });
    expect(ledger.items.map((m) => m.batchId)).toEqual([first.batchId]);
  });

  it('dispatches one transfer when ten retries race under one Idempotency-Key', async () => {
    const { store, item, ctx } = await storeWith(10);
    const to = newId();
    h.stores.set(to, 'block');
    const input = {
      fromStoreId: store,
      toStoreId: to,
      lines: [{ stockItemId: item, quantity: 4 }],
    };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => h.api.dispatchTransfer(ctx, input, 'transfer-race')),
    );
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(results.map((r) => r.transfer.id)).size).toBe(1);
    expect(await h.api.getLevel(ctx, store, item)).toMatchObject({ onHand: 6 });
    expect(await h.api.getLevel(ctx, to, item)).toMatchObject({ inTransit: 4 });
    const transfers = await h.api.listTransfers(ctx, { limit: 50, sort: 'dispatchedAt' });
    expect(transfers.items.map((t) => t.id)).toEqual([results[0]!.transfer.id]);
    expect(await h.api.checkConsistency(ctx, {})).toMatchObject({ consistent: true });
  });
});
