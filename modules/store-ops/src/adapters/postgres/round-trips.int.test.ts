import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  createLogger,
  inProcessEventBus,
  lruCache,
  makeEnvelope,
  newId,
  openDatabase,
  type CallContext,
  type Database,
  type EventDefinition,
} from '@stratum/platform';
import { checkoutEvents, orderingEvents } from '@stratum/ordering/contract';
import {
  createTestDatabase,
  postgresUrl,
  transactionWrites,
  type TestDatabase,
} from '@stratum/testing';
import { createStoreOpsModule, storeOpsManifest, type StoreOpsModule } from '../../index.ts';

/**
 * What a sale costs store-ops in round trips on PostgreSQL (ADR 0016): the
 * writes each of its transactions makes, the `COMMIT` leaving with the last
 * statements where nothing is decided on their answers.
 */
describe.runIf(postgresUrl())('store-ops’ round trips per sale on PostgreSQL', () => {
  let pg: TestDatabase;
  let database: Database;
  let module: StoreOpsModule;
  let port: number;

  beforeAll(async () => {
    pg = await createTestDatabase(postgresUrl()!);
    port = Number(new URL(pg.url).port || 5432);
    ({ database } = await openDatabase({ url: pg.url, poolSize: 4 }, [
      storeOpsManifest.migrations,
    ]));
    const logger = createLogger({ level: 'silent' });
    module = createStoreOpsModule({
      database,
      bus: inProcessEventBus(logger),
      logger,
      wakeRelay: () => {},
      cache: lruCache(),
    });
  });
  afterAll(async () => {
    await database?.close();
    await pg?.drop();
  });

  /** The writes of each transaction `work` runs. */
  const writesOf = async (work: () => Promise<unknown>) =>
    (await transactionWrites(port, work)).map((w) => w.length);

  async function till() {
    const ctx: CallContext = {
      tenantId: newId(),
      actor: { kind: 'user', id: newId(), roles: ['owner'], permissions: [], stores: ['*'] },
    };
    const store = await module.api.createStore(ctx, {
      name: 'Corner café',
      timezone: 'Europe/Paris',
      currency: 'EUR',
      address: null,
      taxInclusive: true,
      taxRounding: 'per-line',
      oversellPolicy: 'block',
    });
    const register = await module.api.createRegister(ctx, {
      storeId: store.id,
      name: 'Till 1',
      deviceId: null,
    });
    return { ctx, store, register };
  }

  async function deliver<S extends z.ZodType>(
    event: EventDefinition<string, S>,
    payload: z.input<S>,
    tenantId: string,
  ) {
    const subscription = module.subscriptions?.find((s) => s.types.includes(event.type));
    await subscription!.handle(makeEnvelope(event, payload, tenantId));
  }

  it('numbers a receipt in two writes: the lock and the look-up, then the number with the commit', async () => {
    const { ctx, register } = await till();
    const allocate = (reference?: string) =>
      module.api.allocateReceiptNumber(ctx, register.id, reference ? { reference } : {});
    expect(await writesOf(() => allocate('order-1'))).toEqual([2]);
    expect(await writesOf(() => allocate())).toEqual([2]);
    // A retry finds its number behind the lock and commits on its own.
    expect(await writesOf(() => allocate('order-1'))).toEqual([2]);
    expect((await allocate('order-1')).number).toBe(1);
    expect((await allocate()).number).toBe(3);
  });

  it('posts a sale or a refund to the drawer in two writes: the inbox row with the reads, then the movement with the commit', async () => {
    const { ctx, store, register } = await till();
    const session = await module.api.openDrawer(ctx, register.id, { openingFloatMinor: 1_000 });
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
      await writesOf(() => deliver(checkoutEvents.checkoutCompleted, sale, ctx.tenantId)),
    ).toEqual([2]);
    // A cash refund reads the drawer's totals before its movement: one write more.
    expect(
      await writesOf(() => deliver(orderingEvents.orderRefunded, refund, ctx.tenantId)),
    ).toEqual([3]);
    expect(await module.api.xReport(ctx, session.id)).toMatchObject({
      cashSalesMinor: 500,
      cashRefundsMinor: 200,
      expectedCashMinor: 1_300,
    });
  });
});
