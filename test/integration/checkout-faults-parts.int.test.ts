import type { OrderView, SplitView } from '@stratum/ordering/contract';
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
  startServer,
  waitUntilTerminal,
  within,
  type Api,
  type CheckoutAnswer,
  type CheckoutRequest,
  type CrashRig,
  type ServerProcess,
  type Till,
} from '../support/checkout-till.ts';

/**
 * ADR 0014 for a split bill paid part by part: a real server is killed
 * (SIGKILL) at every step boundary of the checkout of a bill's first part,
 * and once at the undoing of one whose card is declined. A server started
 * afterwards must finish each, taking that part's money once and nothing
 * else (no stock, no receipt number); the second guest then pays the rest,
 * and every invariant holds across both checkouts of each order.
 */
const boundaries = ['pay:0:before', 'pay:0:after', 'confirm-order:before', 'confirm-order:after'];
const undoBoundary = 'refund:0:after';

interface Crash {
  boundary: string;
  orderId: string;
  parts: SplitView['parts'];
  body: CheckoutRequest;
  key: string;
  checkoutId: string;
  undo: boolean;
}

const partByCard = (till: Till, part: { partId: string; total: number }, card: string) => ({
  registerId: till.registerId,
  partId: part.partId,
  tenders: [{ kind: 'card' as const, amount: part.total, tip: 30, card: { number: card } }],
});

/** The order rung up and its bill split evenly in two. */
async function splitInTwo(api: Api, token: string, till: Till) {
  const { orderId } = await ringUp(api, token, till);
  const split = await api.ok<SplitView>(
    200,
    'POST',
    `/api/v1/ordering/orders/${orderId}/split`,
    token,
    { mode: 'even', parts: 2 },
  );
  return { orderId, parts: split.parts };
}

describe.runIf(postgresUrl())(
  'split-bill parts killed at every step boundary on PostgreSQL',
  () => {
    let rig: CrashRig;
    let recovery: ServerProcess | undefined;
    const crashes: Crash[] = [];

    beforeAll(async () => {
      rig = await crashRig('15');
    }, 120_000);
    afterAll(() => rig?.close());

    async function crashAt(boundary: string): Promise<Crash> {
      const undo = boundary === undoBoundary;
      const server = await startServer({
        ...rig.env,
        STRATUM_CRASH_AT: boundary,
        CHECKOUT_RECOVERY_INTERVAL_MS: '3600000',
      });
      const api = apiOf(server.url);
      const { token, till } = await openTill(api);
      const { orderId, parts } = await splitInTwo(api, token, till);
      const body = partByCard(till, parts[0]!, undo ? declinedCard : approvedCard);
      const key = `part-crash-${boundary}`;
      await expect(
        api.call('POST', checkoutPath(orderId), token, body, { 'idempotency-key': key }),
      ).rejects.toThrow();
      const exit = await within(server.run.exited, 30_000, () => `${boundary}: still alive`);
      expect(exit, boundary).toEqual({ code: null, signal: 'SIGKILL' });

      const checkout = (
        await rig.owner.query<{ id: string; status: string; step: string; plan: { kind: string } }>(
          'select id, status, step, plan from ordering.checkouts where order_id = $1',
          [orderId],
        )
      ).rows[0]!;
      // A part's pivot ends its saga: after it, the checkout is complete in the same commit.
      const pivoted = boundary === 'confirm-order:after';
      expect(checkout, boundary).toMatchObject({
        plan: { kind: 'part' },
        status: undo ? 'compensating' : pivoted ? 'completed' : 'running',
        step: undo ? 'refund:0' : pivoted ? 'done' : 'pay:0',
      });
      const order = (
        await rig.owner.query<{ status: string; state: { paidAmount: number } }>(
          'select status, state from ordering.orders where id = $1',
          [orderId],
        )
      ).rows[0]!;
      expect(order.state.paidAmount, boundary).toBe(pivoted ? parts[0]!.total : 0);
      return { boundary, orderId, parts, body, key, checkoutId: checkout.id, undo };
    }

    it('kills the server at each boundary of a part’s checkout', async () => {
      const queue = [...boundaries, undoBoundary];
      const worker = async () => {
        for (let b = queue.shift(); b; b = queue.shift()) crashes.push(await crashAt(b));
      };
      await Promise.all([worker(), worker()]);
      expect(crashes.map((c) => c.boundary).sort()).toEqual([...boundaries, undoBoundary].sort());
    }, 180_000);

    it('finishes each part once, and the second guest then pays the rest', async () => {
      expect(crashes).toHaveLength(boundaries.length + 1);
      recovery = await startServer({ ...rig.env, CHECKOUT_RECOVERY_INTERVAL_MS: '100' });
      const api = apiOf(recovery.url);
      const { token, till } = await openTill(api);
      const views = await waitUntilTerminal(
        api,
        token,
        crashes.map((c) => c.checkoutId),
        90_000,
      );
      for (const c of crashes) {
        const [first, second] = c.parts;
        expect(views.get(c.checkoutId), c.boundary).toMatchObject(
          c.undo
            ? { status: 'compensated', failure: { code: 'card-declined', step: 'pay:0' } }
            : { status: 'completed', partId: '1', balanceDue: second!.total, receiptNumber: null },
        );
        // The till never heard back: it asks again under the same key and gets the same checkout.
        const again = await api.call<CheckoutAnswer>(
          'POST',
          checkoutPath(c.orderId),
          token,
          c.body,
          {
            'idempotency-key': c.key,
          },
        );
        expect(again.status, c.boundary).toBe(c.undo ? 422 : 201);
        const order = () =>
          api.ok<OrderView>(200, 'GET', `/api/v1/ordering/orders/${c.orderId}`, token);
        expect(await order(), c.boundary).toMatchObject({
          status: 'open',
          paidAmount: c.undo ? 0 : first!.total,
          paidParts: c.undo ? [] : [{ partId: '1' }],
        });
        if (c.undo) {
          // The declined guest pays again, by another card.
          const retry = await api.call<CheckoutAnswer>(
            'POST',
            checkoutPath(c.orderId),
            token,
            partByCard(till, first!, approvedCard),
            { 'idempotency-key': `${c.key}-again` },
          );
          expect(retry.status, c.boundary).toBe(201);
        }
        const rest = await api.call<CheckoutAnswer>(
          'POST',
          checkoutPath(c.orderId),
          token,
          {
            registerId: till.registerId,
            partId: '2',
            tenders: [{ kind: 'cash', amount: second!.total, given: second!.total + 100 }],
          },
          { 'idempotency-key': `${c.key}-rest` },
        );
        expect(rest.status, c.boundary).toBe(201);
        expect(rest.body, c.boundary).toMatchObject({ status: 'completed', balanceDue: 0 });
        expect(await order(), c.boundary).toMatchObject({
          status: 'paid',
          paidAmount: first!.total + second!.total,
        });
      }
    }, 150_000);

    it('keeps every invariant across the parts: money, the processor, stock and receipts', async () => {
      const report = await rig.invariants();
      expect(report.violations).toEqual([]);
      expect(report).toMatchObject({
        // Each order: its first part (the declined one paid again), then the rest.
        completed: 2 * boundaries.length + 2,
        compensated: 1,
        // Every first part by card; the declined card never reached the processor's books.
        cardPayments: boundaries.length + 2,
        processorPayments: boundaries.length + 1,
      });
      await recovery?.stop();
      expect(await recovery?.run.exited).toEqual({ code: 0, signal: null });
    });
  },
);
