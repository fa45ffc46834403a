import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, rowsOf } from '@stratum/platform';
import { createTestDatabase, postgresUrl, testEngines, type TestDatabase } from '@stratum/testing';
import { orderingHarness, type Harness, type Shop } from '../../test-harness.ts';

describe.each(testEngines())('ordering’s tables on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await orderingHarness(
      engine === 'postgres'
        ? { postgres: await createTestDatabase(postgresUrl()!), poolSize: 12 }
        : {},
    );
  });
  afterAll(() => h?.close());

  const open = async (s: Shop) =>
    (
      await h.api.createOrder(s.cashier.ctx, {
        storeId: s.storeId,
        registerId: s.registerId,
        fulfilment: { type: 'retail' },
      })
    ).orderId;

  it('lets concurrent additions to one order all land: a loser decides again on the fresh order', async () => {
    const s = h.shop();
    const orderId = await open(s);
    const adds = await Promise.all(
      Array.from({ length: 10 }, () =>
        h.api.addLine(s.cashier.ctx, orderId, { variantId: s.menu.fries.variantId, quantity: 1 }),
      ),
    );
    expect(adds).toHaveLength(10);
    const order = await h.api.getOrder(s.cashier.ctx, orderId);
    expect(order.lines).toHaveLength(10);
    expect(order.version).toBe(11);
    const versions = await h.database.transaction(
      async (tx) =>
        rowsOf<{ version: number }>(
          await tx.execute(
            sql`select version from ordering.order_events where order_id = ${orderId} order by version`,
          ),
        ).map((r) => r.version),
      { tenantId: s.tenant },
    );
    expect(versions).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
  });

  it('creates an order once under concurrent creations with one id, and gives back the numbers of the losers', async () => {
    const s = h.shop();
    const orderId = newId();
    const request = {
      orderId,
      storeId: s.storeId,
      registerId: s.registerId,
      fulfilment: { type: 'retail' as const },
      lines: [{ variantId: s.menu.fries.variantId, quantity: 1 }],
    };
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => h.api.createOrder(s.cashier.ctx, request)),
    );
    expect(new Set(answers.map((a) => a.orderId))).toEqual(new Set([orderId]));
    expect(new Set(answers.map((a) => a.orderNumber)).size).toBe(1);
    expect(await h.events(s.tenant, 'ordering.order-placed')).toHaveLength(1);
    // The numbers the losing attempts drew were rolled back with them: no gap.
    const next = await h.api.createOrder(s.cashier.ctx, { ...request, orderId: undefined });
    expect(Number(next.orderNumber)).toBe(Number(answers[0]!.orderNumber) + 1);
  });

  it('refuses an order id that another business holds, and leaves nothing behind', async () => {
    const theirs = h.shop();
    const ours = h.shop();
    const orderId = newId();
    const request = (s: Shop) => ({
      orderId,
      storeId: s.storeId,
      registerId: s.registerId,
      fulfilment: { type: 'retail' as const },
    });
    await h.api.createOrder(theirs.cashier.ctx, request(theirs));
    await expect(h.api.createOrder(ours.cashier.ctx, request(ours))).rejects.toMatchObject({
      code: 'order-already-exists',
    });
    expect(await h.events(ours.tenant, 'ordering.order-placed')).toHaveLength(0);
    const first = await h.api.createOrder(ours.cashier.ctx, {
      ...request(ours),
      orderId: undefined,
    });
    expect(first.orderNumber).toBe('1');
  });

  it('keeps the order’s events append-only for the application role', async () => {
    const s = h.shop();
    const orderId = await open(s);
    const refusal = async (statement: ReturnType<typeof sql>) => {
      const err = await h.database
        .transaction((tx) => tx.execute(statement), { tenantId: s.tenant })
        .then(
          () => null,
          (e: unknown) => e as Error & { cause?: Error },
        );
      return String(err?.cause?.message ?? err?.message);
    };
    expect(
      await refusal(sql`update ordering.order_events set type = 'x' where order_id = ${orderId}`),
    ).toMatch(/permission denied/);
    expect(await refusal(sql`delete from ordering.orders where id = ${orderId}`)).toMatch(
      /permission denied/,
    );
  });

  it('enables and forces row-level security on every tenant table, the checkout saga’s too', async () => {
    const tables = rowsOf<{ table: string; enabled: boolean; forced: boolean }>(
      await h.database.db.execute(sql`
        select c.relname as table, c.relrowsecurity as enabled, c.relforcerowsecurity as forced
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'ordering' and c.relkind = 'r'
          and exists (select 1 from pg_attribute a
                      where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
        order by c.relname`),
    );
    expect(tables.map((t) => t.table)).toEqual([
      'audit_log',
      'checkout_steps',
      'checkouts',
      'inbox',
      'kitchen_tickets',
      'order_events',
      'order_numbers',
      'orders',
      'outbox',
      'receipts',
    ]);
    expect(tables.filter((t) => !t.enabled || !t.forced)).toEqual([]);
  });
});

// Several connections are needed to interleave two writers: PGlite has one.
describe.runIf(postgresUrl())('optimistic concurrency on PostgreSQL', () => {
  let h: Harness;
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(postgresUrl()!);
    h = await orderingHarness({ postgres: db });
  });
  afterAll(() => h?.close());

  it('refuses, in the database, a write decided on a version another writer moved on', async () => {
    const s = h.shop();
    const { orderId } = await h.api.createOrder(s.cashier.ctx, {
      storeId: s.storeId,
      registerId: s.registerId,
      fulfilment: { type: 'retail' },
    });
    const saved = await h.module.deps.store.inTenant(s.cashier.ctx, async (repo) => {
      const read = (await repo.findOrder(orderId))!;
      // Another terminal commits a change between our read and our write.
      await h.api.setTip(s.manager.ctx, orderId, { amount: 100 });
      return repo.updateOrder({ ...read, version: read.version + 1 }, read.version);
    });
    expect(saved).toBe(false);
    expect((await h.api.getOrder(s.cashier.ctx, orderId)).tip).toBe(100);
  });

  it('serves a store’s order list by status from its index, newest first, without sorting', async () => {
    const s = h.shop();
    // A busy tenant: 4 000 orders over 20 stores, most of them closed (bare rows: only
    // the indexed columns matter to the plan).
    await h.database.transaction(
      (tx) =>
        tx.execute(sql`
          insert into ordering.orders
            (id, tenant_id, store_id, register_id, status, state, request, version, created_at, updated_at)
          select gen_random_uuid(), ${s.tenant}::uuid,
                 case when i % 20 = 0 then ${s.storeId}::uuid else md5(i::text)::uuid end,
                 ${s.registerId}::uuid, case when i % 10 = 0 then 'open' else 'closed' end,
                 '{}'::jsonb, '{}'::jsonb, 1, now() - i * interval '1 minute', now()
          from generate_series(1, 4000) as i`),
      { tenantId: s.tenant },
    );
    // Statistics, as autovacuum would gather them (the owner's job, not the app role's).
    const owner = new pg.Client({ connectionString: db.url });
    await owner.connect();
    await owner.query('analyze ordering.orders');
    await owner.end();
    const plan = await h.database.transaction(
      async (tx) => {
        const rows = rowsOf<{ 'QUERY PLAN': unknown }>(
          await tx.execute(sql`explain (format json)
            select * from ordering.orders
            where tenant_id = ${s.tenant} and store_id = ${s.storeId} and status = 'open'
            order by created_at desc, id desc limit 51`),
        );
        return JSON.stringify(rows[0]?.['QUERY PLAN']);
      },
      { tenantId: s.tenant },
    );
    expect(plan).toContain('"Index Name":"orders_store_status_created_idx"');
    expect(plan).not.toContain('"Node Type":"Sort"');
  });
});
