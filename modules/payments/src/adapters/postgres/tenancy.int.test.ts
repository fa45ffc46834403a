import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { newId, rowsOf } from '@stratum/platform';
import {
  createTestDatabase,
  postgresUrl,
  startCardProcessor,
  testEngines,
  type RunningCardProcessor,
} from '@stratum/testing';
import { cardSale, paymentsHarness, type Harness } from '../../test-harness.ts';

let processor: RunningCardProcessor;
beforeAll(async () => {
  processor = await startCardProcessor();
});
afterAll(() => processor?.stop());

const tables = [
  'payment_events',
  'payments',
  'idempotency_keys',
  'store_settings',
  'audit_log',
  'outbox',
  'inbox',
];

describe.each(testEngines())('payments tenancy on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await paymentsHarness({
      processor,
      ...(engine === 'postgres' && { postgres: await createTestDatabase(postgresUrl()!) }),
    });
  });
  afterAll(() => h?.close());

  it('enables and forces row-level security on every payments table', async () => {
    const rows = rowsOf<{ table: string; enabled: boolean; forced: boolean }>(
      await h.database.db.execute(sql`
        select c.relname as table, c.relrowsecurity as enabled, c.relforcerowsecurity as forced
        from pg_class c
        where c.relkind = 'r' and c.relnamespace = 'payments'::regnamespace
        order by c.relname`),
    );
    expect(rows.map((r) => r.table).sort()).toEqual([...tables].sort());
    expect(rows.filter((r) => !r.enabled || !r.forced)).toEqual([]);
  });

  it('hides a payment, its stream and its settings from another tenant, even unfiltered', async () => {
    const owner = h.ctx(newId(), 'owner');
    const store = h.storeOps.addStore(owner.tenantId);
    const payment = await h.api.takePayment(owner, cardSale(store));
    await h.api.setRefundLimit(owner, store, 100);
    await h.api.refundPayment(owner, {
      paymentId: payment.id,
      refundId: newId(),
      amount: 50,
      reason: 'test',
    });
    const intruder = h.ctx(newId(), 'owner');

    await expect(h.api.getPayment(intruder, payment.id)).rejects.toMatchObject({
      code: 'payment-not-found',
    });
    await expect(h.api.paymentEvents(intruder, payment.id)).rejects.toMatchObject({
      code: 'payment-not-found',
    });
    expect((await h.api.listPayments(intruder, {})).items).toEqual([]);
    // Not a store of the intruder's business: no limit to show, nor any to set.
    await expect(h.api.getRefundLimit(intruder, store)).rejects.toMatchObject({
      code: 'store-not-found',
    });
    await expect(h.api.setRefundLimit(intruder, store, 1)).rejects.toMatchObject({
      code: 'store-not-found',
    });
    expect(await h.api.getRefundLimit(owner, store)).toMatchObject({ refundLimit: 100 });
    const counts = await h.database.transaction(
      async (tx) => {
        const seen: Record<string, number> = {};
        for (const table of tables) {
          const [row] = rowsOf<{ n: number }>(
            await tx.execute(sql.raw(`select count(*)::int as n from payments.${table}`)),
          );
          seen[table] = row?.n ?? -1;
        }
        return seen;
      },
      { tenantId: intruder.tenantId },
    );
    expect(Object.values(counts)).toEqual(tables.map(() => 0));
  });

  it('refuses to write a row into another tenant', async () => {
    const ctx = h.ctx(newId());
    const attempt = h.database.transaction(
      (tx) =>
        tx.execute(sql`insert into payments.store_settings (tenant_id, store_id, refund_limit, updated_at)
          values (${newId()}, ${newId()}, 1, now())`),
      { tenantId: ctx.tenantId },
    );
    await expect(attempt).rejects.toThrow();
  });

  it('answers payment-id-reused when another tenant already holds the id', async () => {
    const input = cardSale(newId());
    await h.api.takePayment(h.ctx(newId()), input);

    await expect(h.api.takePayment(h.ctx(newId()), input)).rejects.toMatchObject({
      code: 'payment-id-reused',
    });
  });
});
