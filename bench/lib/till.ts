// The till's checkout loop, shared by the scenarios that drive it (checkout,
// shapes): cashiers with a register and a kept-alive connection each, ringing
// up a three-line order and paying it by card, with every failure kept.
import { performance } from 'node:perf_hooks';
import type { MenuDocument, MenuItem } from '@stratum/catalog/contract';
import type { CheckoutView, OrderView } from '@stratum/ordering/contract';
import { demoAccounts } from '../../apps/server/src/seed/demo-data.ts';
import type { Cleanup } from './cleanup.ts';
import { HttpClient, type HttpResponse } from './http-client.ts';
import { sleep } from './stats.ts';

const card = '4242424242424242';
/** How long the cashiers still running at the end may take to finish their checkout. */
const drainMs = 30_000;

/** A failed step of a checkout: which step, and what came back. */
export class StepError extends Error {
  readonly kind: string;
  constructor(step: string, res: HttpResponse | undefined, cause?: unknown) {
    let code = '';
    if (res) {
      try {
        const body = JSON.parse(res.body) as { code?: string; checkout?: CheckoutView };
        code = [body.code, body.checkout?.status, body.checkout?.failure?.code]
          .filter(Boolean)
          .join('/');
      } catch {
        code = 'unparseable body';
      }
    }
    const reason = res
      ? `${res.status}${code ? ` ${code}` : ''}`
      : cause instanceof Error
        ? ((cause as NodeJS.ErrnoException).code ?? cause.message)
        : String(cause);
    super(`${step}: ${reason}${res ? ` ${res.body.slice(0, 300)}` : ''}`);
    this.kind = `${step} ${reason}`;
  }
}

export async function expectJson<T>(
  step: string,
  expected: number,
  request: Promise<HttpResponse>,
): Promise<T> {
  let res: HttpResponse;
  try {
    res = await request;
  } catch (err) {
    throw new StepError(step, undefined, err);
  }
  if (res.status !== expected) throw new StepError(step, res);
  return JSON.parse(res.body) as T;
}

interface Line {
  variantId: string;
  optionIds?: string[];
  quantity: number;
}

/**
 * What a cashier rings up, picked from the menu as a till would: a drink with
 * a priced modifier option, a stocked retail item and a plain menu item.
 * `offset` spreads the cashiers over different items of each kind.
 */
function pickLines(menu: MenuDocument, offset: number): Line[] {
  const items = [...menu.categories.flatMap((c) => c.items), ...menu.uncategorized].filter(
    (i) => i.available,
  );
  const groups = new Map(menu.modifierGroups.map((g) => [g.id, g]));
  const nth = (list: MenuItem[], what: string) => {
    if (list.length === 0) throw new Error(`the menu has no ${what}`);
    return list[offset % list.length]!;
  };
  const modified = nth(
    items.filter(
      (i) =>
        i.kind === 'menu' &&
        i.modifierGroupIds.some((id) => groups.get(id)?.options.some((o) => o.priceDeltaMinor > 0)),
    ),
    'item with a priced modifier option',
  );
  // One priced option, plus whatever the item's required groups need.
  const optionIds: string[] = [];
  let priced = false;
  for (const id of modified.modifierGroupIds) {
    const group = groups.get(id)!;
    const paid = group.options.find((o) => o.priceDeltaMinor > 0);
    const wanted =
      !priced && paid && group.maxSelections >= 1
        ? [paid, ...group.options.filter((o) => o !== paid)]
        : group.options;
    const take = Math.max(group.minSelections, !priced && paid ? 1 : 0);
    optionIds.push(...wanted.slice(0, take).map((o) => o.id));
    if (take > 0 && paid) priced = true;
  }
  const plain = items.filter((i) => i.modifierGroupIds.length === 0 && i !== modified);
  const retail = nth(
    plain.filter((i) => i.kind === 'retail'),
    'retail item without modifiers',
  );
  const dish = nth(
    plain.filter((i) => i.kind === 'menu'),
    'menu item without modifiers',
  );
  return [
    { variantId: modified.variants[0]!.id, optionIds, quantity: 1 },
    { variantId: retail.variants[0]!.id, quantity: 1 },
    { variantId: dish.variants[0]!.id, quantity: 2 },
  ];
}

export interface Cashier {
  index: number;
  http: HttpClient;
  registerId: string;
  etag?: string;
  lines?: Line[];
  sequence: number;
}

/** One finished checkout: when it ended and how long each step took (ms). */
export interface Completed {
  end: number;
  checkoutMs: number;
  menuMs: number;
  createMs: number;
  payMs: number;
  menuStatus: number;
}

/** One failed checkout: when, which step and status (`kind`), and the answer. */
export interface Failure {
  at: number;
  kind: string;
  detail: string;
}

export interface Tills {
  store: { id: string; name: string };
  registerIds: string[];
  /** Registers the bench added so that every cashier has one. */
  created: number;
  cashiers: Cashier[];
}

/** Options of the bench's HTTP connections. */
export interface TillConnections {
  /** Loopback address the connections leave from (see HttpClient). */
  localAddress?: string;
}

/**
 * The demo café's first store with a till for each of `count` cashiers: the
 * owner adds registers as needed, every cashier signs in on a connection of
 * their own and opens the drawer of their till, as for a shift in a store.
 */
export async function openTills(
  baseUrl: string,
  count: number,
  cleanup: Cleanup,
  log: (message: string) => void,
  connections: TillConnections = {},
): Promise<Tills> {
  const connect = () => new HttpClient(baseUrl, connections.localAddress);
  const login = async (http: HttpClient, account: { email: string; password: string }) => {
    const { accessToken } = await expectJson<{ accessToken: string }>(
      'login',
      200,
      http.send('POST', '/api/v1/identity/auth/login', account),
    );
    http.headers.authorization = `Bearer ${accessToken}`;
  };
  const owner = connect();
  cleanup.add('owner connection', () => Promise.resolve(owner.close()));
  await login(owner, demoAccounts.owner);
  const stores = await expectJson<{ items: { id: string; name: string }[] }>(
    'stores',
    200,
    owner.send('GET', '/api/v1/store-ops/stores'),
  );
  const store = stores.items[0];
  if (!store) throw new Error('the demo data has no store');
  const registers = await expectJson<{ items: { id: string; name: string }[] }>(
    'registers',
    200,
    owner.send('GET', `/api/v1/store-ops/registers?storeId=${store.id}&limit=200`),
  );
  const registerIds = registers.items.map((r) => r.id);
  const created = Math.max(0, count - registerIds.length);
  for (let n = 1; registerIds.length < count; n += 1) {
    const register = await expectJson<{ id: string }>(
      'create-register',
      201,
      owner.send('POST', '/api/v1/store-ops/registers', {
        storeId: store.id,
        name: `Bench till ${n}`,
      }),
    );
    registerIds.push(register.id);
  }
  log(`store "${store.name}": ${registerIds.length} registers (${created} created for the bench)`);

  const cashiers: Cashier[] = [];
  for (let index = 0; index < count; index += 1) {
    const http = connect();
    cleanup.add(`cashier ${index} connection`, () => Promise.resolve(http.close()));
    await login(http, demoAccounts.cashier);
    cashiers.push({ index, http, registerId: registerIds[index]!, sequence: 0 });
  }
  // Each till's drawer is open for the shift, so every sale is posted to it as in a store.
  for (const c of cashiers) {
    await expectJson(
      'open-drawer',
      201,
      c.http.send('POST', `/api/v1/store-ops/registers/${c.registerId}/drawer`, {
        openingFloatMinor: 10_000,
      }),
    );
  }
  log(`${count} cashiers signed in, each with the drawer of their till open`);
  return { store, registerIds, created, cashiers };
}

export interface CheckoutLoad {
  /** Every checkout finished so far (a scenario may empty it between phases). */
  readonly completed: Completed[];
  /** Every checkout that failed so far: counted, never retried silently. */
  readonly failures: Failure[];
  /** One sale: menu (revalidated), the order with its three lines, card checkout. */
  checkout: (c: Cashier) => Promise<void>;
  /**
   * Runs `list` until `stopAt` (a `performance.now()` time), then waits
   * (bounded) for checkouts in flight; rejects if they do not finish.
   */
  run: (list: Cashier[], stopAt: number) => Promise<void>;
}

/** The checkout loop of the cashiers of `storeId`; `runId` keeps idempotency keys unique. */
export function checkoutLoad(storeId: string, runId: string): CheckoutLoad {
  const menuPath = `/api/v1/catalog/stores/${storeId}/menu`;
  const completed: Completed[] = [];
  const failures: Failure[] = [];

  const checkout = async (c: Cashier) => {
    const began = performance.now();
    let res: HttpResponse;
    try {
      res = await c.http.send(
        'GET',
        menuPath,
        undefined,
        c.etag ? { 'if-none-match': c.etag } : {},
      );
    } catch (err) {
      throw new StepError('menu', undefined, err);
    }
    if (res.status === 200) {
      c.etag = res.headers.etag;
      c.lines = pickLines(JSON.parse(res.body) as MenuDocument, c.index);
    } else if (res.status !== 304 || !c.lines) {
      throw new StepError('menu', res);
    }
    const menuStatus = res.status;
    const orderStart = performance.now();
    // The till sends the sale it rang up as one order with its lines.
    const view = await expectJson<OrderView>(
      'create-order',
      201,
      c.http.send('POST', '/api/v1/ordering/orders', {
        storeId,
        registerId: c.registerId,
        fulfilment: { type: 'takeaway' },
        lines: c.lines,
      }),
    );
    const payStart = performance.now();
    c.sequence += 1;
    const result = await expectJson<CheckoutView>(
      'checkout',
      201,
      c.http.send(
        'POST',
        `/api/v1/ordering/orders/${view.orderId}/checkout`,
        {
          registerId: c.registerId,
          tenders: [{ kind: 'card', amount: view.totals.total, card: { number: card } }],
        },
        { 'idempotency-key': `bench-${runId}-${c.index}-${c.sequence}` },
      ),
    );
    if (result.status !== 'completed' || result.total !== view.totals.total) {
      throw new StepError('checkout', {
        status: 201,
        headers: {},
        body: JSON.stringify({ code: `status ${result.status}`, checkout: result }),
      });
    }
    const end = performance.now();
    completed.push({
      end,
      checkoutMs: end - orderStart,
      menuMs: orderStart - began,
      createMs: payStart - orderStart,
      payMs: end - payStart,
      menuStatus,
    });
  };

  const cashierLoop = async (c: Cashier, stopAt: number) => {
    while (performance.now() < stopAt) {
      try {
        await checkout(c);
      } catch (err) {
        const kind = err instanceof StepError ? err.kind : 'bench';
        const detail = err instanceof Error ? err.message : String(err);
        failures.push({ at: performance.now(), kind, detail });
        await sleep(100); // a failing server is not hammered in a tight loop
      }
    }
  };

  const run = async (list: Cashier[], stopAt: number) => {
    let timer: NodeJS.Timeout | undefined;
    const loops = Promise.all(list.map((c) => cashierLoop(c, stopAt)));
    const bounded = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), stopAt - performance.now() + drainMs);
    });
    const outcome = await Promise.race([loops, bounded]);
    clearTimeout(timer);
    if (outcome === 'timeout') throw new Error(`cashiers still busy ${drainMs} ms after the end`);
  };

  return { completed, failures, checkout, run };
}

export interface WindowOptions<S extends { t: number }> {
  warmupSeconds: number;
  durationSeconds: number;
  log: (message: string) => void;
  /** Readings at the start and at the end of the measured window (`t`: performance.now()). */
  snapshot: (previous?: S) => Promise<S>;
}

/**
 * Every cashier checks out for a warm-up (discarded), then for the measured
 * window, with a progress line every 5 s; resolves with the snapshots taken
 * at the window's start and end once every checkout in flight has finished.
 */
export async function measureWindow<S extends { t: number }>(
  load: CheckoutLoad,
  cashiers: Cashier[],
  options: WindowOptions<S>,
): Promise<{ first: S; last: S }> {
  const { warmupSeconds, durationSeconds, log, snapshot } = options;
  const stopAt = performance.now() + (warmupSeconds + durationSeconds) * 1000;
  const measured = (async () => {
    await sleep(warmupSeconds * 1000);
    const first = await snapshot();
    log(`warm-up done: ${load.completed.length} checkouts, ${load.failures.length} errors`);
    const progress = setInterval(() => {
      const seconds = (performance.now() - first.t) / 1000;
      const done = load.completed.filter((s) => s.end >= first.t).length;
      log(`${seconds.toFixed(0)} s: ${(done / seconds).toFixed(1)} checkouts/s`);
    }, 5000);
    await sleep(Math.max(0, stopAt - performance.now()));
    clearInterval(progress);
    return { first, last: await snapshot(first) };
  })();
  // If the cashiers fail first, the window's own failure must not go unhandled.
  measured.catch(() => {});
  await load.run(cashiers, stopAt);
  return measured;
}
