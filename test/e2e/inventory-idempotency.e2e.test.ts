import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testEngines, type TestServer } from '@stratum/testing';
import { inventoryClient } from '../support/inventory.ts';

describe.each(testEngines())('Idempotency-Keys of inventory’s stock POSTs on %s', (engine) => {
  let t: TestServer;
  let c: ReturnType<typeof inventoryClient>;

  beforeAll(async () => {
    t = await startTestServer(engine);
    c = inventoryClient(t.server);
  });
  afterAll(() => t?.close());

  const receipt = (storeId: string, stockItemId: string, quantity: number) => ({
    storeId,
    kind: 'receipt',
    reference: 'delivery note 7',
    lines: [{ stockItemId, quantity }],
  });

  it('refuses to move, count or dispatch stock without an Idempotency-Key', async () => {
    const { token, stores } = await c.tenant(['block', 'block']);
    const [from, to] = stores as [string, string];
    const beans = await c.item(token, 'retail', 'Beans');
    await c.receive(token, from, beans, 10);
    const answers = [
      await c.call('POST', '/movements', token, receipt(from, beans, 5)),
      await c.call('POST', '/transfers', token, {
        fromStoreId: from,
        toStoreId: to,
        lines: [{ stockItemId: beans, quantity: 1 }],
      }),
      await c.call('POST', '/counts', token, {
        storeId: from,
        lines: [{ stockItemId: beans, counted: 4 }],
      }),
    ];
    for (const res of answers) {
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ status: 400, code: 'idempotency-key-required' });
    }
    expect(await c.level(token, from, beans)).toMatchObject({ onHand: 10, inTransit: 0 });
    expect(await c.level(token, to, beans)).toMatchObject({ onHand: 0, inTransit: 0 });
    expect((await c.ok(200, 'GET', `/movements?storeId=${from}`, token)).items).toHaveLength(1);
  });

  it('records a receipt once per key, replays it to a retry and refuses another request under it', async () => {
    const { token, stores } = await c.tenant();
    const store = stores[0]!;
    const milk = await c.item(token, 'ingredient', 'Milk', 'ml');
    const body = receipt(store, milk, 2_000);
    const first = await c.call('POST', '/movements', token, body, c.keyed('delivery-7'));
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const retry = await c.call('POST', '/movements', token, body, c.keyed('delivery-7'));
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expect(retry.body).toBe(first.body);
    expect(await c.level(token, store, milk)).toMatchObject({ onHand: 2_000 });

    for (const other of [
      receipt(store, milk, 2_001),
      { ...body, reference: 'delivery note 8' },
      { ...body, kind: 'waste', reason: 'sour' },
    ]) {
      const res = await c.call('POST', '/movements', token, other, c.keyed('delivery-7'));
      expect([res.statusCode, res.json().code]).toEqual([422, 'idempotency-key-reused']);
    }
    const ledger = await c.ok(200, 'GET', `/movements?storeId=${store}`, token);
    expect(ledger.items.map((m) => [m.batchId, m.quantity])).toEqual([
      [first.json().batchId, 2_000],
    ]);
    expect(await c.level(token, store, milk)).toMatchObject({ onHand: 2_000 });
  });

  it('counts once per key: a retry after a sale replays the count and keeps the sale', async () => {
    const { token, stores } = await c.tenant();
    const store = stores[0]!;
    const buns = await c.item(token, 'retail', 'Buns');
    await c.receive(token, store, buns, 40);
    const body = {
      storeId: store,
      note: 'closing count',
      lines: [{ stockItemId: buns, counted: 36 }],
    };
    const first = await c.call('POST', '/counts', token, body, c.keyed('close-1'));
    expect([first.statusCode, first.headers['idempotent-replayed']]).toEqual([201, undefined]);
    expect(first.json().lines).toEqual([
      { stockItemId: buns, expected: 40, counted: 36, difference: -4 },
    ]);

    const { reservation } = await c.ok(201, 'POST', '/reservations', token, {
      storeId: store,
      lines: [{ variantId: buns, quantity: 5 }],
    });
    await c.ok(200, 'POST', `/reservations/${reservation.id}/confirm`, token);
    expect(await c.level(token, store, buns)).toMatchObject({ onHand: 31 });

    const retry = await c.call('POST', '/counts', token, body, c.keyed('close-1'));
    expect([retry.statusCode, retry.headers['idempotent-replayed']]).toEqual([201, 'true']);
    expect(retry.body).toBe(first.body);
    expect(await c.level(token, store, buns)).toMatchObject({ onHand: 31 });

    const reused = await c.call(
      'POST',
      '/counts',
      token,
      { ...body, lines: [{ stockItemId: buns, counted: 31 }] },
      c.keyed('close-1'),
    );
    expect(reused.statusCode).toBe(422);
    expect(reused.headers['content-type']).toContain('application/problem+json');
    expect(reused.json()).toMatchObject({ status: 422, code: 'idempotency-key-reused' });
    const corrections = await c.ok(
      200,
      'GET',
      `/movements?storeId=${store}&kind=count-correction`,
      token,
    );
    expect(corrections.items.map((m) => [m.batchId, m.quantity])).toEqual([
      [first.json().batchId, -4],
    ]);
    expect(await c.level(token, store, buns)).toMatchObject({ onHand: 31 });
    expect((await c.ok(200, 'GET', '/consistency', token)).consistent).toBe(true);
  });

  it('lets another tenant use the same key for a request of its own', async () => {
    const mine = await c.tenant();
    const theirs = await c.tenant();
    const [myTea, theirTea] = [
      await c.item(mine.token, 'retail', 'Tea'),
      await c.item(theirs.token, 'retail', 'Tea'),
    ];
    const a = await c.call(
      'POST',
      '/movements',
      mine.token,
      receipt(mine.stores[0]!, myTea, 3),
      c.keyed('monday'),
    );
    const b = await c.call(
      'POST',
      '/movements',
      theirs.token,
      receipt(theirs.stores[0]!, theirTea, 9),
      c.keyed('monday'),
    );
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(b.json().batchId).not.toBe(a.json().batchId);
    expect(await c.level(mine.token, mine.stores[0]!, myTea)).toMatchObject({ onHand: 3 });
    expect(await c.level(theirs.token, theirs.stores[0]!, theirTea)).toMatchObject({ onHand: 9 });
  });

  it('dispatches a transfer once per key and replays it, even after it was received', async () => {
    const { token, stores } = await c.tenant(['block', 'block']);
    const [from, to] = stores as [string, string];
    const beans = await c.item(token, 'retail', 'Beans');
    await c.receive(token, from, beans, 30);
    const body = {
      fromStoreId: from,
      toStoreId: to,
      lines: [{ stockItemId: beans, quantity: 12 }],
    };
    const first = await c.call('POST', '/transfers', token, body, c.keyed('van-1'));
    expect([first.statusCode, first.headers['idempotent-replayed']]).toEqual([201, undefined]);
    const { transfer } = first.json();
    await c.ok(200, 'POST', `/transfers/${transfer.id}/receive`, token);
    const retry = await c.call('POST', '/transfers', token, body, c.keyed('van-1'));
    expect([retry.statusCode, retry.headers['idempotent-replayed']]).toEqual([201, 'true']);
    expect(retry.body).toBe(first.body);
    expect(retry.json().transfer.status).toBe('dispatched');

    const reused = await c.call(
      'POST',
      '/transfers',
      token,
      { ...body, lines: [{ stockItemId: beans, quantity: 13 }] },
      c.keyed('van-1'),
    );
    expect([reused.statusCode, reused.json().code]).toEqual([422, 'idempotency-key-reused']);
    expect(await c.level(token, from, beans)).toMatchObject({ onHand: 18 });
    expect(await c.level(token, to, beans)).toMatchObject({ onHand: 12, inTransit: 0 });
    const all = await c.ok(200, 'GET', '/transfers', token);
    expect(all.items.map((x) => x.id)).toEqual([transfer.id]);
  });
});
