import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StratumServer } from '@stratum/server';
import { startTestServer, testEngines, type TestServer } from '@stratum/testing';
import { inventoryClient, type Body } from '../support/inventory.ts';

describe.each(testEngines())('the inventory audit log through HTTP on %s', (engine) => {
  let t: TestServer;
  let server: StratumServer;
  let c: ReturnType<typeof inventoryClient>;

  beforeAll(async () => {
    t = await startTestServer(engine);
    server = t.server;
    c = inventoryClient(server);
  });
  afterAll(() => t?.close());

  const adjust = (token: string, storeId: string, stockItemId: string, quantity: number) =>
    c.ok(
      201,
      'POST',
      '/movements',
      token,
      {
        storeId,
        kind: 'adjustment',
        reason: 'recount after delivery',
        lines: [{ stockItemId, quantity }],
      },
      c.keyed(),
    );

  const userId = async (token: string) =>
    (await c.ok(200, 'GET', '/api/v1/identity/me', token)).user.id;

  /** Every entry of the list the query names, page by page of `limit`. */
  const walk = async (token: string, query: string, limit: number) => {
    const pages: Body[][] = [];
    let cursor: string | null = null;
    do {
      const after: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = await c.ok(200, 'GET', `/audit?limit=${limit}${query}${after}`, token);
      pages.push(page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return pages;
  };

  /** Waits until the clock has moved past `ms`, so what comes next is written later. */
  const pastMillisecond = async (ms: number) => {
    await expect.poll(() => Date.now(), { interval: 1 }).toBeGreaterThan(ms);
    return new Date().toISOString();
  };

  it('shows an owner a stock adjustment: who, when, on hand before and after, and the reason', async () => {
    const { token, stores } = await c.tenant();
    const store = stores[0]!;
    const manager = await c.staff(token, ['manager']);
    const milk = await c.item(token, 'ingredient', 'Milk', 'ml');
    await c.receive(token, store, milk, 1000);
    const { batchId } = await adjust(manager, store, milk, -200);
    const page = await c.ok(200, 'GET', '/audit', token);
    expect(page.nextCursor).toBeNull();
    expect(page.items).toEqual([
      {
        id: expect.any(String),
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        actorId: await userId(manager),
        action: 'stock.adjustment',
        entityType: 'stock-level',
        entityId: `${store}/${milk}`,
        before: { onHand: 1000 },
        after: { onHand: 800, quantity: -200, batchId },
        reason: 'recount after delivery',
        requestId: expect.any(String),
      },
      expect.objectContaining({
        actorId: await userId(token),
        action: 'stock.receipt',
        entityId: `${store}/${milk}`,
        before: { onHand: 0 },
        after: expect.objectContaining({ onHand: 1000, quantity: 1000 }),
        reason: null,
      }),
    ]);
  });

  it('narrows the list by entity, action, actor and time', async () => {
    const { token, stores } = await c.tenant();
    const store = stores[0]!;
    const manager = await c.staff(token, ['manager']);
    const flour = await c.item(token, 'ingredient', 'Flour', 'g');
    const sugar = await c.item(token, 'ingredient', 'Sugar', 'g');
    await c.receive(token, store, flour, 500);
    await adjust(manager, store, sugar, 40);
    const adjusted = (await c.ok(200, 'GET', '/audit', token)).items[0]!;
    const between = await pastMillisecond(Date.parse(adjusted.at as string));
    await c.ok(200, 'PUT', `/levels/${store}/${flour}/threshold`, manager, { threshold: 100 });

    const actions = async (query: string) =>
      (await c.ok(200, 'GET', `/audit?${query}`, token)).items.map((e) => e.action);
    expect(await actions('')).toEqual(['stock.threshold-set', 'stock.adjustment', 'stock.receipt']);
    expect(await actions(`entityType=stock-level&entityId=${store}/${flour}`)).toEqual([
      'stock.threshold-set',
      'stock.receipt',
    ]);
    expect(await actions('entityType=recipe')).toEqual([]);
    expect(await actions('action=stock.adjustment')).toEqual(['stock.adjustment']);
    expect(await actions(`actorId=${await userId(manager)}`)).toEqual([
      'stock.threshold-set',
      'stock.adjustment',
    ]);
    expect(await actions(`from=${between}`)).toEqual(['stock.threshold-set']);
    expect(await actions(`to=${between}`)).toEqual(['stock.adjustment', 'stock.receipt']);
    expect(await actions('sort=at')).toEqual([
      'stock.receipt',
      'stock.adjustment',
      'stock.threshold-set',
    ]);
  });

  it('walks every entry with a limit of 1, in both directions, none skipped or repeated', async () => {
    const { token, stores } = await c.tenant();
    const store = stores[0]!;
    const eggs = await c.item(token, 'ingredient', 'Eggs');
    // One batch of two lines writes two entries in one transaction.
    const oil = await c.item(token, 'ingredient', 'Oil', 'ml');
    await c.ok(
      201,
      'POST',
      '/movements',
      token,
      {
        storeId: store,
        kind: 'receipt',
        lines: [
          { stockItemId: eggs, quantity: 60 },
          { stockItemId: oil, quantity: 900 },
        ],
      },
      c.keyed(),
    );
    await adjust(token, store, eggs, -6);
    await adjust(token, store, oil, -100);
    const all = (await c.ok(200, 'GET', '/audit', token)).items.map((e) => e.id);
    expect(all).toHaveLength(4);

    const newestFirst = await walk(token, '', 1);
    expect(newestFirst.map((p) => p.length)).toEqual([1, 1, 1, 1]);
    expect(newestFirst.flat().map((e) => e.id)).toEqual(all);
    const oldestFirst = await walk(token, '&sort=at', 1);
    expect(oldestFirst.flat().map((e) => e.id)).toEqual([...all].reverse());
    const adjustments = await walk(token, '&action=stock.adjustment', 1);
    expect(adjustments.flat().map((e) => e.id)).toEqual(all.slice(0, 2));
  });

  it('refuses a cursor issued by another list, or for the other direction, as a 400 problem', async () => {
    const { token, stores } = await c.tenant();
    const store = stores[0]!;
    const tea = await c.item(token, 'retail', 'Tea');
    await c.receive(token, store, tea, 5);
    await c.receive(token, store, tea, 5);
    const movements = await c.ok(200, 'GET', '/movements?limit=1', token);
    const audit = await c.ok(200, 'GET', '/audit?limit=1', token);
    expect([movements.nextCursor, audit.nextCursor]).toEqual([
      expect.any(String),
      expect.any(String),
    ]);
    for (const url of [
      `/audit?cursor=${movements.nextCursor}`,
      `/audit?sort=at&cursor=${audit.nextCursor}`,
      '/audit?cursor=not-a-cursor',
    ]) {
      const res = await c.call('GET', url, token);
      expect([url, res.statusCode, res.json().code]).toEqual([url, 400, 'invalid-cursor']);
    }
  });

  it('is closed to cashiers', async () => {
    const { token, stores } = await c.tenant();
    await c.receive(token, stores[0]!, await c.item(token, 'retail', 'Soda'), 5);
    const cashier = await c.staff(token, ['cashier']);
    const res = await c.call('GET', '/audit', cashier);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'permission-denied', permission: 'inventory:audit' });
  });

  it('shows staff limited to one store only the entries about that store', async () => {
    const { token, stores } = await c.tenant(['block', 'block']);
    const [mine, theirs] = stores as [string, string];
    const soup = await c.item(token, 'menu', 'Soup');
    const leek = await c.item(token, 'ingredient', 'Leek');
    await c.receive(token, mine, leek, 10);
    await c.receive(token, theirs, leek, 20);
    await c.ok(200, 'PUT', `/recipes/${soup}`, token, {
      components: [{ stockItemId: leek, quantity: 1 }],
    });

    const entities = (page: Body) => page.items.map((e) => e.entityId);
    expect(entities(await c.ok(200, 'GET', '/audit', token))).toEqual([
      soup,
      `${theirs}/${leek}`,
      `${mine}/${leek}`,
    ]);
    const scoped = await c.staff(token, ['manager'], [mine]);
    // The recipe is the tenant's, not a store's: only unrestricted staff see its entry.
    expect(entities(await c.ok(200, 'GET', '/audit', scoped))).toEqual([`${mine}/${leek}`]);
    const asked = await c.ok(200, 'GET', `/audit?entityId=${theirs}/${leek}`, scoped);
    expect(asked.items).toEqual([]);
  });

  it('never shows one tenant another tenant’s entries', async () => {
    const a = await c.tenant();
    const b = await c.tenant();
    const rice = await c.item(a.token, 'retail', 'Rice');
    const beans = await c.item(b.token, 'retail', 'Beans');
    await c.receive(a.token, a.stores[0]!, rice, 3);
    await c.receive(b.token, b.stores[0]!, beans, 4);
    const seenByA = await c.ok(200, 'GET', '/audit', a.token);
    expect(seenByA.items.map((e) => e.entityId)).toEqual([`${a.stores[0]}/${rice}`]);
    const seenByB = await c.ok(200, 'GET', '/audit', b.token);
    expect(seenByB.items.map((e) => e.entityId)).toEqual([`${b.stores[0]}/${beans}`]);
    const asked = await c.ok(200, 'GET', `/audit?entityId=${b.stores[0]}/${beans}`, a.token);
    expect(asked.items).toEqual([]);
  });
});
