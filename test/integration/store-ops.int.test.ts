import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StratumServer } from '@stratum/server';
import { postgresUrl, startTestServer, testEngines, type TestServer } from '@stratum/testing';
import { storeOpsClient } from '../support/store-ops.ts';
import { pgStoreOpsStore } from '../../modules/store-ops/src/adapters/postgres/store.ts';

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe.each(testEngines())('receipt numbers in transactions on %s', (engine) => {
  let t: TestServer;
  let server: StratumServer;
  let c: ReturnType<typeof storeOpsClient>;

  beforeAll(async () => {
    t = await startTestServer(engine);
    server = t.server;
    c = storeOpsClient(server);
  });
  afterAll(() => t?.close());

  it('gives a rolled-back allocation’s number to the next receipt: no gap', async () => {
    const { owner, token, register } = await c.tenantWithRegister();
    const url = `/registers/${register.id}/receipt-numbers`;
    expect((await c.ok(201, 'POST', url, token)).number).toBe(1);
    const store = pgStoreOpsStore(server.database, () => {});
    let taken = 0;
    await expect(
      store.inTenant(owner.tenantId, async (repo) => {
        taken = (await repo.takeReceiptNumber(register.id, 'order-x', owner.userId))!.number;
        throw new Error('checkout failed after numbering');
      }),
    ).rejects.toThrow('checkout failed');
    expect(taken).toBe(2);
    expect((await c.ok(201, 'POST', url, token, { reference: 'order-x' })).number).toBe(2);
    expect((await c.ok(201, 'POST', url, token)).number).toBe(3);
  });
});

describe.runIf(postgresUrl())('store-ops under concurrency on PostgreSQL', () => {
  let t: TestServer;
  let c: ReturnType<typeof storeOpsClient>;
  let server: StratumServer;

  beforeAll(async () => {
    t = await startTestServer('postgres', { env: { DATABASE_POOL_SIZE: '16' } });
    server = t.server;
    c = storeOpsClient(server);
  });
  afterAll(() => t?.close());

  it('hands 100 concurrent allocations exactly the numbers 1 to 100', async () => {
    const { token, register } = await c.tenantWithRegister();
    const results = await Promise.all(
      range(100).map(() => c.call('POST', `/registers/${register.id}/receipt-numbers`, token)),
    );
    expect(results.map((r) => r.statusCode)).toEqual(range(100).map(() => 201));
    const numbers = results.map((r) => r.json<{ number: number }>().number).sort((a, b) => a - b);
    expect(numbers).toEqual(range(100));
  });

  it('stays gapless when concurrent allocations roll back', async () => {
    const { owner, token, register } = await c.tenantWithRegister();
    const store = pgStoreOpsStore(server.database, () => {});
    const outcomes = await Promise.allSettled(
      range(40).map((i) =>
        store.inTenant(owner.tenantId, async (repo) => {
          const { number } = (await repo.takeReceiptNumber(register.id, null, owner.userId))!;
          if (i % 2 === 0) throw new Error('rolled back');
          return number;
        }),
      ),
    );
    const kept = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    expect(kept.sort((a, b) => a - b)).toEqual(range(20));
    const next = await c.ok(201, 'POST', `/registers/${register.id}/receipt-numbers`, token);
    expect(next.number).toBe(21);
  });

  it('gives concurrent retries of one reference one number', async () => {
    const { token, register } = await c.tenantWithRegister();
    const results = await Promise.all(
      range(20).map(() =>
        c.ok(201, 'POST', `/registers/${register.id}/receipt-numbers`, token, {
          reference: 'order-42',
        }),
      ),
    );
    expect(new Set(results.map((r) => r.number))).toEqual(new Set([1]));
  });

  it('lets exactly one of 20 concurrent opens of a drawer win; the rest get 409', async () => {
    const { token, register } = await c.tenantWithRegister();
    const results = await Promise.all(
      range(20).map(() =>
        c.call('POST', `/registers/${register.id}/drawer`, token, { openingFloatMinor: 100 }),
      ),
    );
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([201, ...range(19).map(() => 409)]);
    const codes = results
      .filter((r) => r.statusCode === 409)
      .map((r) => r.json<{ code: string }>().code);
    expect(new Set(codes)).toEqual(new Set(['drawer-already-open']));
    const open = await c.ok(200, 'GET', `/drawer-sessions?registerId=${register.id}`, token);
    expect(open.items).toHaveLength(1);
  });

  it('never pays out more than the drawer holds, however many cash-outs race', async () => {
    const { token, register } = await c.tenantWithRegister();
    const session = await c.ok(201, 'POST', `/registers/${register.id}/drawer`, token, {
      openingFloatMinor: 1_000,
    });
    const s = `/drawer-sessions/${session.id}`;
    const results = await Promise.all(
      range(10).map(() =>
        c.call('POST', `${s}/cash-out`, token, { amountMinor: 300, reason: 'x' }, c.keyed()),
      ),
    );
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(3);
    expect((await c.ok(200, 'GET', `${s}/x-report`, token)).expectedCashMinor).toBe(100);
  });

  it('records one cash-out when retries with one Idempotency-Key race', async () => {
    const { token, register } = await c.tenantWithRegister();
    const session = await c.ok(201, 'POST', `/registers/${register.id}/drawer`, token, {
      openingFloatMinor: 1_000,
    });
    const s = `/drawer-sessions/${session.id}`;
    const results = await Promise.all(
      range(10).map(() =>
        c.call('POST', `${s}/cash-out`, token, { amountMinor: 300, reason: 'x' }, c.keyed('race')),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(range(10).map(() => 201));
    expect(new Set(results.map((r) => r.json<{ id: string }>().id)).size).toBe(1);
    expect(results.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(9);
    const ledger = await c.ok(200, 'GET', `${s}/movements?kind=cash-out`, token);
    expect(ledger.items).toHaveLength(1);
    expect((await c.ok(200, 'GET', `${s}/x-report`, token)).expectedCashMinor).toBe(700);
  });

  it('closes a session once when Z closes race, with every racing movement counted or refused', async () => {
    const { token, register } = await c.tenantWithRegister();
    const session = await c.ok(201, 'POST', `/registers/${register.id}/drawer`, token, {
      openingFloatMinor: 0,
    });
    const s = `/drawer-sessions/${session.id}`;
    const [closes, ins] = await Promise.all([
      Promise.all(
        range(5).map(() =>
          c.call('POST', `${s}/close`, token, { countedCashMinor: 0, reason: 'race' }),
        ),
      ),
      Promise.all(
        range(10).map(() =>
          c.call('POST', `${s}/cash-in`, token, { amountMinor: 10, reason: 'y' }, c.keyed()),
        ),
      ),
    ]);
    expect(closes.filter((r) => r.statusCode === 201)).toHaveLength(1);
    const accepted = ins.filter((r) => r.statusCode === 201).length;
    expect(
      ins.filter((r) => r.statusCode !== 201).map((r) => r.json<{ code: string }>().code),
    ).toEqual(range(10 - accepted).map(() => 'drawer-not-open'));
    const z = await c.ok(200, 'GET', `${s}/z-report`, token);
    expect(z.cashInMinor).toBe(accepted * 10);
    expect(z.overShortMinor + accepted * 10).toBe(0);
  });
});
