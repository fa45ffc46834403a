import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import {
  createLogger,
  DomainError,
  inProcessEventBus,
  lruCache,
  newId,
  openDatabase,
  rowsOf,
  type CallContext,
  type Database,
} from '@stratum/platform';
import { createTestDatabase, postgresUrl, testEngines, type TestDatabase } from '@stratum/testing';
import { createStoreOpsModule, storeOpsManifest, type StoreOpsModule } from '../index.ts';

/** The error `call` fails with (fails the test if it succeeds). */
async function refusal(call: () => Promise<unknown>): Promise<DomainError> {
  let value: unknown;
  try {
    value = await call();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    return err as DomainError;
  }
  throw new Error(`expected a refusal, got ${JSON.stringify(value)}`);
}

describe.each(testEngines())('an archived store’s registers on %s', (engine) => {
  let pg: TestDatabase | undefined;
  let database: Database;
  let module: StoreOpsModule;

  beforeAll(async () => {
    pg = engine === 'postgres' ? await createTestDatabase(postgresUrl()!) : undefined;
    ({ database } = await openDatabase(
      pg ? { url: pg.url, poolSize: 4 } : { dataDir: ':memory:' },
      [storeOpsManifest.migrations],
    ));
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

  /** A tenant's owner with a store and a register in it. */
  async function storeWithRegister() {
    const ctx: CallContext = {
      tenantId: newId(),
      actor: { kind: 'user', id: newId(), roles: ['owner'], permissions: [], stores: ['*'] },
    };
    const store = await module.api.createStore(ctx, {
      name: 'Main street',
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

  /** The register's next number and the numbers it has issued, as the tables hold them. */
  const sequenceOf = (tenantId: string, registerId: string) =>
    database.transaction(
      async (tx) => {
        const [next] = rowsOf<{ n: string | number }>(
          await tx.execute(sql`
            select next_number as n from store_ops.receipt_sequences
            where register_id = ${registerId}::uuid`),
        );
        const issued = rowsOf<{ n: string | number }>(
          await tx.execute(sql`
            select number as n from store_ops.receipt_numbers
            where register_id = ${registerId}::uuid order by number`),
        );
        return { next: Number(next?.n), issued: issued.map((r) => Number(r.n)) };
      },
      { tenantId },
    );

  it('issues no receipt number once the store is archived, and the sequence stays where it was', async () => {
    const { ctx, store, register } = await storeWithRegister();
    const first = await module.api.allocateReceiptNumber(ctx, register.id, {
      reference: 'order-1',
    });
    expect(first.number).toBe(1);
    expect((await module.api.allocateReceiptNumber(ctx, register.id)).number).toBe(2);
    await module.api.archiveStore(ctx, store.id, 'closed for good');

    const plain = await refusal(() => module.api.allocateReceiptNumber(ctx, register.id));
    expect(plain).toMatchObject({ code: 'store-archived', kind: 'conflict' });
    const referenced = await refusal(() =>
      module.api.allocateReceiptNumber(ctx, register.id, { reference: 'order-3' }),
    );
    expect(referenced.code).toBe('store-archived');
    expect(await sequenceOf(ctx.tenantId, register.id)).toEqual({ next: 3, issued: [1, 2] });

    // A retry of a sale numbered before the archive gets its number back: nothing new is issued.
    expect(
      await module.api.allocateReceiptNumber(ctx, register.id, { reference: 'order-1' }),
    ).toEqual(first);
    expect(await sequenceOf(ctx.tenantId, register.id)).toEqual({ next: 3, issued: [1, 2] });
  });

  it('opens no drawer and sets up no register or floor plan of an archived store, but retires its registers', async () => {
    const { ctx, store, register } = await storeWithRegister();
    const section = await module.api.createSection(ctx, {
      storeId: store.id,
      name: 'Terrace',
      position: 0,
    });
    const table = await module.api.createTable(ctx, {
      sectionId: section.id,
      name: 'T1',
      seats: 4,
    });
    const session = await module.api.openDrawer(ctx, register.id, { openingFloatMinor: 5_000 });
    // Archiving waits for the cash to be counted out: the drawer is closed first.
    expect(await refusal(() => module.api.archiveStore(ctx, store.id))).toMatchObject({
      code: 'store-has-open-drawers',
    });
    const z = await module.api.closeDrawer(ctx, session.id, { countedCashMinor: 5_000 });
    await module.api.archiveStore(ctx, store.id);

    const refused = async (call: () => Promise<unknown>) => (await refusal(call)).code;
    expect(
      await refused(() => module.api.openDrawer(ctx, register.id, { openingFloatMinor: 0 })),
    ).toBe('store-archived');
    // With no drawer open (none can be, see above), no cash moves in or out of the store.
    expect(
      await refused(() =>
        module.api.cashIn(ctx, session.id, { amountMinor: 100, reason: 'change' }, newId()),
      ),
    ).toBe('drawer-not-open');
    expect(await refused(() => module.api.updateRegister(ctx, register.id, { name: 'T9' }))).toBe(
      'store-archived',
    );
    expect(await refused(() => module.api.updateSection(ctx, section.id, { position: 3 }))).toBe(
      'store-archived',
    );
    expect(await refused(() => module.api.updateTable(ctx, table.id, { seats: 6 }))).toBe(
      'store-archived',
    );
    expect(await refused(() => module.api.removeSection(ctx, section.id))).toBe('store-archived');

    expect(await module.api.getRegister(ctx, register.id)).toEqual(register);
    expect(await module.api.getTable(ctx, table.id)).toEqual(table);
    expect(await module.api.getZReport(ctx, session.id)).toEqual(z);
    expect(await module.api.deactivateRegister(ctx, register.id)).toMatchObject({
      id: register.id,
      status: 'deactivated',
    });
  });
});
