import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLogger,
  inProcessEventBus,
  lruCache,
  newId,
  openDatabase,
  type CallContext,
  type Database,
} from '@stratum/platform';
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
});
