import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  postgresUrl,
  startCardProcessor,
  type RunningCardProcessor,
  type TestDatabase,
} from '@stratum/testing';
import type { OrderView } from '@stratum/ordering/contract';
import { checkoutInvariants } from '../support/checkout-invariants.ts';
import {
  apiOf,
  approvedCard,
  checkoutPath,
  declinedCard,
  eventually,
  killAllServers,
  openTill,
  ringUp,
  serverEnv,
  splitTender,
  startServer,
  waitUntilTerminal,
  type Api,
  type CheckoutAnswer,
  type CheckoutRequest,
  type ServerProcess,
  type Till,
} from '../support/checkout-till.ts';

/**
 * Checkouts against a card processor that fails: 503s, hung connections,
 * answers lost after the work was done. Once the faults stop, every saga
 * settles — completed, or undone for a declined card — and nobody is charged
 * twice or kept money for a sale that did not happen.
 */
describe.runIf(postgresUrl())('checkouts against a failing card processor on PostgreSQL', () => {
  let db: TestDatabase;
  let processor: RunningCardProcessor;
  let server: ServerProcess;
  let api: Api;
  let token: string;
  let till: Till;
  const noFaults = { errorRate: 0, timeoutRate: 0, lostResponseRate: 0 };

  beforeAll(async () => {
    db = await createTestDatabase(postgresUrl()!);
    processor = await startCardProcessor({ env: { PROCESSOR_SEED: '42' } });
    server = await startServer(
      {
        ...serverEnv(db.url, processor.url),
        CHECKOUT_RECOVERY_INTERVAL_MS: '100',
        CHECKOUT_REQUEST_WAIT_MS: '3000',
        // Long enough that no checkout is undone for the processor being away during the test.
        CHECKOUT_RETRY_WINDOW_MS: '300000',
      },
      ['--seed'],
    );
    api = apiOf(server.url);
    ({ token, till } = await openTill(api));
  }, 120_000);

  afterAll(async () => {
    await killAllServers();
    try {
      await processor?.stop();
    } finally {
      await db?.drop();
    }
  });

  /** Starts one checkout per tender set at once; answers the checkout ids. */
  async function checkOutAll(
    tenderSets: ((total: number) => CheckoutRequest)[],
  ): Promise<string[]> {
    const orders = [];
    for (const _ of tenderSets) orders.push(await ringUp(api, token, till));
    const answers = await Promise.all(
      orders.map(({ orderId, total }, i) =>
        api.call<CheckoutAnswer>('POST', checkoutPath(orderId), token, tenderSets[i]!(total), {
          'idempotency-key': `faults-${orderId}`,
        }),
      ),
    );
    return answers.map((a) => {
      // Done, still being retried, or undone: never an error of the server's own.
      expect([201, 202, 422], JSON.stringify(a.body)).toContain(a.status);
      if (a.status === 422) expect(a.body.code).toBe('checkout-failed');
      return a.status === 422 ? a.body.checkout!.id : a.body.id;
    });
  }

  const split = (total: number) => splitTender(till.registerId, total);
  /** Two cards, the second declined: undoing it refunds the first at the (faulty) processor. */
  const twoCards = (total: number): CheckoutRequest => {
    const first = Math.floor(total / 2);
    return {
      registerId: till.registerId,
      tenders: [
        { kind: 'card', amount: first, tip: 30, card: { number: approvedCard } },
        { kind: 'card', amount: total - first, card: { number: declinedCard } },
      ],
    };
  };

  it('settles every checkout made while the processor errs, hangs and loses answers', async () => {
    await processor.setFaults({
      errorRate: 0.3,
      timeoutRate: 0.15,
      hangMs: 300,
      lostResponseRate: 0.3,
      seed: 42,
    });
    const ids = await checkOutAll([...Array<typeof split>(8).fill(split), twoCards, twoCards]);
    const { faultsInjected } = await processor.stats();
    expect(
      faultsInjected.error + faultsInjected.timeout + faultsInjected.lostResponse,
    ).toBeGreaterThan(0);

    await processor.setFaults(noFaults);
    const views = await waitUntilTerminal(api, token, ids, 120_000);
    ids.forEach((id, i) => {
      expect(views.get(id), `checkout ${i}`).toMatchObject(
        i < 8
          ? { status: 'completed', failure: null }
          : { status: 'compensated', failure: { code: 'card-declined', step: 'pay:1' } },
      );
    });
    const report = await checkoutInvariants({
      ownerUrl: db.url,
      processor: { url: processor.url, apiKey: processor.apiKey },
    });
    expect(report.violations).toEqual([]);
    expect(report).toMatchObject({ completed: 8, compensated: 2 });
  }, 180_000);

  it('charges each card exactly once while every answer is lost, then settles', async () => {
    const before = await processor.stats();
    await processor.setFaults({ ...noFaults, lostResponseRate: 1 });
    const ids = await checkOutAll(Array<typeof split>(6).fill(split));
    // A while with every answer lost: until the processor has authorized every card, so each
    // one's first answer was lost and payments had to ask again to learn it.
    await eventually(
      'every card authorized while every answer is lost',
      async () =>
        (await processor.stats()).payments - before.payments >= ids.length ? true : undefined,
      60_000,
    );
    await processor.setFaults(noFaults);
    const views = await waitUntilTerminal(api, token, ids, 120_000);
    for (const id of ids) expect(views.get(id)).toMatchObject({ status: 'completed' });

    const after = await processor.stats();
    expect(
      after.faultsInjected.lostResponse - before.faultsInjected.lostResponse,
    ).toBeGreaterThanOrEqual(ids.length);
    // Asked more than once (the first answers were lost), charged once.
    const asked =
      (after.byRoute['POST /v1/payments'] ?? 0) - (before.byRoute['POST /v1/payments'] ?? 0);
    expect(asked).toBeGreaterThanOrEqual(2 * ids.length);
    expect(after.payments - before.payments).toBe(ids.length);
    for (const id of ids) {
      const card = views.get(id)!.tenders[1]!;
      const res = await fetch(`${processor.url}/v1/payments?reference=${card.paymentId}`, {
        headers: { authorization: `Bearer ${processor.apiKey}` },
      });
      const { items } = (await res.json()) as { items: unknown[] };
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        status: 'captured',
        capturedAmount: card.amount + card.tip,
      });
    }

    const report = await checkoutInvariants({
      ownerUrl: db.url,
      processor: { url: processor.url, apiKey: processor.apiKey },
    });
    expect(report.violations).toEqual([]);
    expect(report).toMatchObject({ completed: 14, compensated: 2 });
  }, 180_000);

  it('holds the order while its payment waits: nothing changes it, and its receipt number follows the last', async () => {
    const [previous] = await checkOutAll([split]);
    const last = (await waitUntilTerminal(api, token, [previous!], 60_000)).get(
      previous!,
    )!.receiptNumber!;
    await processor.setFaults({ ...noFaults, errorRate: 1 });
    const { orderId, total } = await ringUp(api, token, till);
    const card = {
      registerId: till.registerId,
      tenders: [{ kind: 'card', amount: total, card: { number: approvedCard } }],
    };
    const started = await api.call<CheckoutAnswer>('POST', checkoutPath(orderId), token, card, {
      'idempotency-key': `held-${orderId}`,
    });
    expect(started.status).toBe(202);
    const order = `/api/v1/ordering/orders/${orderId}`;
    const view = await api.ok<OrderView>(200, 'GET', order, token);
    expect(view.checkoutInProgress).toMatchObject({ checkoutId: started.body.id });
    const refusals = [
      await api.call('POST', `${order}/lines`, token, { variantId: till.water, quantity: 1 }),
      await api.call('PUT', `${order}/tip`, token, { amount: 100 }),
      await api.call('POST', `${order}/split`, token, { mode: 'even', parts: 2 }),
      await api.call('POST', `${order}/void`, token, { reason: 'guest left' }),
    ];
    for (const refused of refusals) {
      expect(refused.status).toBe(409);
      expect((refused.body as { code?: string }).code).toBe('order-in-checkout');
    }

    await processor.setFaults(noFaults);
    const views = await waitUntilTerminal(api, token, [started.body.id], 60_000);
    expect(views.get(started.body.id)).toMatchObject({
      status: 'completed',
      total,
      receiptNumber: last + 1,
    });
    const paid = await api.ok<OrderView>(200, 'GET', order, token);
    expect(paid).toMatchObject({ status: 'paid', checkoutInProgress: null, paidAmount: total });
    const report = await checkoutInvariants({
      ownerUrl: db.url,
      processor: { url: processor.url, apiKey: processor.apiKey },
    });
    expect(report.violations).toEqual([]);
  }, 120_000);
});
