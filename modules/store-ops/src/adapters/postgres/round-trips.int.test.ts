import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@stratum/platform';
import { checkoutEvents, orderingEvents } from '@stratum/ordering/contract';
import { createTestDatabase, postgresUrl, transactionWrites } from '@stratum/testing';
import { storeOpsHarness, type Harness } from '../../test-harness.ts';

/**
 * What a sale costs store-ops in round trips on PostgreSQL (ADR 0016): the
 * writes each of its transactions makes, the `COMMIT` leaving with the last
 * statements where nothing is decided on their answers.
 */
describe.runIf(postgresUrl())('store-ops’ round trips per sale on PostgreSQL', () => {
  let h: Harness;
  let port: number;

  beforeAll(async () => {
    const pg = await createTestDatabase(postgresUrl()!);
    port = Number(new URL(pg.url).port || 5432);
    h = await storeOpsHarness({ postgres: pg });
  });
  afterAll(() => h?.close());

  /** The writes of each transaction `work` runs. */
  const writesOf = async (work: () => Promise<unknown>) =>
    (await transactionWrites(port, work)).map((w) => w.length);

  it('numbers a receipt in two writes: the lock and the look-up, then the number with the commit', async () => {
    const { ctx, register } = await h.storeWithRegister();
    const allocate = (reference?: string) =>
      h.api.allocateReceiptNumber(ctx, register.id, reference ? { reference } : {});
    expect(await writesOf(() => allocate('order-1'))).toEqual([2]);
    expect(await writesOf(() => allocate())).toEqual([2]);
    // A retry finds its number behind the lock and commits on its own.
    expect(await writesOf(() => allocate('order-1'))).toEqual([2]);
    expect((await allocate('order-1')).number).toBe(1);
    expect((await allocate()).number).toBe(3);
  });

  it('posts a sale or a refund to the drawer in two writes: the inbox row with the reads, then the movement with the commit', async () => {
    const { ctx, store, register } = await h.storeWithRegister();
    const session = await h.api.openDrawer(ctx, register.id, { openingFloatMinor: 1_000 });
    const paymentId = newId();
    const sale = {
      checkoutId: newId(),
      orderId: newId(),
      storeId: store.id,
      registerId: register.id,
      total: 500,
      currency: 'EUR',
      receiptNumber: 1,
      payments: [{ paymentId, kind: 'cash' as const, amount: 500, tip: 0 }],
    };
    const refund = {
      orderId: sale.orderId,
      storeId: store.id,
      registerId: register.id,
      refundId: newId(),
      paymentId,
      tender: 'cash',
      amount: 200,
      currency: 'EUR',
      refundedTotal: 200,
      reason: 'spilled',
      approvedBy: 'manager-1',
      refundedAt: new Date().toISOString(),
    };
    expect(
      await writesOf(() => h.deliver(checkoutEvents.checkoutCompleted, sale, ctx.tenantId)),
    ).toEqual([2]);
    // A cash refund reads the drawer's totals before its movement: one write more.
    expect(
      await writesOf(() => h.deliver(orderingEvents.orderRefunded, refund, ctx.tenantId)),
    ).toEqual([3]);
    expect(await h.api.xReport(ctx, session.id)).toMatchObject({
      cashSalesMinor: 500,
      cashRefundsMinor: 200,
      expectedCashMinor: 1_300,
    });
  });
});
