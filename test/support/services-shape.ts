import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createTestDatabase, postgresUrl, type TestDatabase } from '@stratum/testing';
import type { MenuDocument } from '@stratum/catalog/contract';
import type { CheckoutView, OrderView } from '@stratum/ordering/contract';
import { demoAccounts } from '../../apps/server/src/seed/demo-data.ts';
import { launchServices, type LaunchedServices } from '../../apps/server/src/services/launcher.ts';
import { readTopology } from '../../apps/server/src/services/topology.ts';
import type { Api } from './checkout-till.ts';
import { deleteNatsStreams } from './nats.ts';

/** The services shape of a test, on its own databases and the engines it is given. */
export interface ServicesShape {
  readonly launched: LaunchedServices;
  /** The gateway's URL. */
  readonly url: string;
  /** Each topology service's database (owner URL), by service name. */
  readonly databases: Readonly<Record<string, string>>;
  /** The processes' last output lines (prefixed with their name), for failure messages. */
  output(): string;
  /** Stops every process, drops the databases and the shape's NATS streams. */
  close(): Promise<void>;
}

export interface ServicesShapeOptions {
  natsUrl: string;
  redisUrl: string;
  /** Extra environment for every process, and per service name (`gateway` included). */
  env?: Record<string, string>;
  serviceEnv?: Record<string, Record<string, string>>;
}

const keptLines = 400;

/**
 * Launches the services shape on free ports with a database per service and
 * a NATS prefix of its own; relays poll often and rate limits are lifted so
 * a load of checkouts is not throttled where the test does not mean it to be.
 */
export async function launchServicesShape(options: ServicesShapeOptions): Promise<ServicesShape> {
  const admin = postgresUrl();
  if (!admin) throw new Error('fault tests need PostgreSQL');
  const names = readTopology().services.map((s) => s.name);
  const dbs: TestDatabase[] = await Promise.all(names.map(() => createTestDatabase(admin)));
  const databases = Object.fromEntries(names.map((n, i) => [n, dbs[i]!.url]));
  const prefix = `faults${randomBytes(4).toString('hex')}`;
  const lines: string[] = [];
  const output = () => lines.join('\n');
  let launched: LaunchedServices;
  try {
    launched = await launchServices({
      databaseUrl: dbs[0]!.url,
      databases,
      redisUrl: options.redisUrl,
      natsUrl: options.natsUrl,
      freePorts: true,
      env: {
        LOG_LEVEL: 'warn',
        NATS_PREFIX: prefix,
        OUTBOX_POLL_MS: '100',
        RATE_LIMIT_LOGIN_IP: '1000/60',
        RATE_LIMIT_LOGIN_ACCOUNT: '1000/60',
        RATE_LIMIT_SIGNUP_IP: '1000/60',
        GATEWAY_RATE_LIMIT_IP: '100000/60',
        GATEWAY_RATE_LIMIT_TENANT: '100000/60',
        ...options.env,
      },
      ...(options.serviceEnv && { serviceEnv: options.serviceEnv }),
      output: (name, line) => {
        lines.push(`[${name}] ${line}`);
        if (lines.length > keptLines) lines.shift();
      },
      readyTimeoutMs: 90_000,
    });
  } catch (err) {
    await Promise.all(dbs.map((d) => d.drop()));
    throw new Error(`services shape did not start: ${String(err)}\n${output()}`, { cause: err });
  }
  return {
    launched,
    url: launched.gatewayUrl,
    databases,
    output,
    async close() {
      await launched.stop(5_000);
      await Promise.all(dbs.map((d) => d.drop()));
      // A NATS of the test's own may be gone already; its streams went with it.
      await deleteNatsStreams(options.natsUrl, prefix).catch(() => undefined);
    },
  };
}

/** Runs one statement on a service's database as its owner (RLS does not apply). */
export async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** A register of the demo café with an open drawer, and the espresso to sell at it. */
export interface FaultTill {
  token: string;
  storeId: string;
  registerId: string;
  sessionId: string;
  espresso: { itemId: string; variantId: string };
}

/** Opens a new register's drawer as the demo cashier (the manager creates the register). */
export async function openFaultTill(api: Api, openingFloatMinor: number): Promise<FaultTill> {
  const manager = await api.login(demoAccounts.manager);
  const token = await api.login(demoAccounts.cashier);
  const stores = await api.ok<{ items: { id: string }[] }>(
    200,
    'GET',
    '/api/v1/store-ops/stores',
    token,
  );
  const storeId = stores.items[0]!.id;
  const register = await api.ok<{ id: string }>(
    201,
    'POST',
    '/api/v1/store-ops/registers',
    manager,
    {
      storeId,
      name: `Fault till ${randomBytes(3).toString('hex')}`,
    },
  );
  const session = await api.ok<{ id: string }>(
    201,
    'POST',
    `/api/v1/store-ops/registers/${register.id}/drawer`,
    token,
    { openingFloatMinor },
  );
  const menu = await api.ok<MenuDocument>(
    200,
    'GET',
    `/api/v1/catalog/stores/${storeId}/menu`,
    token,
  );
  const item = [...menu.categories.flatMap((c) => c.items), ...menu.uncategorized].find(
    (i) => i.name === 'Espresso',
  )!;
  return {
    token,
    storeId,
    registerId: register.id,
    sessionId: session.id,
    espresso: { itemId: item.id, variantId: item.variants[0]!.id },
  };
}

/**
 * Rings up one espresso and takes it in cash or by card (with a tip) through
 * the gateway; answers the order and the checkout's answer as it came.
 */
export async function sellEspresso(
  api: Api,
  till: FaultTill,
  tender: 'cash' | 'card',
  idempotencyKey: string,
) {
  const order = await api.ok<OrderView>(201, 'POST', '/api/v1/ordering/orders', till.token, {
    storeId: till.storeId,
    registerId: till.registerId,
    fulfilment: { type: 'takeaway' },
    lines: [{ variantId: till.espresso.variantId, quantity: 1 }],
  });
  const total = order.totals.total;
  const tenders =
    tender === 'cash'
      ? [{ kind: 'cash', amount: total, given: total + 100 }]
      : [{ kind: 'card', amount: total, tip: 25, card: { number: '4242424242424242' } }];
  const checkout = await api.call<CheckoutView>(
    'POST',
    `/api/v1/ordering/orders/${order.orderId}/checkout`,
    till.token,
    { registerId: till.registerId, tenders },
    { 'idempotency-key': idempotencyKey },
  );
  return { order, checkout };
}
