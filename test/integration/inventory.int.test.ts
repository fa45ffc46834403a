import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUrl, startTestServer, type TestServer } from '@stratum/testing';
import { inventoryClient } from '../support/inventory.ts';

const ten = Array.from({ length: 10 }, (_, i) => i);

describe.runIf(postgresUrl())('inventory’s stock POSTs under concurrency on PostgreSQL', () => {
  let t: TestServer;
  let c: ReturnType<typeof inventoryClient>;

  beforeAll(async () => {
    t = await startTestServer('postgres');
    c = inventoryClient(t.server);
  });
  afterAll(() => t?.close());

  it('records one batch when ten retries of a receipt race under one Idempotency-Key', async () => {
    const { token, stores } = await c.tenant();
    const store = stores[0]!;
    const flour = await c.item(token, 'ingredient', 'Flour', 'g');
    const body = {
      storeId: store,
      kind: 'receipt',
      lines: [{ stockItemId: flour, quantity: 500 }],
    };
    const results = await Promise.all(
      ten.map(() => c.call('POST', '/movements', token, body, c.keyed('race'))),
    );
    expect(results.map((r) => r.statusCode)).toEqual(ten.map(() => 201));
    expect(results.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(9);
    expect(new Set(results.map((r) => r.body)).size).toBe(1);
    const ledger = await c.ok(200, 'GET', `/movements?storeId=${store}`, token);
    expect(ledger.items).toHaveLength(1);
    expect(await c.level(token, store, flour)).toMatchObject({ onHand: 500 });
  });

  it('counts once when ten retries of a count race under one Idempotency-Key', async () => {
    const { token, stores } = await c.tenant();
    const store = stores[0]!;
    const rice = await c.item(token, 'ingredient', 'Rice', 'g');
    await c.receive(token, store, rice, 900);
    const body = { storeId: store, lines: [{ stockItemId: rice, counted: 850 }] };
    const results = await Promise.all(
      ten.map(() => c.call('POST', '/counts', token, body, c.keyed('race'))),
    );
    expect(results.map((r) => r.statusCode)).toEqual(ten.map(() => 201));
    expect(results.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(9);
    expect(new Set(results.map((r) => r.body)).size).toBe(1);
    const ledger = await c.ok(200, 'GET', `/movements?storeId=${store}`, token);
    expect(ledger.items.map((m) => [m.kind, m.quantity])).toEqual([
      ['count-correction', -50],
      ['receipt', 900],
    ]);
    expect(await c.level(token, store, rice)).toMatchObject({ onHand: 850 });
  });

  it('dispatches one transfer when ten retries race under one Idempotency-Key', async () => {
    const { token, stores } = await c.tenant(['block', 'block']);
    const [from, to] = stores as [string, string];
    const beans = await c.item(token, 'retail', 'Beans');
    await c.receive(token, from, beans, 20);
    const body = { fromStoreId: from, toStoreId: to, lines: [{ stockItemId: beans, quantity: 5 }] };
    const results = await Promise.all(
      ten.map(() => c.call('POST', '/transfers', token, body, c.keyed('race'))),
    );
    expect(results.map((r) => r.statusCode)).toEqual(ten.map(() => 201));
    expect(results.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(9);
    expect(new Set(results.map((r) => r.body)).size).toBe(1);
    expect((await c.ok(200, 'GET', '/transfers', token)).items).toHaveLength(1);
    expect(await c.level(token, from, beans)).toMatchObject({ onHand: 15 });
    expect(await c.level(token, to, beans)).toMatchObject({ inTransit: 5 });
    expect((await c.ok(200, 'GET', '/consistency', token)).consistent).toBe(true);
  });
});
