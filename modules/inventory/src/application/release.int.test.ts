import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresUrl, testEngines } from '@stratum/testing';
import type { OversellPolicy } from '../contract.ts';
import { inventoryHarness, type Harness } from '../test-harness.ts';

describe.each(testEngines())('releasing and expiring reservations on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await inventoryHarness(
      engine === 'postgres' ? { postgres: await createTestDatabase(postgresUrl()!) } : {},
    );
  });
  afterAll(() => h?.close());

  const setUp = (policy: OversellPolicy, onHand?: number) => h.stockedStore(policy, onHand);

  it('gives held stock back on release, and refuses to release a confirmed reservation', async () => {
    const { store, soda, ctx, level } = await setUp('block');
    const a = await h.api.reserve(ctx, {
      storeId: store,
      lines: [{ variantId: soda, quantity: 6 }],
    });
    const released = await h.api.releaseReservation(ctx, a.reservation.id);
    expect(released.status).toBe('released');
    expect(await level()).toMatchObject({ onHand: 10, reserved: 0 });
    expect((await h.api.releaseReservation(ctx, a.reservation.id)).status).toBe('released');
    await expect(h.api.confirmReservation(ctx, a.reservation.id)).rejects.toMatchObject({
      code: 'reservation-not-active',
    });
    const b = await h.api.reserve(ctx, {
      storeId: store,
      lines: [{ variantId: soda, quantity: 1 }],
    });
    await h.api.confirmReservation(ctx, b.reservation.id);
    await expect(h.api.releaseReservation(ctx, b.reservation.id)).rejects.toMatchObject({
      code: 'reservation-not-active',
    });
  });

  it('expires lapsed reservations when swept, and refuses to confirm one that lapsed', async () => {
    const { store, soda, ctx, level } = await setUp('block');
    const short = await h.api.reserve(ctx, {
      storeId: store,
      lines: [{ variantId: soda, quantity: 2 }],
      ttlSeconds: 60,
    });
    const long = await h.api.reserve(ctx, {
      storeId: store,
      lines: [{ variantId: soda, quantity: 3 }],
      ttlSeconds: 3600,
    });
    h.clock.advance(61_000);
    await expect(h.api.confirmReservation(ctx, short.reservation.id)).rejects.toMatchObject({
      code: 'reservation-expired',
    });
    expect(await h.api.sweepExpiredReservations(ctx)).toEqual({ expired: 1 });
    expect((await h.api.getReservation(ctx, short.reservation.id)).status).toBe('expired');
    expect((await h.api.getReservation(ctx, long.reservation.id)).status).toBe('active');
    expect(await level()).toMatchObject({ reserved: 3, available: 7 });
    expect(await h.api.sweepExpiredReservations(ctx)).toEqual({ expired: 0 });
  });

  it('expires lapsed reservations of every tenant in the sweeper’s round', async () => {
    const one = await setUp('block');
    const two = await setUp('warn');
    for (const s of [one, two]) {
      await h.api.reserve(s.ctx, {
        storeId: s.store,
        lines: [{ variantId: s.soda, quantity: 1 }],
        ttlSeconds: 5,
      });
    }
    h.clock.advance(6_000);
    expect(await h.module.sweepNow()).toBeGreaterThanOrEqual(2);
    expect(await one.level()).toMatchObject({ reserved: 0 });
    expect(await two.level()).toMatchObject({ reserved: 0 });
  });
});
