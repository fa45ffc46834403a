import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@stratum/platform';
import { createTestDatabase, postgresUrl, testEngines } from '@stratum/testing';
import type { OversellPolicy } from '../contract.ts';
import { inventoryHarness, type Harness } from '../test-harness.ts';

describe.each(testEngines())('reservations on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await inventoryHarness(
      engine === 'postgres' ? { postgres: await createTestDatabase(postgresUrl()!) } : {},
    );
  });
  afterAll(() => h?.close());

  const setUp = (policy: OversellPolicy, onHand?: number) => h.stockedStore(policy, onHand);

  it('holds stock: available drops, on-hand does not, and the ledger is untouched', async () => {
    const { store, soda, ctx, level } = await setUp('block');
    const { reservation, warnings } = await h.api.reserve(ctx, {
      storeId: store,
      lines: [{ variantId: soda, quantity: 4 }],
    });
    expect(reservation).toMatchObject({
      status: 'active',
      holds: [{ stockItemId: soda, quantity: 4 }],
    });
    expect(warnings).toEqual([]);
    expect(await level()).toMatchObject({ onHand: 10, reserved: 4, available: 6 });
    const ledger = await h.api.listMovements(ctx, {
      limit: 50,
      sort: '-occurredAt',
      storeId: store,
    });
    expect(ledger.items.map((m) => m.kind)).toEqual(['receipt']);
  });

  it('refuses, under block, a reservation beyond what is available, listing the shortfall', async () => {
    const { store, soda, ctx, level } = await setUp('block', 5);
    await h.api.reserve(ctx, { storeId: store, lines: [{ variantId: soda, quantity: 3 }] });
    const attempt = h.api.reserve(ctx, {
      storeId: store,
      lines: [{ variantId: soda, quantity: 3 }],
    });
    await expect(attempt).rejects.toMatchObject({
      code: 'insufficient-stock',
      details: { shortfalls: [{ stockItemId: soda, requested: 3, available: 2 }] },
    });
    expect(await level()).toMatchObject({ reserved: 3, available: 2 });
  });

  it('lets a reservation through under warn, with a warning and no alert', async () => {
    const { tenant, store, soda, ctx, level } = await setUp('warn', 2);
    const { reservation, warnings } = await h.api.reserve(ctx, {
      storeId: store,
      lines: [{ variantId: soda, quantity: 5 }],
    });
    expect(reservation.status).toBe('active');
    expect(warnings).toEqual([
      { code: 'insufficient-stock', storeId: store, stockItemId: soda, requested: 5, available: 2 },
    ]);
    expect(await level()).toMatchObject({ available: -3 });
    expect(await h.events(tenant, 'inventory.oversold')).toEqual([]);
  });

  it('lets a reservation through under allow-with-alert and raises inventory.oversold', async () => {
    const { tenant, store, soda, ctx } = await setUp('allow-with-alert', 1);
    const { reservation } = await h.api.reserve(ctx, {
      storeId: store,
      lines: [{ variantId: soda, quantity: 2 }],
    });
    const alerts = await h.events(tenant, 'inventory.oversold');
    expect(alerts.map((e) => e.payload)).toEqual([
      {
        storeId: store,
        policy: 'allow-with-alert',
        source: 'reservation',
        referenceId: reservation.id,
        lines: [{ stockItemId: soda, requested: 2, available: 1 }],
      },
    ]);
  });

  it('confirms into sale movements that deplete a menu item’s ingredients in one batch', async () => {
    const { tenant, store, ctx } = await setUp('block', 0);
    const burger = await h.item(tenant, 'menu', { name: 'Burger' });
    const bun = await h.item(tenant, 'ingredient', { name: 'Bun' });
    const beef = await h.item(tenant, 'ingredient', { name: 'Beef', unit: 'g' });
    await h.api.setRecipe(ctx, burger, {
      components: [
        { stockItemId: bun, quantity: 1 },
        { stockItemId: beef, quantity: 150 },
      ],
    });
    await h.api.recordMovements(
      ctx,
      {
        storeId: store,
        kind: 'receipt',
        lines: [
          { stockItemId: bun, quantity: 10 },
          { stockItemId: beef, quantity: 2000 },
        ],
      },
      newId(),
    );
    const { reservation } = await h.api.reserve(ctx, {
      storeId: store,
      lines: [{ variantId: burger, quantity: 2 }],
      reference: 'order 17',
    });
    expect(reservation.holds).toEqual([
      { stockItemId: bun, quantity: 2 },
      { stockItemId: beef, quantity: 300 },
    ]);
    const confirmed = await h.api.confirmReservation(ctx, reservation.id);
    expect(confirmed.reservation).toMatchObject({ status: 'confirmed' });
    expect(confirmed.movements).toHaveLength(2);
    expect(new Set(confirmed.movements.map((m) => m.batchId))).toEqual(
      new Set([confirmed.reservation.saleBatchId]),
    );
    expect(
      confirmed.movements.map((m) => [m.stockItemId, m.kind, m.quantity, m.onHandAfter]),
    ).toEqual([
      [bun, 'sale', -2, 8],
      [beef, 'sale', -300, 1700],
    ]);
    expect(await h.api.getLevel(ctx, store, beef)).toMatchObject({ onHand: 1700, reserved: 0 });
    expect((await h.api.checkConsistency(ctx, {})).consistent).toBe(true);
  });

  it('keeps the recipe a reservation was made with, even if the recipe changes before confirmation', async () => {
    const { tenant, store, ctx } = await setUp('warn', 0);
    const toast = await h.item(tenant, 'menu');
    const bread = await h.item(tenant, 'ingredient');
    const butter = await h.item(tenant, 'ingredient', { unit: 'g' });
    await h.api.setRecipe(ctx, toast, { components: [{ stockItemId: bread, quantity: 2 }] });
    const { reservation } = await h.api.reserve(ctx, {
      storeId: store,
      lines: [{ variantId: toast, quantity: 1 }],
    });
    await h.api.setRecipe(ctx, toast, { components: [{ stockItemId: butter, quantity: 10 }] });
    const { movements } = await h.api.confirmReservation(ctx, reservation.id);
    expect(movements.map((m) => [m.stockItemId, m.quantity])).toEqual([[bread, -2]]);
  });

  it('answers a repeated confirmation with the first result and writes nothing more', async () => {
    const { store, soda, ctx, level } = await setUp('block');
    const { reservation } = await h.api.reserve(ctx, {
      storeId: store,
      lines: [{ variantId: soda, quantity: 1 }],
    });
    const first = await h.api.confirmReservation(ctx, reservation.id);
    const again = await h.api.confirmReservation(ctx, reservation.id);
    expect(again.movements).toEqual(first.movements);
    expect(await level()).toMatchObject({ onHand: 9, reserved: 0 });
  });

  it('answers a retried reservation with the same id once, and refuses the id for another request', async () => {
    const { store, soda, ctx, level } = await setUp('block');
    const reservationId = newId();
    const input = { reservationId, storeId: store, lines: [{ variantId: soda, quantity: 2 }] };
    const first = await h.api.reserve(ctx, input);
    const again = await h.api.reserve(ctx, input);
    expect(again.reservation).toEqual(first.reservation);
    expect(await level()).toMatchObject({ reserved: 2 });
    await expect(
      h.api.reserve(ctx, { ...input, lines: [{ variantId: soda, quantity: 3 }] }),
    ).rejects.toMatchObject({ code: 'reservation-conflict' });
    const stranger = await setUp('block');
    await expect(
      h.api.reserve(stranger.ctx, {
        ...input,
        storeId: stranger.store,
        lines: [{ variantId: stranger.soda, quantity: 1 }],
      }),
    ).rejects.toMatchObject({ code: 'reservation-conflict' });
  });

  it('answers concurrent requests under one reservation id with one reservation, held once', async () => {
    const { store, soda, ctx, level } = await setUp('block');
    const input = {
      reservationId: newId(),
      storeId: store,
      lines: [{ variantId: soda, quantity: 2 }],
    };
    const answers = await Promise.all(Array.from({ length: 5 }, () => h.api.reserve(ctx, input)));
    expect(new Set(answers.map((a) => a.reservation.id))).toEqual(new Set([input.reservationId]));
    expect(answers.map((a) => a.reservation.holds)).toEqual(
      Array.from({ length: 5 }, () => answers[0]!.reservation.holds),
    );
    expect(await level()).toMatchObject({ reserved: 2 });
  });

  it('holds nothing for a menu item without a recipe, and refuses unknown variants and stores', async () => {
    const { tenant, store, ctx } = await setUp('block', 0);
    const coffee = await h.item(tenant, 'menu');
    const { reservation } = await h.api.reserve(ctx, {
      storeId: store,
      lines: [{ variantId: coffee, quantity: 3 }],
    });
    expect(reservation.holds).toEqual([]);
    await expect(
      h.api.reserve(ctx, { storeId: store, lines: [{ variantId: newId(), quantity: 1 }] }),
    ).rejects.toMatchObject({ code: 'stock-item-not-found' });
    await expect(
      h.api.reserve(ctx, { storeId: newId(), lines: [{ variantId: coffee, quantity: 1 }] }),
    ).rejects.toMatchObject({ code: 'store-not-found' });
  });

  it('refuses a caller whose session is limited to another store', async () => {
    const { tenant, store, soda } = await setUp('block');
    const elsewhere = h.ctx(tenant, [newId()]);
    await expect(
      h.api.reserve(elsewhere, { storeId: store, lines: [{ variantId: soda, quantity: 1 }] }),
    ).rejects.toMatchObject({ code: 'store-not-allowed' });
  });

  it('alerts when a confirmation under block takes on-hand below zero after a count', async () => {
    const { tenant, store, soda, ctx, level } = await setUp('block', 3);
    const { reservation } = await h.api.reserve(ctx, {
      storeId: store,
      lines: [{ variantId: soda, quantity: 3 }],
    });
    await h.api.recordCount(
      ctx,
      { storeId: store, lines: [{ stockItemId: soda, counted: 1 }] },
      newId(),
    );
    const { warnings } = await h.api.confirmReservation(ctx, reservation.id);
    expect(warnings).toEqual([
      { code: 'insufficient-stock', storeId: store, stockItemId: soda, requested: 3, available: 1 },
    ]);
    expect(await level()).toMatchObject({ onHand: -2, reserved: 0 });
    const [alert] = await h.events(tenant, 'inventory.oversold');
    expect(alert?.payload).toMatchObject({ source: 'confirmation', policy: 'block' });
  });
});
