import pg from 'pg';
import type { StratumServer } from '@stratum/server';
import {
  createTestDatabase,
  postgresUrl,
  startCardProcessor,
  type RunningCardProcessor,
  type TestDatabase,
} from '@stratum/testing';
import type { MenuDocument } from '@stratum/catalog/contract';
import type { CheckoutInput, CheckoutView, OrderView } from '@stratum/ordering/contract';
import { demoAccounts } from '../../apps/server/src/seed/demo-data.ts';
import { checkoutInvariants, type InvariantReport } from './checkout-invariants.ts';
import { runScript, type Running } from './process.ts';

const main = 'apps/server/src/main.ts';
const seedScript = 'apps/server/src/seed/main.ts';
const ready = /API\s+(http:\/\/localhost:\d+)\/api\/v1/;
const startTimeoutMs = 60_000;
const stopTimeoutMs = 15_000;

/** What every server process of the fault tests gets: PostgreSQL, the shared sandbox processor. */
export function serverEnv(databaseUrl: string, processorUrl: string): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '4',
    PROCESSOR_URL: processorUrl,
    OUTBOX_POLL_MS: '50',
    SHUTDOWN_TIMEOUT_MS: '5000',
    RATE_LIMIT_LOGIN_IP: '1000/60',
    RATE_LIMIT_LOGIN_ACCOUNT: '1000/60',
  };
}

/** A `node --import tsx apps/server/src/main.ts` child process, listening on a free port. */
export interface ServerProcess {
  /** e.g. `http://localhost:41234` */
  readonly url: string;
  readonly run: Running;
  /** SIGTERM, then SIGKILL after a while; resolves once the process is gone. */
  stop(): Promise<void>;
}

const all = new Set<Running>();

/** Kills (SIGKILL, by pid) every process `startServer`/`seedDatabase` started that is still alive. */
export async function killAllServers(): Promise<void> {
  const alive = [...all];
  for (const run of alive) {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  }
  await Promise.all(alive.map((run) => run.exited));
  all.clear();
}

function track(run: Running): Running {
  all.add(run);
  void run.exited.then(() => all.delete(run));
  return run;
}

/** Rejects after `ms` with `message`, unless `promise` settles first. */
export async function within<T>(
  promise: Promise<T>,
  ms: number,
  message: () => string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export async function startServer(
  env: Record<string, string>,
  args: readonly string[] = [],
): Promise<ServerProcess> {
  const run = track(runScript(main, env, args));
  let match: RegExpExecArray;
  try {
    match = await within(
      run.waitFor(ready),
      startTimeoutMs,
      () => `server did not start within ${startTimeoutMs} ms:\n${run.stdout()}\n${run.stderr()}`,
    );
  } catch (err) {
    run.child.kill('SIGKILL');
    throw err;
  }
  return {
    url: match[1]!,
    run,
    async stop() {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGTERM');
      const timer = setTimeout(() => run.child.kill('SIGKILL'), stopTimeoutMs);
      await run.exited;
      clearTimeout(timer);
    },
  };
}

/** What the crash tests run on: a seeded scratch database, its owner's connection, a processor. */
export interface CrashRig {
  db: TestDatabase;
  /** The database owner's connection (RLS does not apply): what the tests read the rows with. */
  owner: pg.Client;
  processor: RunningCardProcessor;
  /** The environment of every server process the test starts. */
  env: Record<string, string>;
  /** Every invariant of ADR 0014 over the database and the processor, once all is settled. */
  invariants(): Promise<InvariantReport>;
  /** Kills every server left, stops the processor and drops the database. */
  close(): Promise<void>;
}

export async function crashRig(processorSeed: string): Promise<CrashRig> {
  const db = await createTestDatabase(postgresUrl()!);
  const owner = new pg.Client({ connectionString: db.url });
  await owner.connect();
  const processor = await startCardProcessor({ env: { PROCESSOR_SEED: processorSeed } });
  const env = serverEnv(db.url, processor.url);
  await seedDatabase(env);
  return {
    db,
    owner,
    processor,
    env,
    invariants: () =>
      checkoutInvariants({
        ownerUrl: db.url,
        processor: { url: processor.url, apiKey: processor.apiKey },
      }),
    async close() {
      await killAllServers();
      await owner.end();
      try {
        await processor.stop();
      } finally {
        await db.drop();
      }
    },
  };
}

/** Creates the demo café in the database with `npm run seed`'s script, as its own process. */
export async function seedDatabase(env: Record<string, string>): Promise<void> {
  const run = track(runScript(seedScript, env));
  const exit = await within(
    run.exited,
    startTimeoutMs,
    () => `seed did not finish:\n${run.stdout()}`,
  );
  if (exit.code !== 0) {
    throw new Error(
      `seed exited with ${exit.code} ${exit.signal}:\n${run.stdout()}\n${run.stderr()}`,
    );
  }
}

export interface Answer<T = unknown> {
  status: number;
  body: T;
}

/** A checkout request: the register and its tenders. */
export type CheckoutRequest = CheckoutInput;

/** A `checkout-failed` problem carries the undone checkout. */
export type CheckoutAnswer = CheckoutView & { code?: string; checkout?: CheckoutView };

type Method = 'GET' | 'POST' | 'PUT';
type Send = (
  method: Method,
  path: string,
  headers: Record<string, string>,
  body: string | undefined,
) => Promise<{ status: number; text: string }>;

function clientOver(send: Send) {
  const call = async <T = unknown>(
    method: Method,
    path: string,
    token?: string,
    body?: object,
    headers: Record<string, string> = {},
  ): Promise<Answer<T>> => {
    const res = await send(
      method,
      path,
      {
        ...(token && { authorization: `Bearer ${token}` }),
        ...(body && { 'content-type': 'application/json' }),
        ...headers,
      },
      body && JSON.stringify(body),
    );
    return { status: res.status, body: (res.text ? JSON.parse(res.text) : undefined) as T };
  };
  const ok = async <T = unknown>(status: number, ...args: Parameters<typeof call>): Promise<T> => {
    const answer = await call<T>(...args);
    if (answer.status !== status) {
      throw new Error(
        `${args[0]} ${args[1]}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`,
      );
    }
    return answer.body;
  };
  const login = async (account: { email: string; password: string }): Promise<string> =>
    (await ok<{ accessToken: string }>(200, 'POST', '/api/v1/identity/auth/login', '', account))
      .accessToken;
  return { call, ok, login };
}

/** A tiny fetch client of one server process's HTTP API. */
export function apiOf(base: string) {
  return clientOver(async (method, path, headers, body) => {
    const res = await fetch(`${base}${path}`, { method, headers, ...(body && { body }) });
    return { status: res.status, text: await res.text() };
  });
}

/** The same client over `app.inject`, for a server in this process. */
export function injectedApi(server: StratumServer) {
  return clientOver(async (method, url, headers, body) => {
    const res = await server.app.inject({ method, url, headers, ...(body && { payload: body }) });
    return { status: res.statusCode, text: res.body };
  });
}

export type Api = ReturnType<typeof apiOf>;

/** The demo café's first store and register, and two things to sell: one with a recipe, one stocked. */
export interface Till {
  storeId: string;
  registerId: string;
  /** Espresso: its recipe holds coffee beans. */
  espresso: string;
  /** Sparkling water: a retail item with its own stock. */
  water: string;
}

function variantNamed(menu: MenuDocument, name: string): string {
  const items = [...menu.categories.flatMap((c) => c.items), ...menu.uncategorized];
  const variant = items.find((i) => i.name === name)?.variants[0];
  if (!variant) throw new Error(`the demo menu has no ${name}`);
  return variant.id;
}

/** Logs the demo cashier in, finds the till's store, register and items, and opens its drawer. */
export async function openTill(api: Api): Promise<{ token: string; till: Till }> {
  type List = { items: { id: string }[] };
  const token = await api.login(demoAccounts.cashier);
  const stores = await api.ok<List>(200, 'GET', '/api/v1/store-ops/stores', token);
  const storeId = stores.items[0]!.id;
  const registers = await api.ok<List>(
    200,
    'GET',
    `/api/v1/store-ops/registers?storeId=${storeId}`,
    token,
  );
  const menu = await api.ok<MenuDocument>(
    200,
    'GET',
    `/api/v1/catalog/stores/${storeId}/menu`,
    token,
  );
  const registerId = registers.items[0]!.id;
  // Cash goes into an open drawer: open it, unless an earlier test of this server did.
  const drawer = await api.call('POST', `/api/v1/store-ops/registers/${registerId}/drawer`, token, {
    openingFloatMinor: 0,
  });
  if (drawer.status !== 201 && drawer.status !== 409) {
    throw new Error(`opening the till's drawer: ${drawer.status} ${JSON.stringify(drawer.body)}`);
  }
  return {
    token,
    till: {
      storeId,
      registerId,
      espresso: variantNamed(menu, 'Espresso'),
      water: variantNamed(menu, 'Sparkling water'),
    },
  };
}

/** Rings up two espressos and a sparkling water; answers the order id and its total. */
export async function ringUp(
  api: Api,
  token: string,
  till: Till,
): Promise<{ orderId: string; total: number }> {
  const order = await api.ok<OrderView>(201, 'POST', '/api/v1/ordering/orders', token, {
    storeId: till.storeId,
    registerId: till.registerId,
    fulfilment: { type: 'takeaway' },
  });
  const base = `/api/v1/ordering/orders/${order.orderId}`;
  await api.ok(200, 'POST', `${base}/lines`, token, { variantId: till.espresso, quantity: 2 });
  const priced = await api.ok<OrderView>(200, 'POST', `${base}/lines`, token, {
    variantId: till.water,
    quantity: 1,
  });
  return { orderId: order.orderId, total: priced.totals.total };
}

export const approvedCard = '4242424242424242';
export const declinedCard = '4000000000000002';

/** A third in cash (with change), the rest by card with a tip: a split tender. */
export function splitTender(
  registerId: string,
  total: number,
  card = approvedCard,
): CheckoutRequest {
  const cash = Math.floor(total / 3);
  return {
    registerId,
    tenders: [
      { kind: 'cash', amount: cash, given: cash + 200 },
      { kind: 'card', amount: total - cash, tip: 50, card: { number: card } },
    ],
  };
}

export const checkoutPath = (orderId: string) => `/api/v1/ordering/orders/${orderId}/checkout`;

/** Polls until `check` answers a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: last });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Waits until every checkout is completed or compensated; answers their views by id. */
export async function waitUntilTerminal(
  api: Api,
  token: string,
  checkoutIds: readonly string[],
  timeoutMs: number,
): Promise<Map<string, CheckoutView>> {
  const views = new Map<string, CheckoutView>();
  const unsettled = new Map<string, string>();
  try {
    await eventually(
      `${checkoutIds.length} checkouts to settle`,
      async () => {
        for (const id of checkoutIds) {
          if (views.has(id)) continue;
          const view = await api.ok<CheckoutView>(
            200,
            'GET',
            `/api/v1/ordering/checkouts/${id}`,
            token,
          );
          if (view.status === 'completed' || view.status === 'compensated') {
            views.set(id, view);
            unsettled.delete(id);
          } else {
            unsettled.set(id, `${view.status} at ${view.step}`);
          }
        }
        return views.size === checkoutIds.length ? true : undefined;
      },
      timeoutMs,
      200,
    );
  } catch (err) {
    const left = [...unsettled].map(([id, where]) => `${id}: ${where}`).join('\n');
    throw new Error(`${(err as Error).message}; still unsettled:\n${left}`, { cause: err });
  }
  return views;
}
