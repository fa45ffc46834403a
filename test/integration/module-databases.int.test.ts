import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  postgresUrl,
  startTestServer,
  type TestDatabase,
  type TestServer,
} from '@stratum/testing';
import { apiOf } from '../support/checkout-till.ts';
import { tillFlow } from '../support/till-flow.ts';

async function schemasOf(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `select schema_name as name from information_schema.schemata
        where schema_name in ('identity', 'store_ops', 'catalog', 'inventory', 'payments', 'ordering')
        order by 1`,
    );
    return rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

describe.runIf(postgresUrl())('a module in a database of its own (DATABASE_URL_<MODULE>)', () => {
  let payments: TestDatabase;
  let t: TestServer;
  let url: string;

  beforeAll(async () => {
    payments = await createTestDatabase(postgresUrl()!);
    t = await startTestServer('postgres', { env: { DATABASE_URL_PAYMENTS: payments.url } });
    url = await t.server.app.listen({ host: '127.0.0.1', port: 0 });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await payments?.drop();
  });

  it('keeps the module’s tables there and the others in the shared database', async () => {
    expect(await schemasOf(payments.url)).toEqual(['payments']);
    const shared = await schemasOf(t.databaseUrl!);
    expect(shared).toEqual(['catalog', 'identity', 'inventory', 'ordering', 'store_ops']);
  });

  it('runs a whole checkout and refund across the two databases', async () => {
    const { checkout } = await tillFlow(apiOf(url), url);
    const client = new pg.Client({ connectionString: payments.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>(
        'select count(*) as n from payments.payment_events where stream_id = $1',
        [checkout.tenders[1]!.paymentId],
      );
      expect(Number(rows[0]!.n)).toBeGreaterThan(1);
    } finally {
      await client.end();
    }
  }, 120_000);
});
