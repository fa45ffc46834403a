import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUniqueViolation, newId, rowsOf, type CallContext } from '@stratum/platform';
import { createTestDatabase, postgresUrl, testEngines } from '@stratum/testing';
import type { RecordCountInput, RecordMovementsInput } from '../contract.ts';
import { idempotencyKeys } from '../adapters/postgres/schema.ts';
import { inventoryHarness, type Harness } from '../test-harness.ts';

describe.each(testEngines())(
  'Idempotency-Keys of stock movements, counts and transfers on %s',
  (engine) => {
    let h: Harness;
    beforeAll(async () => {
      h = await inventoryHarness(
        engine === 'postgres' ? { postgres: await createTestDatabase(postgresUrl()!) } : {},
      );
    });
    afterAll(() => h?.close());

    const ledger = async (ctx: CallContext, storeId: string) =>
      (await h.api.listMovements(ctx, { storeId, limit: 50, sort: 'occurredAt' })).items;

    async function twoStores() {
      const s = await h.stockedStore('block', 20);
      const to = newId();
      h.stores.set(to, 'block');
      return { ...s, to };
    }

    it('needs a key to move, count or dispatch stock, and moves nothing without one', async () => {
      const { ctx, store, soda, to, level } = await twoStores();
      const receipt: RecordMovementsInput = {
        storeId: store,
        kind: 'receipt',
        lines: [{ stockItemId: soda, quantity: 5 }],
      };
      for (const key of [undefined, '']) {
        await expect(h.api.recordMovements(ctx, receipt, key)).rejects.toMatchObject({
          code: 'idempotency-key-required',
          kind: 'invalid',
        });
        await expect(
          h.api.dispatchTransfer(
            ctx,
            { fromStoreId: store, toStoreId: to, lines: [{ stockItemId: soda, quantity: 1 }] },
            key,
          ),
        ).rejects.toMatchObject({ code: 'idempotency-key-required' });
        await expect(
          h.api.recordCount(
            ctx,
            { storeId: store, lines: [{ stockItemId: soda, counted: 3 }] },
            key,
          ),
        ).rejects.toMatchObject({ code: 'idempotency-key-required', kind: 'invalid' });
      }
      expect(await level()).toMatchObject({ onHand: 20, inTransit: 0 });
      expect(await ledger(ctx, store)).toHaveLength(1);
      expect(await h.api.getLevel(ctx, to, soda)).toMatchObject({ onHand: 0, inTransit: 0 });
    });

    it('answers a retried receipt with its first answer and records it once', async () => {
      const { tenant, ctx, store, soda, level } = await h.stockedStore('block', 0);
      const input: RecordMovementsInput = {
        storeId: store,
        kind: 'receipt',
        reference: 'delivery note 42',
        lines: [{ stockItemId: soda, quantity: 12 }],
      };
      const first = await h.api.recordMovements(ctx, input, 'delivery-42');
      const retry = await h.api.recordMovements(ctx, input, 'delivery-42');
      expect(first.replayed).toBe(false);
      expect(retry).toEqual({ ...first, replayed: true });
      // Fields in another order are the same request.
      const reordered = await h.api.recordMovements(
        ctx,
        { lines: input.lines, reference: input.reference!, kind: 'receipt', storeId: store },
        'delivery-42',
      );
      expect(reordered).toEqual({ ...first, replayed: true });

      expect(await level()).toMatchObject({ onHand: 12 });
      expect((await ledger(ctx, store)).map((m) => [m.batchId, m.quantity])).toEqual([
        [first.batchId, 12],
      ]);
      expect(await h.events(tenant, 'inventory.stock-adjusted')).toHaveLength(1);
      expect((await h.audit(tenant)).filter((e) => e.action === 'stock.receipt')).toHaveLength(1);
    });

    it('replays the warnings of the first answer, not what the stock says now', async () => {
      const { ctx, store, soda, level } = await h.stockedStore('warn', 3);
      const input: RecordMovementsInput = {
        storeId: store,
        kind: 'waste',
        reason: 'dropped crate',
        lines: [{ stockItemId: soda, quantity: 5 }],
      };
      const first = await h.api.recordMovements(ctx, input, 'crate');
      expect(first.warnings).toEqual([expect.objectContaining({ requested: 5, available: 3 })]);
      await h.api.recordMovements(
        ctx,
        { storeId: store, kind: 'receipt', lines: [{ stockItemId: soda, quantity: 50 }] },
        'restock',
      );
      expect(await h.api.recordMovements(ctx, input, 'crate')).toEqual({
        ...first,
        replayed: true,
      });
      expect(await level()).toMatchObject({ onHand: 48 });
    });

    it('refuses another request under a used key, whatever differs, and moves nothing', async () => {
      const { ctx, store, soda, level } = await h.stockedStore('block', 10);
      const input: RecordMovementsInput = {
        storeId: store,
        kind: 'adjustment',
        reason: 'recount',
        lines: [{ stockItemId: soda, quantity: -2 }],
      };
      await h.api.recordMovements(ctx, input, 'recount-1');
      for (const other of [
        { ...input, reason: 'another recount' },
        { ...input, lines: [{ stockItemId: soda, quantity: -3 }] },
        { ...input, kind: 'waste' as const, lines: [{ stockItemId: soda, quantity: 2 }] },
      ]) {
        await expect(h.api.recordMovements(ctx, other, 'recount-1')).rejects.toMatchObject({
          code: 'idempotency-key-reused',
          kind: 'unprocessable',
        });
      }
      expect(await level()).toMatchObject({ onHand: 8 });
      expect(await ledger(ctx, store)).toHaveLength(2);
    });

    /** Sells `quantity` of `soda`: a reservation and its confirmation, as a checkout does. */
    async function sell(ctx: CallContext, storeId: string, soda: string, quantity: number) {
      const { reservation } = await h.api.reserve(ctx, {
        storeId,
        lines: [{ variantId: soda, quantity }],
      });
      await h.api.confirmReservation(ctx, reservation.id);
    }

    it('answers a count retried after a sale with its first answer, leaving the sale on hand', async () => {
      const { tenant, ctx, store, soda, level } = await h.stockedStore('block', 20);
      const input: RecordCountInput = {
        storeId: store,
        note: 'shelf count',
        lines: [{ stockItemId: soda, counted: 18 }],
      };
      const first = await h.api.recordCount(ctx, input, 'count-1');
      expect(first).toMatchObject({
        replayed: false,
        lines: [{ stockItemId: soda, expected: 20, counted: 18, difference: -2 }],
      });
      await sell(ctx, store, soda, 3);
      expect(await level()).toMatchObject({ onHand: 15 });

      // The answer was lost; the back office sends the same count again.
      const retry = await h.api.recordCount(ctx, input, 'count-1');
      expect(retry).toEqual({ ...first, replayed: true });
      expect(await level()).toMatchObject({ onHand: 15, reserved: 0 });
      expect((await ledger(ctx, store)).filter((m) => m.kind === 'count-correction')).toEqual([
        expect.objectContaining({ batchId: first.batchId, quantity: -2 }),
      ]);
      const { replayed: _, ...count } = first;
      expect(await h.api.getCount(ctx, first.id)).toEqual(count);
      const adjusted = await h.events(tenant, 'inventory.stock-adjusted');
      expect(adjusted.filter((e) => e.payload['kind'] === 'count-correction')).toHaveLength(1);
      expect(
        (await h.audit(tenant)).filter((e) => e.action === 'stock.count-correction'),
      ).toHaveLength(1);
      expect((await h.api.checkConsistency(ctx, {})).consistent).toBe(true);
    });

    it('refuses another count under a used key, whatever differs, and counts nothing', async () => {
      const { tenant, ctx, store, soda, level } = await h.stockedStore('block', 10);
      const other = await h.item(tenant, 'retail');
      const input: RecordCountInput = {
        storeId: store,
        lines: [{ stockItemId: soda, counted: 9 }],
      };
      await h.api.recordCount(ctx, input, 'aisle-3');
      for (const changed of [
        { ...input, lines: [{ stockItemId: soda, counted: 7 }] },
        { ...input, note: 'recounted' },
        { ...input, lines: [...input.lines, { stockItemId: other, counted: 4 }] },
      ]) {
        await expect(h.api.recordCount(ctx, changed, 'aisle-3')).rejects.toMatchObject({
          code: 'idempotency-key-reused',
          kind: 'unprocessable',
        });
      }
      expect(await level()).toMatchObject({ onHand: 9 });
      expect(await h.api.getLevel(ctx, store, other)).toMatchObject({ onHand: 0 });
      expect(await ledger(ctx, store)).toHaveLength(2);
    });

    it('counts once when ten retries of a count race under one key', async () => {
      const { ctx, store, soda, level } = await h.stockedStore('block', 10);
      const input = { storeId: store, lines: [{ stockItemId: soda, counted: 4 }] };
      const results = await Promise.all(
        Array.from({ length: 10 }, () => h.api.recordCount(ctx, input, 'count-race')),
      );
      expect(results.filter((r) => !r.replayed)).toHaveLength(1);
      const { replayed: _, ...first } = results.find((r) => !r.replayed)!;
      for (const r of results) expect(r).toEqual({ ...first, replayed: r.replayed });
      expect(first.lines).toEqual([
        { stockItemId: soda, expected: 10, counted: 4, difference: -6 },
      ]);
      expect(await level()).toMatchObject({ onHand: 4 });
      expect((await ledger(ctx, store)).filter((m) => m.kind === 'count-correction')).toEqual([
        expect.objectContaining({ batchId: first.batchId, quantity: -6 }),
      ]);
    });

    it('keeps keys per tenant and per kind of request', async () => {
      const a = await twoStores();
      const b = await h.stockedStore('block', 0);
      const receipt = (s: { store: string; soda: string }) => ({
        storeId: s.store,
        kind: 'receipt' as const,
        lines: [{ stockItemId: s.soda, quantity: 4 }],
      });
      const mine = await h.api.recordMovements(a.ctx, receipt(a), 'shared');
      const theirs = await h.api.recordMovements(b.ctx, receipt(b), 'shared');
      expect([mine.replayed, theirs.replayed]).toEqual([false, false]);
      expect(theirs.batchId).not.toBe(mine.batchId);
      expect(await b.level()).toMatchObject({ onHand: 4 });
      expect(await a.level()).toMatchObject({ onHand: 24 });
      // A transfer under the key a receipt used is a request of its own.
      const { transfer, replayed } = await h.api.dispatchTransfer(
        a.ctx,
        { fromStoreId: a.store, toStoreId: a.to, lines: [{ stockItemId: a.soda, quantity: 1 }] },
        'shared',
      );
      expect([transfer.status, replayed]).toEqual(['dispatched', false]);
      expect(await a.level()).toMatchObject({ onHand: 23 });
      // So is a count.
      const count = await h.api.recordCount(
        a.ctx,
        { storeId: a.store, lines: [{ stockItemId: a.soda, counted: 20 }] },
        'shared',
      );
      expect([count.lines[0]?.difference, count.replayed]).toEqual([-3, false]);
      expect(await a.level()).toMatchObject({ onHand: 20 });
    });

    it('leaves the key of a refused request free for its retry', async () => {
      const { ctx, store, soda, level } = await h.stockedStore('block', 2);
      const waste: RecordMovementsInput = {
        storeId: store,
        kind: 'waste',
        reason: 'broken',
        lines: [{ stockItemId: soda, quantity: 5 }],
      };
      await expect(h.api.recordMovements(ctx, waste, 'broken-5')).rejects.toMatchObject({
        code: 'insufficient-stock',
      });
      await h.api.recordMovements(
        ctx,
        { storeId: store, kind: 'receipt', lines: [{ stockItemId: soda, quantity: 3 }] },
        newId(),
      );
      const retried = await h.api.recordMovements(ctx, waste, 'broken-5');
      expect(retried.replayed).toBe(false);
      expect(await level()).toMatchObject({ onHand: 0 });
    });

    it('answers a retried dispatch with the first transfer, even once received or its destination archived', async () => {
      const { tenant, ctx, store, soda, to, level } = await twoStores();
      const input = {
        fromStoreId: store,
        toStoreId: to,
        note: 'to the new shop',
        lines: [{ stockItemId: soda, quantity: 6 }],
      };
      const first = await h.api.dispatchTransfer(ctx, input, 'transfer-1');
      expect(await h.api.dispatchTransfer(ctx, input, 'transfer-1')).toEqual({
        ...first,
        replayed: true,
      });
      await h.api.receiveTransfer(ctx, first.transfer.id);
      h.stores.set(to, 'block', false);
      expect(await h.api.dispatchTransfer(ctx, input, 'transfer-1')).toEqual({
        ...first,
        replayed: true,
      });
      await expect(h.api.dispatchTransfer(ctx, input, 'transfer-2')).rejects.toMatchObject({
        code: 'store-archived',
      });
      await expect(
        h.api.dispatchTransfer(ctx, { ...input, note: 'changed' }, 'transfer-1'),
      ).rejects.toMatchObject({ code: 'idempotency-key-reused' });

      expect(await level()).toMatchObject({ onHand: 14 });
      expect(await h.api.getLevel(ctx, to, soda)).toMatchObject({ onHand: 6, inTransit: 0 });
      expect((await h.api.listTransfers(ctx, { limit: 10, sort: 'dispatchedAt' })).items).toEqual([
        expect.objectContaining({ id: first.transfer.id, status: 'received' }),
      ]);
      expect(await h.events(tenant, 'inventory.transfer-dispatched')).toHaveLength(1);
      expect((await h.api.checkConsistency(ctx, {})).consistent).toBe(true);
    });

    it('enforces one answer per tenant, kind and key in the database, under forced row-level security', async () => {
      const { tenant } = await h.stockedStore('block', 1);
      const row = { tenantId: tenant, scope: 'movements' as const, key: 'k', fingerprint: 'f' };
      const insert = () =>
        h.database.transaction((tx) => tx.insert(idempotencyKeys).values(row), {
          tenantId: tenant,
        });
      await insert();
      const duplicate = await insert().then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(isUniqueViolation(duplicate, 'idempotency_keys_tenant_id_scope_key_pk')).toBe(true);

      const [table] = rowsOf<{ enabled: boolean; forced: boolean }>(
        await h.database.db.execute(sql`
        select relrowsecurity as enabled, relforcerowsecurity as forced from pg_class
        where oid = 'inventory.idempotency_keys'::regclass`),
      );
      expect(table).toEqual({ enabled: true, forced: true });
      const count = (tenantId: string) =>
        h.database.transaction(
          async (tx) =>
            rowsOf<{ n: number }>(
              await tx.execute(sql`select count(*)::int as n from inventory.idempotency_keys`),
            )[0]!.n,
          { tenantId },
        );
      expect(await count(tenant)).toBe(2); // its opening receipt's key and the one above
      expect(await count(newId())).toBe(0);
    });
  },
);
