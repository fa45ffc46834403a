import { DomainError } from '@stratum/platform';
import type { InventoryApi } from '@stratum/inventory/contract';
import type { StockReservations } from '../../application/checkout/ports.ts';

/**
 * A checkout's hold lasts an hour: the saga confirms or releases it within
 * seconds, and the recovery worker finishes any saga a crash interrupted, so
 * the expiry is only a last resort against a saga that is never resumed.
 */
const CHECKOUT_HOLD_SECONDS = 3600;

/** The checkout's reservations on inventory's contract. */
export function inventoryReservations(
  inventory: Pick<InventoryApi, 'reserve' | 'confirmReservation' | 'releaseReservation'>,
): StockReservations {
  return {
    async reserve(ctx, input) {
      await inventory.reserve(ctx, { ...input, ttlSeconds: CHECKOUT_HOLD_SECONDS });
    },
    async confirm(ctx, reservationId) {
      await inventory.confirmReservation(ctx, reservationId);
    },
    async release(ctx, reservationId) {
      try {
        await inventory.releaseReservation(ctx, reservationId);
      } catch (err) {
        // Nothing was reserved (the reserve step failed or never ran): nothing to give back.
        if (err instanceof DomainError && err.code === 'reservation-not-found') return;
        throw err;
      }
    },
  };
}
