import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { newId, type StratumApp } from '@stratum/platform';
import {
  createTestDatabase,
  postgresUrl,
  startCardProcessor,
  testEngines,
  type RunningCardProcessor,
} from '@stratum/testing';
import { cardSale, paymentsHarness, type Harness } from '../../test-harness.ts';
import { pgIdempotencyStore } from './idempotency-store.ts';
import { idempotencyKeys } from './schema.ts';

let processor: RunningCardProcessor;
beforeAll(async () => {
  processor = await startCardProcessor();
});
afterAll(() => processor?.stop());

const hours = 60 * 60_000;
const retentionMs = 24 * hours;
/** The scope the HTTP routes keep their keys under. */
const scope = 'payments-http';

describe.each(testEngines())('Idempotency-Key retention on %s', (engine) => {
  let h: Harness;
  let keys: ReturnType<typeof pgIdempotencyStore>;
  let app: StratumApp;
  beforeAll(async () => {
    h = await paymentsHarness({
      processor,
      ...(engine === 'postgres' && { postgres: await createTestDatabase(postgresUrl()!) }),
      module: { idempotencySweepBatchSize: 2, idempotencySweepIntervalMs: 100 },
    });
    keys = pgIdempotencyStore(h.database);
    app = await h.http();
  });
  afterAll(() => h?.close());
  beforeEach(() => processor.reset());

  const sweep = () => h.module.idempotencySweeper.runOnce();

  async function claim(tenant: string, key: string, state: 'done' | 'in-flight') {
    const ctx = h.ctx(tenant);
    expect(await keys.claim(ctx, scope, key, `fingerprint-of-${key}`)).toBeUndefined();
    if (state === 'done') await keys.complete(ctx, scope, key, { status: 201, body: { key } });
  }

  /** Makes a key look first used `createdHoursAgo` and last claimed `claimedHoursAgo`, by the database's clock. */
  async function age(
    tenant: string,
    key: string,
    createdHoursAgo: number,
    claimedHoursAgo = createdHoursAgo,
  ) {
    const ago = (n: number) => sql`now() - make_interval(secs => ${n * 3600})`;
    const updated = await h.database.transaction(
      (tx) =>
        tx
          .update(idempotencyKeys)
          .set({ createdAt: ago(createdHoursAgo), claimedAt: ago(claimedHoursAgo) })
          .where(and(eq(idempotencyKeys.tenantId, tenant), eq(idempotencyKeys.key, key)))
          .returning({ key: idempotencyKeys.key }),
      { tenantId: tenant },
    );
    expect(updated).toHaveLength(1);
  }

  const keysOf = async (tenant: string) =>
    (
      await h.database.transaction(
        (tx) =>
          tx
            .select({ key: idempotencyKeys.key })
            .from(idempotencyKeys)
            .where(eq(idempotencyKeys.tenantId, tenant)),
        { tenantId: tenant },
      )
    )
      .map((row) => row.key)
      .sort();

  it('deletes keys first used longer ago than the retention, and keeps younger ones, done or in flight', async () => {
    const tenant = newId();
    await claim(tenant, 'old-done', 'done');
    await age(tenant, 'old-done', 25);
    await claim(tenant, 'old-abandoned-claim', 'in-flight');
    await age(tenant, 'old-abandoned-claim', 25);
    await claim(tenant, 'young-done', 'done');
    await age(tenant, 'young-done', 23);
    await claim(tenant, 'young-in-flight', 'in-flight');
    await age(tenant, 'young-in-flight', 23.9);
    await claim(tenant, 'new-in-flight', 'in-flight');
    // First used long ago, but its lease was taken over a minute ago: still running.
    await claim(tenant, 'old-claim-taken-over', 'in-flight');
    await age(tenant, 'old-claim-taken-over', 25, 1 / 60);

    expect(await sweep()).toBeGreaterThanOrEqual(2);

    expect(await keysOf(tenant)).toEqual([
      'new-in-flight',
      'old-claim-taken-over',
      'young-done',
      'young-in-flight',
    ]);
  });

  it('sweeps every tenant’s expired keys, and none of any tenant’s young ones', async () => {
    const tenants = [newId(), newId(), newId()];
    for (const tenant of tenants) {
      await claim(tenant, 'old', 'done');
      await age(tenant, 'old', 48);
      await claim(tenant, 'young', 'done');
      await claim(tenant, 'young-in-flight', 'in-flight');
    }

    await sweep();

    for (const tenant of tenants) {
      expect(await keysOf(tenant)).toEqual(['young', 'young-in-flight']);
    }
  });

  it('deletes in bounded batches: one delete removes at most its limit, a round all of them', async () => {
    await sweep();
    const tenant = newId();
    const names = ['k1', 'k2', 'k3', 'k4', 'k5'];
    for (const key of names) {
      await claim(tenant, key, 'done');
      await age(tenant, key, 30);
    }

    expect(await keys.pruneExpired(retentionMs, 2)).toBe(2);
    expect(await keysOf(tenant)).toHaveLength(3);
    // The module's batch size is 2 here: a round of two full batches and a short one.
    expect(await sweep()).toBe(3);
    expect(await keysOf(tenant)).toEqual([]);
    expect(await sweep()).toBe(0);
  });

  it('refuses a retention or batch size that is not positive in the database too', async () => {
    await expect(keys.pruneExpired(0, 10)).rejects.toThrow();
    await expect(keys.pruneExpired(retentionMs, 0)).rejects.toThrow();
  });

  it('sweeps on its own while the module is started, until it is stopped', async () => {
    const tenant = newId();
    await claim(tenant, 'old', 'done');
    await age(tenant, 'old', 25);
    await claim(tenant, 'young', 'in-flight');

    h.module.start!();
    try {
      await vi.waitFor(async () => expect(await keysOf(tenant)).toEqual(['young']), {
        timeout: 5_000,
        interval: 50,
      });
    } finally {
      await h.module.stop!();
    }
  });

  describe('over HTTP', () => {
    /** A refund of a card payment captured in `tenant` (a checkout takes it, in process). */
    async function refundable(tenant: string) {
      const sale = cardSale(newId(), 5_000);
      await h.api.takePayment(h.ctx(tenant, 'cashier'), sale);
      const token = h.tokens.issue(tenant, 'cashier');
      const post = (payload: object, key: string) =>
        app.inject({
          method: 'POST',
          url: `/api/v1/payments/${sale.paymentId}/refunds`,
          payload,
          headers: { authorization: `Bearer ${token}`, 'idempotency-key': key },
        });
      return { sale, post };
    }
    const body = (amount: number) => ({ refundId: newId(), amount, reason: 'cold' });
    const processorRefunds = async () =>
      (await processor.stats()).byRoute['POST /v1/payments/:id/refunds'] ?? 0;

    it('still replays the first response within the retention, after a sweep', async () => {
      const tenant = newId();
      const { post } = await refundable(tenant);
      const request = body(500);
      const key = newId();
      const first = await post(request, key);
      await age(tenant, key, 23.5);

      await sweep();
      const again = await post(request, key);

      expect(first.statusCode).toBe(201);
      expect(again.statusCode).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json()).toEqual(first.json());
      expect(await processorRefunds()).toBe(1);
    });

    it('treats a key as new once the sweep has removed it past the retention', async () => {
      const tenant = newId();
      const { sale, post } = await refundable(tenant);
      const first = body(500);
      const second = body(400);
      const key = newId();
      expect((await post(first, key)).statusCode).toBe(201);
      await age(tenant, key, 25);
      // Until the sweep runs, an expired key still holds its request.
      expect((await post(second, key)).json()).toMatchObject({
        code: 'idempotency-key-reused',
      });

      await sweep();
      const reused = await post(second, key);
      const replayed = await post(second, key);

      expect(reused.statusCode).toBe(201);
      expect(reused.headers['idempotent-replayed']).toBeUndefined();
      expect(reused.json()).toMatchObject({ id: sale.paymentId, refunded: 900 });
      expect(replayed.headers['idempotent-replayed']).toBe('true');
      expect(replayed.json()).toEqual(reused.json());
      expect(await processorRefunds()).toBe(2);
    });
  });
});
