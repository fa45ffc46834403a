import type { InventoryApi } from '../contract.ts';
import { releaseStep } from '../domain/reservation.ts';
import type { InventoryDeps, InventoryRepository, ReservationRecord } from './ports.ts';
import { holdKeys, lockedReservation } from './reservations.ts';
import { assertStoreAccess, writeChanges } from './stock-writer.ts';
import { toReservationView } from './views.ts';

/** Gives held stock back to the store. */
async function unhold(
  repo: InventoryRepository,
  due: readonly ReservationRecord[],
  status: 'released' | 'expired',
  now: Date,
): Promise<ReservationRecord[]> {
  const levels = await repo.lockLevels(due.flatMap(holdKeys));
  const settled: ReservationRecord[] = [];
  for (const r of due) {
    await writeChanges(
      repo,
      levels,
      new Map(),
      r.holds.map((h) => ({
        storeId: r.storeId,
        stockItemId: h.stockItemId,
        change: { reserved: -h.quantity },
      })),
      {
        batchId: r.id,
        reason: null,
        referenceType: 'reservation',
        referenceId: r.id,
        actorId: null,
      },
    );
    settled.push(await repo.settleReservation(r, { status, settledAt: now }));
  }
  return settled;
}

export function releaseReservation(deps: InventoryDeps): InventoryApi['releaseReservation'] {
  return (ctx, id) =>
    deps.store.inTenant(ctx, async (repo) => {
      const r = await lockedReservation(repo, id);
      assertStoreAccess(ctx, r.storeId);
      if (releaseStep(r.status) === 'replay') return toReservationView(r);
      const [released] = await unhold(repo, [r], 'released', deps.clock.now());
      return toReservationView(released!);
    });
}

const SWEEP_BATCH = 100;

export function sweepExpiredReservations(
  deps: InventoryDeps,
): InventoryApi['sweepExpiredReservations'] {
  return async (ctx) => {
    let expired = 0;
    for (;;) {
      const now = deps.clock.now();
      const batch = await deps.store.inTenant(ctx, async (repo) =>
        unhold(repo, await repo.dueReservations(now, SWEEP_BATCH), 'expired', now),
      );
      expired += batch.length;
      if (batch.length < SWEEP_BATCH) return { expired };
    }
  };
}

/** The sweeper's round: every tenant with lapsed reservations, as the system. */
export async function sweepAllTenants(deps: InventoryDeps): Promise<number> {
  const tenants = await deps.store.tenantsWithDueReservations(deps.clock.now(), 1000);
  const sweep = sweepExpiredReservations(deps);
  let expired = 0;
  for (const tenantId of tenants) {
    const result = await sweep({
      tenantId,
      actor: { kind: 'system', id: 'inventory.sweeper', roles: [], permissions: [], stores: ['*'] },
    });
    expired += result.expired;
  }
  return expired;
}
