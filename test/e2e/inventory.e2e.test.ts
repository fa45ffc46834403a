import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '@stratum/platform';
import type { StratumServer } from '@stratum/server';
import { startTestServer, testEngines, type TestServer } from '@stratum/testing';
import { inventoryClient, inventoryEventLog } from '../support/inventory.ts';

describe.each(testEngines())('inventory through HTTP on %s', (engine) => {
  let t: TestServer;
  let server: StratumServer;
  let c: ReturnType<typeof inventoryClient>;
  let events: ReturnType<typeof inventoryEventLog>;

  beforeAll(async () => {
    t = await startTestServer(engine);
    server = t.server;
    c = inventoryClient(server);
    events = inventoryEventLog(server, `test.inventory-events.${engine}`);
  });
  afterAll(() => t?.close());

  it('registers a catalog item’s variant as a stock item when the catalog announces it', async () => {
    const { token } = await c.tenant();
    const cola = await c.item(token, 'retail', 'Cola');
    expect(await c.ok(200, 'GET', `/stock-items/${cola}`, token)).toMatchObject({
      id: cola,
      itemName: 'Cola',
      kind: 'retail',
      unit: 'each',
      archived: false,
    });
  });

  it('keeps stock as a ledger: movements in, a projected level, and a consistency proof', async () => {
    const { token, stores } = await c.tenant();
    const store = stores[0]!;
    const flour = await c.item(token, 'ingredient', 'Flour', 'g');
    await c.receive(token, store, flour, 5000);
    await c.ok(
      201,
      'POST',
      '/movements',
      token,
      {
        storeId: store,
        kind: 'waste',
        reason: 'bag torn',
        lines: [{ stockItemId: flour, quantity: 250 }],
      },
      c.keyed(),
    );
    expect(await c.level(token, store, flour)).toMatchObject({ onHand: 4750, unit: 'g' });
    const ledger = await c.ok(200, 'GET', `/movements?storeId=${store}&sort=occurredAt`, token);
    expect(ledger.items.map((m) => [m.kind, m.quantity])).toEqual([
      ['receipt', 5000],
      ['waste', -250],
    ]);
    expect(await c.ok(200, 'GET', '/consistency', token)).toEqual({
      consistent: true,
      levelsChecked: 1,
      mismatches: [],
    });
  });

  it('lets a cashier read stock but not adjust it; the kitchen reads nothing', async () => {
    const { token, stores } = await c.tenant();
    const store = stores[0]!;
    const soda = await c.item(token, 'retail', 'Soda');
    await c.receive(token, store, soda, 5);
    const cashier = await c.staff(token, ['cashier']);
    expect(await c.level(cashier, store, soda)).toMatchObject({ onHand: 5 });
    const adjust = await c.call(
      'POST',
      '/movements',
      cashier,
      {
        storeId: store,
        kind: 'adjustment',
        reason: 'found one',
        lines: [{ stockItemId: soda, quantity: 1 }],
      },
      c.keyed(),
    );
    expect(adjust.statusCode).toBe(403);
    expect(adjust.json()).toMatchObject({
      code: 'permission-denied',
      permission: 'inventory:write',
    });
    const kitchen = await c.staff(token, ['kitchen']);
    expect((await c.call('GET', '/levels', kitchen)).statusCode).toBe(403);
    expect((await c.call('GET', '/levels', '')).statusCode).toBe(401);
  });

  it('audits an adjustment with who, when, before, after and the reason', async () => {
    const { tenantId, token, stores } = await c.tenant();
    const store = stores[0]!;
    const manager = await c.staff(token, ['manager']);
    const milk = await c.item(token, 'ingredient', 'Milk', 'ml');
    await c.receive(token, store, milk, 1000);
    await c.ok(
      201,
      'POST',
      '/movements',
      manager,
      {
        storeId: store,
        kind: 'adjustment',
        reason: 'recount after delivery',
        lines: [{ stockItemId: milk, quantity: -200 }],
      },
      c.keyed(),
    );
    const me = await c.ok(200, 'GET', '/api/v1/identity/me', manager);
    const rows = await server.database.transaction(
      async (tx) =>
        rowsOf<Record<string, unknown>>(
          await tx.execute(sql`select action, actor_id, before, after, reason, at
            from inventory.audit_log where action = 'stock.adjustment'`),
        ),
      { tenantId },
    );
    expect(rows).toEqual([
      expect.objectContaining({
        action: 'stock.adjustment',
        actor_id: me.user.id,
        before: { onHand: 1000 },
        after: expect.objectContaining({ onHand: 800, quantity: -200 }),
        reason: 'recount after delivery',
      }),
    ]);
    expect(rows[0]!['at']).toBeTruthy();
  });

  it('answers an adjustment without a reason, and an unknown store, with problems', async () => {
    const { token, stores } = await c.tenant();
    const soda = await c.item(token, 'retail', 'Soda');
    const noReason = await c.call(
      'POST',
      '/movements',
      token,
      {
        storeId: stores[0],
        kind: 'adjustment',
        lines: [{ stockItemId: soda, quantity: 3 }],
      },
      c.keyed(),
    );
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json()).toMatchObject({ code: 'reason-required' });
    const unknownStore = await c.call(
      'POST',
      '/movements',
      token,
      {
        storeId: '01900000-0000-7000-8000-00000000beef',
        kind: 'receipt',
        lines: [{ stockItemId: soda, quantity: 3 }],
      },
      c.keyed(),
    );
    expect(unknownStore.statusCode).toBe(404);
    expect(unknownStore.json()).toMatchObject({ code: 'store-not-found' });
  });

  it('turns a stock count into count-correction movements of the difference', async () => {
    const { token, stores, tenantId } = await c.tenant();
    const store = stores[0]!;
    const eggs = await c.item(token, 'ingredient', 'Eggs');
    await c.receive(token, store, eggs, 60);
    const count = await c.ok(
      201,
      'POST',
      '/counts',
      token,
      { storeId: store, lines: [{ stockItemId: eggs, counted: 54 }] },
      c.keyed(),
    );
    expect(count.lines).toEqual([{ stockItemId: eggs, expected: 60, counted: 54, difference: -6 }]);
    expect(await c.ok(200, 'GET', `/counts/${count.id}`, token)).toEqual(count);
    expect(await c.level(token, store, eggs)).toMatchObject({ onHand: 54 });
    await expect
      .poll(() => events(tenantId, 'inventory.stock-adjusted').map((e) => e.kind))
      .toEqual(['receipt', 'count-correction']);
  });

  it('moves stock between stores: dispatched and in transit, then received', async () => {
    const { token, stores, tenantId } = await c.tenant(['block', 'block']);
    const [from, to] = stores as [string, string];
    const beans = await c.item(token, 'retail', 'Beans');
    await c.receive(token, from, beans, 30);
    const { transfer } = await c.ok(
      201,
      'POST',
      '/transfers',
      token,
      {
        fromStoreId: from,
        toStoreId: to,
        lines: [{ stockItemId: beans, quantity: 12 }],
      },
      c.keyed(),
    );
    expect(transfer.status).toBe('dispatched');
    expect(await c.level(token, from, beans)).toMatchObject({ onHand: 18 });
    expect(await c.level(token, to, beans)).toMatchObject({ onHand: 0, inTransit: 12 });
    const received = await c.ok(200, 'POST', `/transfers/${transfer.id}/receive`, token);
    expect(received.status).toBe('received');
    expect(await c.level(token, to, beans)).toMatchObject({ onHand: 12, inTransit: 0 });
    const again = await c.call('POST', `/transfers/${transfer.id}/receive`, token);
    expect(again.json()).toMatchObject({ status: 409, code: 'transfer-already-received' });
    await expect
      .poll(() => events(tenantId, 'inventory.transfer-received').map((e) => e.transferId))
      .toEqual([transfer.id]);
    expect((await c.ok(200, 'GET', '/consistency', token)).consistent).toBe(true);
  });

  it('refuses to reserve in or transfer to an archived store as a conflict, as other modules do', async () => {
    const { token, stores } = await c.tenant(['block', 'block']);
    const [open, archived] = stores as [string, string];
    const beans = await c.item(token, 'retail', 'Beans');
    await c.receive(token, open, beans, 10);
    await c.ok(200, 'POST', `/api/v1/store-ops/stores/${archived}/archive`, token, {});
    const reservation = await c.call('POST', '/reservations', token, {
      storeId: archived,
      lines: [{ variantId: beans, quantity: 1 }],
    });
    expect([reservation.statusCode, reservation.json().code]).toEqual([409, 'store-archived']);
    const transfer = await c.call(
      'POST',
      '/transfers',
      token,
      {
        fromStoreId: open,
        toStoreId: archived,
        lines: [{ stockItemId: beans, quantity: 1 }],
      },
      c.keyed(),
    );
    expect([transfer.statusCode, transfer.json().code]).toEqual([409, 'store-archived']);
    expect(await c.level(token, open, beans)).toMatchObject({ onHand: 10, inTransit: 0 });
  });

  it('pages stock levels with a cursor, filtered to a store and sorted by on-hand', async () => {
    const { token, stores } = await c.tenant();
    const store = stores[0]!;
    for (const [i, name] of ['Apples', 'Pears', 'Plums'].entries()) {
      await c.receive(token, store, await c.item(token, 'retail', name), (i + 1) * 7);
    }
    const first = await c.ok(200, 'GET', `/levels?storeId=${store}&sort=-onHand&limit=2`, token);
    const second = await c.ok(
      200,
      'GET',
      `/levels?storeId=${store}&sort=-onHand&limit=2&cursor=${first.nextCursor}`,
      token,
    );
    expect([...first.items, ...second.items].map((l) => [l.itemName, l.onHand])).toEqual([
      ['Plums', 21],
      ['Pears', 14],
      ['Apples', 7],
    ]);
    expect(second.nextCursor).toBeNull();
    const bad = await c.call('GET', '/levels?cursor=nonsense', token);
    expect(bad.json()).toMatchObject({ status: 400, code: 'invalid-cursor' });
  });
});
