import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '@stratum/platform';
import { createTestDatabase, postgresUrl, testEngines } from '@stratum/testing';
import { orderingHarness, type Harness, type Shop } from '../test-harness.ts';

describe.each(testEngines())('reading orders on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await orderingHarness(
      engine === 'postgres' ? { postgres: await createTestDatabase(postgresUrl()!) } : {},
    );
  });
  afterAll(() => h?.close());

  const open = (s: Shop, extra: Record<string, unknown> = {}) =>
    h.api.createOrder(s.cashier.ctx, {
      storeId: s.storeId,
      registerId: s.registerId,
      fulfilment: { type: 'dine-in', tableId: '4' },
      ...extra,
    });

  it('lists orders newest first by store, register and status, one page at a time', async () => {
    const s = h.shop();
    const otherRegister = h.stores.addRegister(s.storeId);
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      h.clock.advance(1000);
      const o = await open(s, i % 2 ? { registerId: otherRegister } : {});
      ids.push(o.orderId);
    }
    await h.api.voidOrder(s.cashier.ctx, ids[0]!, { reason: 'mistake' });
    const ctx = s.cashier.ctx;
    const first = await h.api.listOrders(ctx, { storeId: s.storeId, limit: 2 });
    expect(first.items.map((o) => o.orderId)).toEqual([ids[4], ids[3]]);
    const second = await h.api.listOrders(ctx, {
      storeId: s.storeId,
      limit: 2,
      cursor: first.nextCursor!,
    });
    const third = await h.api.listOrders(ctx, {
      storeId: s.storeId,
      limit: 2,
      cursor: second.nextCursor!,
    });
    expect(second.items.map((o) => o.orderId)).toEqual([ids[2], ids[1]]);
    expect(third).toEqual({
      items: [expect.objectContaining({ orderId: ids[0] })],
      nextCursor: null,
    });
    const byRegister = await h.api.listOrders(ctx, { registerId: otherRegister, limit: 10 });
    expect(byRegister.items.map((o) => o.orderId)).toEqual([ids[3], ids[1]]);
    const voided = await h.api.listOrders(ctx, { storeId: s.storeId, status: 'voided', limit: 10 });
    expect(voided.items).toEqual([
      expect.objectContaining({ orderId: ids[0], status: 'voided', lineCount: 0, total: 0 }),
    ]);
    const oldestFirst = await h.api.listOrders(ctx, {
      storeId: s.storeId,
      status: 'open',
      sort: 'createdAt',
      limit: 10,
    });
    expect(oldestFirst.items.map((o) => o.orderId)).toEqual(ids.slice(1));
    await expect(
      h.api.listOrders(ctx, { storeId: s.storeId, limit: 2, cursor: 'bm9wZQ' }),
    ).rejects.toMatchObject({ code: 'invalid-cursor' });
    // A page's cursor goes on in its own direction only: the other one would skip orders.
    const newest = await h.api.listOrders(ctx, { storeId: s.storeId, limit: 1 });
    const next = newest.nextCursor!;
    expect(
      (await h.api.listOrders(ctx, { storeId: s.storeId, limit: 1, cursor: next })).items,
    ).toHaveLength(1);
    await expect(
      h.api.listOrders(ctx, { storeId: s.storeId, sort: 'createdAt', limit: 1, cursor: next }),
    ).rejects.toMatchObject({ code: 'invalid-cursor' });
  });

  it('keeps one business’s orders from another, in the code and in the database', async () => {
    const a = h.shop();
    const b = h.shop();
    const { orderId } = await open(a);
    await expect(h.api.getOrder(b.manager.ctx, orderId)).rejects.toMatchObject({
      code: 'order-not-found',
    });
    expect((await h.api.listOrders(b.manager.ctx, { limit: 50 })).items).toEqual([]);
    // Row-level security: a query with no tenant filter at all sees only its own tenant.
    const seen = await h.database.transaction(
      async (tx) =>
        rowsOf<{ id: string }>(await tx.execute(sql`select id from ordering.orders`)).map(
          (r) => r.id,
        ),
      { tenantId: b.tenant },
    );
    expect(seen).not.toContain(orderId);
    await expect(
      h.database.transaction(
        (tx) =>
          tx.execute(
            sql`update ordering.orders set notes = 'x' where id = ${orderId} returning id`,
          ),
        { tenantId: b.tenant },
      ),
    ).resolves.toMatchObject({ rows: [] });
  });
});
