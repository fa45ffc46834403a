import type pg from 'pg';
import type { OrderView } from '@stratum/ordering/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUrl } from '@stratum/testing';
import {
  apiOf,
  approvedCard,
  checkoutPath,
  crashRig,
  declinedCard,
  openTill,
  ringUp,
  splitTender,
  startServer,
  waitUntilTerminal,
  within,
  type CheckoutAnswer,
  type CheckoutRequest,
  type CrashRig,
  type ServerProcess,
} from '../support/checkout-till.ts';

/**
 * ADR 0014: "a crash is not a failure". A real server process is killed
 * (SIGKILL, by the saga's own crash hook) at every step boundary of a
 * cash + card checkout; a server started afterwards on the same PostgreSQL
 * database must finish every one of them, charging once, numbering once and
 * selling the stock once. The same for a checkout being undone (a declined
 * card) killed right after each undo step: it must end undone, keeping nothing.
 */
const steps = ['place', 'reserve-stock', 'pay:0', 'pay:1', 'confirm-order', 'confirm-stock'];
const undoSteps = ['refund:1', 'refund:0', 'release-stock', 'release-order'];
/** `place` commits with the saga's creation: there is no boundary between them to crash at. */
const boundaries = steps.slice(1).flatMap((step) => [`${step}:before`, `${step}:after`]);
const undoBoundaries = undoSteps.map((step) => `${step}:after`);
/** Crashing servers started at once: they are CPU-bound while they start (2 cores in CI). */
const parallel = 4;

interface CheckoutRow {
  id: string;
  order_id: string;
  status: string;
  step: string;
  plan: { reservationId: string; tenders: { paymentId: string }[] };
}

interface Crash {
  boundary: string;
  orderId: string;
  body: CheckoutRequest;
  key: string;
  checkoutId: string;
  undo: boolean;
}

describe.runIf(postgresUrl())('checkouts killed at every step boundary on PostgreSQL', () => {
  let rig: CrashRig;
  let recovery: ServerProcess | undefined;
  const crashes: Crash[] = [];

  beforeAll(async () => {
    rig = await crashRig('14');
  }, 120_000);
  afterAll(() => rig?.close());

  const one = async <T extends pg.QueryResultRow>(text: string, values: unknown[]) =>
    (await rig.owner.query<T>(text, values)).rows[0];

  /** Whether the step's own effect is in the database (`place` and `refund:1` have none). */
  async function effectOf(step: string, checkout: CheckoutRow): Promise<boolean | undefined> {
    const { plan } = checkout;
    const status = async (table: string, id: string) =>
      (await one<{ status: string }>(`select status from ${table} where id = $1`, [id]))?.status;
    if (step === 'place' || step === 'refund:1') return undefined;
    if (step === 'reserve-stock') {
      return (await status('inventory.reservations', plan.reservationId)) !== undefined;
    }
    if (step.startsWith('pay:')) {
      return (
        (await status('payments.payments', plan.tenders[Number(step.slice(4))]!.paymentId)) ===
        'captured'
      );
    }
    if (step === 'refund:0') {
      return (await status('payments.payments', plan.tenders[0]!.paymentId)) === 'refunded';
    }
    if (step === 'confirm-order') {
      // Paid, and the kitchen told, in one transaction.
      const paid = (await status('ordering.orders', checkout.order_id)) === 'paid';
      const fired = !!(await one(
        'select 1 from ordering.kitchen_tickets where order_id = $1 limit 1',
        [checkout.order_id],
      ));
      expect(fired, 'tickets exactly when the order is paid').toBe(paid);
      return paid;
    }
    if (step === 'release-order') {
      const order = await one<{ status: string; held: boolean }>(
        `select status, coalesce(state->'checkout', 'null'::jsonb) <> 'null'::jsonb as held
         from ordering.orders where id = $1`,
        [checkout.order_id],
      );
      return order?.status === 'open' && !order.held;
    }
    if (step === 'release-stock') {
      return (await status('inventory.reservations', plan.reservationId)) === 'released';
    }
    return (await status('inventory.reservations', plan.reservationId)) === 'confirmed';
  }

  async function crashAt(boundary: string): Promise<Crash> {
    const step = boundary.slice(0, boundary.lastIndexOf(':'));
    const phase = boundary.slice(boundary.lastIndexOf(':') + 1);
    const undo = undoSteps.includes(step);
    // This process must die on its own checkout: its recovery worker never runs (an hour
    // away), so it cannot pick up, and crash on, a checkout another process left behind.
    const server = await startServer({
      ...rig.env,
      STRATUM_CRASH_AT: boundary,
      CHECKOUT_RECOVERY_INTERVAL_MS: '3600000',
    });
    const api = apiOf(server.url);
    const { token, till } = await openTill(api);
    const { orderId, total } = await ringUp(api, token, till);
    const body = splitTender(till.registerId, total, undo ? declinedCard : approvedCard);
    const key = `crash-${boundary}`;
    await expect(
      api.call('POST', checkoutPath(orderId), token, body, { 'idempotency-key': key }),
    ).rejects.toThrow();
    const exit = await within(server.run.exited, 30_000, () => `${boundary}: still alive`);
    expect(exit, boundary).toEqual({ code: null, signal: 'SIGKILL' });

    const checkout = (await one<CheckoutRow>(
      'select * from ordering.checkouts where order_id = $1',
      [orderId],
    ))!;
    // The row records progress at checkpoints (ADR 0014): creation, the pivot, the end.
    const pivot = steps.indexOf('confirm-order');
    const at = steps.indexOf(step);
    const checkpoint = undo
      ? step
      : at > pivot || (at === pivot && phase === 'after')
        ? 'confirm-stock'
        : 'reserve-stock';
    expect(checkout, boundary).toMatchObject({
      status: undo ? 'compensating' : 'running',
      step: checkpoint,
      ...(undo && { failure: { code: 'card-declined', step: 'pay:1' } }),
    });
    const logged = await rig.owner.query<{ step: string }>(
      'select step from ordering.checkout_steps where checkout_id = $1',
      [checkout.id],
    );
    // Undoing a card declined at pay:1 follows place, reserve-stock and pay:0.
    const path = undo ? [...steps.slice(0, 3), ...undoSteps] : steps;
    const done = logged.rows.map((r) => r.step);
    done.sort((a, b) => path.indexOf(a) - path.indexOf(b));
    const expected = path.slice(0, path.indexOf(checkpoint));
    expect(done, `${boundary}: steps logged`).toEqual(expected);
    const effect = await effectOf(step, checkout);
    if (effect !== undefined) expect(effect, `${boundary}: effect done`).toBe(phase === 'after');
    return { boundary, orderId, body, key, checkoutId: checkout.id, undo };
  }

  it('kills the server at each boundary, with the step done only after it', async () => {
    const queue = [...boundaries, ...undoBoundaries];
    const worker = async () => {
      for (let b = queue.shift(); b; b = queue.shift()) crashes.push(await crashAt(b));
    };
    await Promise.all(Array.from({ length: parallel }, worker));
    expect(crashes.map((c) => c.boundary).sort()).toEqual(
      [...boundaries, ...undoBoundaries].sort(),
    );
  }, 240_000);

  it('finishes every crashed checkout once a normal server runs on the database', async () => {
    expect(crashes).toHaveLength(boundaries.length + undoBoundaries.length);
    recovery = await startServer({ ...rig.env, CHECKOUT_RECOVERY_INTERVAL_MS: '100' });
    const api = apiOf(recovery.url);
    const { token } = await openTill(api);
    // The dead processes' leases (30 s) must lapse before the recovery worker takes over.
    const views = await waitUntilTerminal(
      api,
      token,
      crashes.map((c) => c.checkoutId),
      90_000,
    );
    for (const c of crashes) {
      expect(views.get(c.checkoutId), c.boundary).toMatchObject(
        c.undo
          ? { status: 'compensated', failure: { code: 'card-declined', step: 'pay:1' } }
          : { status: 'completed', step: 'done', failure: null },
      );
    }
    // One register, fourteen checkouts paid: receipts 1 to 14, none twice, none skipped.
    const numbers = crashes
      .filter((c) => !c.undo)
      .map((c) => views.get(c.checkoutId)!.receiptNumber!);
    expect(numbers.sort((a, b) => a - b)).toEqual(boundaries.map((_, i) => i + 1));

    // The till never heard back: it retries with the same key and gets the same checkout.
    for (const c of crashes) {
      const again = await api.call<CheckoutAnswer>('POST', checkoutPath(c.orderId), token, c.body, {
        'idempotency-key': c.key,
      });
      const order = await api.ok<OrderView>(
        200,
        'GET',
        `/api/v1/ordering/orders/${c.orderId}`,
        token,
      );
      if (c.undo) {
        expect(again.status, c.boundary).toBe(422);
        expect(again.body, c.boundary).toMatchObject({
          code: 'checkout-failed',
          checkout: { id: c.checkoutId, status: 'compensated' },
        });
        // The bill is still owed, free to be paid another way.
        expect(order, c.boundary).toMatchObject({ status: 'open', checkoutInProgress: null });
      } else {
        expect(again.status, c.boundary).toBe(201);
        expect(again.body, c.boundary).toMatchObject({ id: c.checkoutId, status: 'completed' });
        expect(order.status, c.boundary).toBe('paid');
        expect(
          order.lines.every((l) => l.firedAt !== null),
          c.boundary,
        ).toBe(true);
      }
    }
  }, 150_000);

  it('keeps every invariant: money, the processor, stock and receipt numbers', async () => {
    const report = await rig.invariants();
    expect(report.violations).toEqual([]);
    expect(report).toMatchObject({
      completed: boundaries.length,
      compensated: undoBoundaries.length,
      cardPayments: boundaries.length + undoBoundaries.length,
      // A declined card leaves no payment at the processor.
      processorPayments: boundaries.length,
    });
    await recovery?.stop();
    expect(await recovery?.run.exited).toEqual({ code: 0, signal: null });
  });
});
