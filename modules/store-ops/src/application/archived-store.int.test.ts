import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { newId, rowsOf } from '@stratum/platform';
import { createTestDatabase, postgresUrl, testEngines } from '@stratum/testing';
import { refusal, storeOpsHarness, type Harness } from '../test-harness.ts';

describe.each(testEngines())('an archived store’s registers on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await storeOpsHarness(
      engine === 'postgres' ? { postgres: await createTestDatabase(postgresUrl()!) } : {},
    );
  });
  afterAll(() => h?.close());

  /** The register's next number and the numbers it has issued, as the tables hold them. */
  const sequenceOf = (tenantId: string, registerId: string) =>
    h.database.transaction(
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
    const { ctx, store, register } = await h.storeWithRegister();
    const first = await h.api.allocateReceiptNumber(ctx, register.id, {
      reference: 'order-1',
    });
    expect(first.number).toBe(1);
    expect((await h.api.allocateReceiptNumber(ctx, register.id)).number).toBe(2);
    await h.api.archiveStore(ctx, store.id, 'closed for good');

    const plain = await refusal(() => h.api.allocateReceiptNumber(ctx, register.id));
    expect(plain).toMatchObject({ code: 'store-archived', kind: 'conflict' });
    const referenced = await refusal(() =>
      h.api.allocateReceiptNumber(ctx, register.id, { reference: 'order-3' }),
    );
    expect(referenced.code).toBe('store-archived');
    expect(await sequenceOf(ctx.tenantId, register.id)).toEqual({ next: 3, issued: [1, 2] });

    // A retry of a sale numbered before the archive gets its number back: nothing new is issued.
    expect(await h.api.allocateReceiptNumber(ctx, register.id, { reference: 'order-1' })).toEqual(
      first,
    );
    expect(await sequenceOf(ctx.tenantId, register.id)).toEqual({ next: 3, issued: [1, 2] });
  });

  it('opens no drawer and sets up no register or floor plan of an archived store, but retires its registers', async () => {
    const { ctx, store, register } = await h.storeWithRegister();
    const section = await h.api.createSection(ctx, {
      storeId: store.id,
      name: 'Terrace',
      position: 0,
    });
    const table = await h.api.createTable(ctx, {
      sectionId: section.id,
      name: 'T1',
      seats: 4,
    });
    const session = await h.api.openDrawer(ctx, register.id, { openingFloatMinor: 5_000 });
    // Archiving waits for the cash to be counted out: the drawer is closed first.
    expect(await refusal(() => h.api.archiveStore(ctx, store.id))).toMatchObject({
      code: 'store-has-open-drawers',
    });
    const z = await h.api.closeDrawer(ctx, session.id, { countedCashMinor: 5_000 });
    await h.api.archiveStore(ctx, store.id);

    const refused = async (call: () => Promise<unknown>) => (await refusal(call)).code;
    expect(await refused(() => h.api.openDrawer(ctx, register.id, { openingFloatMinor: 0 }))).toBe(
      'store-archived',
    );
    // With no drawer open (none can be, see above), no cash moves in or out of the store.
    expect(
      await refused(() =>
        h.api.cashIn(ctx, session.id, { amountMinor: 100, reason: 'change' }, newId()),
      ),
    ).toBe('drawer-not-open');
    expect(await refused(() => h.api.updateRegister(ctx, register.id, { name: 'T9' }))).toBe(
      'store-archived',
    );
    expect(await refused(() => h.api.updateSection(ctx, section.id, { position: 3 }))).toBe(
      'store-archived',
    );
    expect(await refused(() => h.api.updateTable(ctx, table.id, { seats: 6 }))).toBe(
      'store-archived',
    );
    expect(await refused(() => h.api.removeSection(ctx, section.id))).toBe('store-archived');

    expect(await h.api.getRegister(ctx, register.id)).toEqual(register);
    expect(await h.api.getTable(ctx, table.id)).toEqual(table);
    expect(await h.api.getZReport(ctx, session.id)).toEqual(z);
    expect(await h.api.deactivateRegister(ctx, register.id)).toMatchObject({
      id: register.id,
      status: 'deactivated',
    });
  });
});
