import pg from 'pg';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, type EventEnvelope } from '@stratum/platform';
import type { CheckoutView } from '@stratum/ordering/contract';
import { postgresUrl, startTestServer, type TestServer } from '@stratum/testing';
import { demoAccounts } from '../../apps/server/src/seed/demo-data.ts';
import { seedDemo } from '../../apps/server/src/seed/seed.ts';
import { checkoutInvariants } from '../support/checkout-invariants.ts';
import {
  checkoutPath,
  eventually,
  injectedApi,
  openTill,
  ringUp,
  splitTender,
} from '../support/checkout-till.ts';

const schemas = ['identity', 'store_ops', 'catalog', 'inventory', 'payments', 'ordering'];

/**
 * The relay delivers at least once, in no promised order across modules. Every
 * event in the outboxes of a tenant that has been seeded and has checked out is
 * delivered again to every subscriber that consumes it — newest first, then
 * all at once — and nothing changes: the inboxes make a redelivery a no-op, and
 * the kitchen feed's messages keep their ids, so a display can tell a repeat.
 */
describe.runIf(postgresUrl())('checkout events delivered twice and out of order', () => {
  let t: TestServer;
  let owner: pg.Client;
  let ownerUrl: string;

  beforeAll(async () => {
    t = await startTestServer('postgres');
    await seedDemo(t.server);
    const [row] = rowsOf<{ name: string }>(
      await t.server.database.db.execute(sql`select current_database() as name`),
    );
    const url = new URL(postgresUrl()!);
    url.pathname = `/${row!.name}`;
    ownerUrl = url.toString();
    owner = new pg.Client({ connectionString: ownerUrl });
    await owner.connect();
  }, 120_000);

  afterAll(async () => {
    await owner?.end();
    await t?.close();
  });

  const query = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) =>
    (await owner.query<T>(text, values)).rows;

  /** A fingerprint of every table of every module; outboxes by row count (the relay marks them). */
  async function snapshot(): Promise<Record<string, string>> {
    const tables = await query<{ table_schema: string; table_name: string }>(
      `select table_schema, table_name from information_schema.tables
       where table_schema = any($1) and table_type = 'BASE TABLE' order by 1, 2`,
      [schemas],
    );
    const result: Record<string, string> = {};
    for (const { table_schema: schema, table_name: table } of tables) {
      const name = `${schema}.${table}`;
      const [row] = await query<{ v: string }>(
        table === 'outbox'
          ? `select count(*)::text as v from ${name}`
          : `select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as v from ${name} t`,
      );
      result[name] = row!.v;
    }
    return result;
  }

  it('applies nothing twice when every event is delivered again, newest first and all at once', async () => {
    const api = injectedApi(t.server);
    const { token, till } = await openTill(api);
    const { orderId, total } = await ringUp(api, token, till);
    const checkout = await api.ok<CheckoutView>(
      201,
      'POST',
      checkoutPath(orderId),
      token,
      splitTender(till.registerId, total),
      { 'idempotency-key': `redeliver-${orderId}` },
    );
    expect(checkout.status).toBe('completed');
    const [order] = await query<{ tenant_id: string }>(
      'select tenant_id from ordering.orders where id = $1',
      [orderId],
    );
    const tenantId = order!.tenant_id;

    // Wait for the relay to have delivered everything once.
    await eventually(
      'every outbox relayed',
      async () => {
        for (const schema of schemas) {
          const [row] = await query<{ n: number }>(
            `select count(*)::int as n from ${schema}.outbox where published_at is null and dead_at is null`,
          );
          if (row!.n > 0) return undefined;
        }
        return true;
      },
      30_000,
    );
    const envelopes: EventEnvelope[] = [];
    for (const schema of schemas) {
      const rows = await query<{ envelope: EventEnvelope }>(
        `select envelope from ${schema}.outbox where tenant_id = $1 order by id`,
        [tenantId],
      );
      envelopes.push(...rows.map((r) => r.envelope));
    }
    envelopes.sort((a, b) => (a.id < b.id ? -1 : 1));
    const types = new Set(envelopes.map((e) => e.type));
    expect(types).toContain('ordering.checkout-completed');
    expect(types).toContain('ordering.kitchen-ticket-fired');

    const menuPath = `/api/v1/catalog/stores/${till.storeId}/menu`;
    const menu = await api.ok(200, 'GET', menuPath, token);
    const heard: string[] = [];
    const stopListening = t.server.ordering.kitchenFeed.listen(tenantId, till.storeId, (m) =>
      heard.push(m.id),
    );
    const before = await snapshot();

    const subscriptions = t.server.modules.flatMap((m) => m.subscriptions ?? []);
    const delivered = new Map<string, number>();
    const deliver = (envelope: EventEnvelope) =>
      subscriptions
        .filter((s) => s.types.includes(envelope.type))
        .map(async (s) => {
          await s.handle(envelope);
          delivered.set(s.name, (delivered.get(s.name) ?? 0) + 1);
        });
    for (const envelope of [...envelopes].reverse()) await Promise.all(deliver(envelope));
    await Promise.all(envelopes.flatMap(deliver));
    stopListening();

    // The consumers that matter were reached: inventory's catalog inbox and the kitchen feed.
    expect(delivered.get('inventory.on-catalog-item-created')).toBeGreaterThan(0);
    expect(delivered.get('ordering.kitchen-feed')).toBeGreaterThan(0);
    expect(delivered.get('catalog.menu-cache.catalog-events')).toBeGreaterThan(0);

    expect(await snapshot()).toEqual(before);
    expect(await api.ok(200, 'GET', menuPath, token)).toEqual(menu);
    const fired = new Set(
      envelopes.filter((e) => e.type === 'ordering.kitchen-ticket-fired').map((e) => e.id),
    );
    expect(heard.length).toBe(2 * fired.size);
    expect(new Set(heard)).toEqual(fired);
    const manager = await api.login(demoAccounts.manager);
    const consistency = await api.ok(200, 'GET', '/api/v1/inventory/consistency', manager);
    expect(consistency).toMatchObject({ consistent: true, mismatches: [] });

    const report = await checkoutInvariants({
      ownerUrl,
      processor: { url: t.server.processorUrl, apiKey: 'sk_sandbox_stratum' },
    });
    expect(report.violations).toEqual([]);
    expect(report).toMatchObject({ completed: 1, compensated: 0 });
  });
});
