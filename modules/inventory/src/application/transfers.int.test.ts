import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@stratum/platform';
import { createTestDatabase, postgresUrl, testEngines } from '@stratum/testing';
import { inventoryHarness, type Harness } from '../test-harness.ts';

describe.each(testEngines())('transfers between stores on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await inventoryHarness(
      engine === 'postgres' ? { postgres: await createTestDatabase(postgresUrl()!) } : {},
    );
  });
  afterAll(() => h?.close());

  async function setUp() {
    const tenant = newId();
    const [from, to] = [newId(), newId()];
    h.stores.set(from, 'block');
    h.stores.set(to, 'block');
    const item = await h.item(tenant, 'retail');
    const ctx = h.ctx(tenant);
    await h.api.recordMovements(
      ctx,
      {
        storeId: from,
        kind: 'receipt',
        lines: [{ stockItemId: item, quantity: 20 }],
      },
      newId(),
    );
    return { tenant, from, to, item, ctx };
  }

  it('dispatches into transit and receives into the destination, through both states', async () => {
    const { tenant, from, to, item, ctx } = await setUp();
    const { transfer } = await h.api.dispatchTransfer(
      ctx,
      {
        fromStoreId: from,
        toStoreId: to,
        lines: [{ stockItemId: item, quantity: 8 }],
      },
      newId(),
    );
    expect(transfer.status).toBe('dispatched');
    expect(await h.api.getLevel(ctx, from, item)).toMatchObject({ onHand: 12 });
    expect(await h.api.getLevel(ctx, to, item)).toMatchObject({ onHand: 0, inTransit: 8 });
    expect((await h.api.checkConsistency(ctx, {})).consistent).toBe(true);

    const received = await h.api.receiveTransfer(ctx, transfer.id);
    expect(received).toMatchObject({ status: 'received', receiveBatchId: expect.any(String) });
    expect(await h.api.getLevel(ctx, to, item)).toMatchObject({ onHand: 8, inTransit: 0 });
    const movements = await h.api.listMovements(ctx, {
      limit: 10,
      sort: 'occurredAt',
      referenceId: transfer.id,
    });
    expect(movements.items.map((m) => [m.storeId, m.kind, m.quantity])).toEqual([
      [from, 'transfer-out', -8],
      [to, 'transfer-in', 8],
    ]);
    expect((await h.events(tenant)).map((e) => e.type)).toEqual(
      expect.arrayContaining(['inventory.transfer-dispatched', 'inventory.transfer-received']),
    );
    expect((await h.api.checkConsistency(ctx, {})).consistent).toBe(true);
  });

  it('refuses to receive a transfer twice', async () => {
    const { from, to, item, ctx } = await setUp();
    const { transfer } = await h.api.dispatchTransfer(
      ctx,
      {
        fromStoreId: from,
        toStoreId: to,
        lines: [{ stockItemId: item, quantity: 1 }],
      },
      newId(),
    );
    await h.api.receiveTransfer(ctx, transfer.id);
    await expect(h.api.receiveTransfer(ctx, transfer.id)).rejects.toMatchObject({
      code: 'transfer-already-received',
    });
  });

  it('refuses, under the source’s block policy, to send more than is available', async () => {
    const { from, to, item, ctx } = await setUp();
    await expect(
      h.api.dispatchTransfer(
        ctx,
        {
          fromStoreId: from,
          toStoreId: to,
          lines: [{ stockItemId: item, quantity: 21 }],
        },
        newId(),
      ),
    ).rejects.toMatchObject({ code: 'insufficient-stock' });
    await expect(
      h.api.dispatchTransfer(
        ctx,
        {
          fromStoreId: from,
          toStoreId: from,
          lines: [{ stockItemId: item, quantity: 1 }],
        },
        newId(),
      ),
    ).rejects.toMatchObject({ code: 'same-store-transfer' });
  });

  it('lists transfers by state and destination', async () => {
    const { from, to, item, ctx } = await setUp();
    const a = await h.api.dispatchTransfer(
      ctx,
      {
        fromStoreId: from,
        toStoreId: to,
        lines: [{ stockItemId: item, quantity: 1 }],
      },
      newId(),
    );
    await h.api.dispatchTransfer(
      ctx,
      {
        fromStoreId: from,
        toStoreId: to,
        lines: [{ stockItemId: item, quantity: 2 }],
      },
      newId(),
    );
    await h.api.receiveTransfer(ctx, a.transfer.id);
    const open = await h.api.listTransfers(ctx, {
      limit: 10,
      sort: '-dispatchedAt',
      status: 'dispatched',
      toStoreId: to,
    });
    expect(open.items.map((t) => t.lines[0]!.quantity)).toEqual([2]);
  });
});
