import { DomainError, newId, together, type CallContext } from '@stratum/platform';
import { raise, reserveInput, type InventoryApi, type ReserveResult } from '../contract.ts';
import { shortfallsOnlyWarn } from '../domain/oversell.ts';
import { confirmStep, explodeLines, sameRequest } from '../domain/reservation.ts';
import {
  levelKey,
  type InventoryDeps,
  type InventoryRepository,
  type LevelRecord,
  type ReservationRecord,
  type StoreInfo,
} from './ports.ts';
import {
  assertStoreAccess,
  demandsFor,
  enforcePolicy,
  storeFor,
  writeChanges,
} from './stock-writer.ts';
import { toMovementView, toReservationView } from './views.ts';

export const holdKeys = (r: Pick<ReservationRecord, 'storeId' | 'holds'>) =>
  r.holds.map((h) => ({ storeId: r.storeId, stockItemId: h.stockItemId }));

/**
 * Holds stock for a sale. The level rows are locked `FOR UPDATE` before they
 * are read, so concurrent reservations queue and, under the block policy,
 * never take more than is available (ADR 0013).
 */
export function reserve(deps: InventoryDeps): InventoryApi['reserve'] {
  return async (ctx, raw) => {
    const input = reserveInput.parse(raw);
    const { storeId } = input;
    const store = await storeFor(deps, ctx, storeId);
    if (!store.active) raise('store-archived', 'The store is archived.');
    const id = input.reservationId ?? newId();
    try {
      return await holdStock(deps, ctx, input, store, id);
    } catch (err) {
      // A caller's id already taken: by this very request before (a retry,
      // answered as the first time, with nothing held twice) or by another.
      const taken =
        input.reservationId !== undefined &&
        err instanceof DomainError &&
        err.code === 'reservation-conflict';
      if (!taken) throw err;
      const existing = await deps.store.inTenant(ctx, (repo) => repo.findReservation(id));
      if (!existing || !sameRequest(existing, input)) {
        raise('reservation-conflict', 'This reservation id was used for a different request.');
      }
      return { reservation: toReservationView(existing), warnings: [] };
    }
  };
}

/**
 * Writes a new reservation `id` and its holds, in a transaction of its own. An
 * id already taken fails its insert (`reservation-conflict`), which rolls
 * everything back: a first reservation pays for no look-up.
 */
function holdStock(
  deps: InventoryDeps,
  ctx: CallContext,
  input: ReturnType<typeof reserveInput.parse>,
  store: StoreInfo,
  id: string,
): Promise<ReserveResult> {
  const { storeId } = input;
  return deps.store.inTenant(ctx, async (repo) => {
    // Read at once: the recipes of every variant asked for (only menu items have any).
    const variantIds = [...new Set(input.lines.map((l) => l.variantId))];
    const [items, recipes] = await together([
      repo.findStockItems(variantIds),
      repo.findRecipes(variantIds),
    ]);
    const holds = explodeLines(input.lines, items, recipes);
    const now = deps.clock.now();
    const reservation: ReservationRecord = {
      id,
      storeId,
      status: 'active',
      policy: store.policy,
      lines: input.lines,
      holds,
      reference: input.reference ?? null,
      expiresAt: new Date(now.getTime() + input.ttlSeconds * 1000),
      createdAt: now,
      settledAt: null,
      saleBatchId: null,
    };
    const takes = holds.map((h) => ({
      storeId,
      stockItemId: h.stockItemId,
      requested: h.quantity,
    }));
    const policy = {
      storeId,
      policy: store.policy,
      enforceable: true,
      source: 'reservation' as const,
      referenceId: id,
    };
    if (shortfallsOnlyWarn(store.policy)) {
      // Nothing here depends on the levels: a hold moves no on-hand (no
      // low-stock crossing) and the policy refuses and raises nothing. One
      // statement adds the holds and the commit leaves with it, so the rows
      // every sale of the store queues for are held for that statement only;
      // the warnings come from what it returned (ADR 0013).
      const [, after] = await repo.lastly(() =>
        together([repo.insertReservation(reservation), repo.addReserved(storeId, holds)]),
      );
      const before = beforeHolds(after, storeId, holds);
      const warnings = await enforcePolicy(repo, demandsFor(before, takes), policy);
      return { reservation: toReservationView(reservation), warnings };
    }
    // Written ahead of the levels' lock, in the same round trip: the rows every
    // sale of the store queues for stay locked for as few round trips as
    // possible (ADR 0013). A refusal below rolls it back with the rest.
    const [, levels] = await together([
      repo.insertReservation(reservation),
      repo.lockLevels(holdKeys({ storeId, holds })),
    ]);
    const warnings = await enforcePolicy(repo, demandsFor(levels, takes), policy);
    await writeChanges(
      repo,
      levels,
      new Map(),
      holds.map((h) => ({
        storeId,
        stockItemId: h.stockItemId,
        change: { reserved: h.quantity },
      })),
      { batchId: id, reason: null, referenceType: 'reservation', referenceId: id, actorId: null },
      { last: true },
    );
    return { reservation: toReservationView(reservation), warnings };
  });
}

/** The levels as they were before `holds` were added to them (`addReserved` returns them after). */
function beforeHolds(
  after: ReadonlyMap<string, LevelRecord>,
  storeId: string,
  holds: ReservationRecord['holds'],
): Map<string, LevelRecord> {
  const before = new Map(after);
  for (const h of holds) {
    const key = levelKey({ storeId, stockItemId: h.stockItemId });
    const level = before.get(key);
    if (!level) throw new Error(`level ${key} was not written`);
    before.set(key, { ...level, reserved: level.reserved - h.quantity });
  }
  return before;
}

export async function lockedReservation(repo: InventoryRepository, id: string) {
  const r = await repo.findReservation(id, true);
  if (!r) raise('reservation-not-found', 'No such reservation.');
  return r;
}

/**
 * Turns the holds into sale movements in one batch: stocked items and the
 * ingredients of menu items' recipes, as exploded at reservation time.
 */
export function confirmReservation(deps: InventoryDeps): InventoryApi['confirmReservation'] {
  return (ctx, id) =>
    deps.store.inTenant(ctx, async (repo) => {
      // The reservation, its stock items and its levels are read, and both locked, in one
      // round trip: the holds name them, so nothing needs to be looked up first. The levels
      // are taken after the reservation, in the order every writer takes them.
      const [r, items, lockedLevels] = await together([
        lockedReservation(repo, id),
        repo.findStockItemsOfReservation(id),
        repo.lockLevelsOfReservation(id),
      ]);
      assertStoreAccess(ctx, r.storeId);
      const now = deps.clock.now();
      if (confirmStep(r.status, r.expiresAt, now) === 'replay') {
        const movements = r.saleBatchId ? await repo.movementsOfBatch(r.saleBatchId) : [];
        return {
          reservation: toReservationView(r),
          movements: movements.map(toMovementView),
          warnings: [],
        };
      }
      const batchId = newId();
      // A level created after the reservation was read (none is, in practice) is locked now.
      const levels = holdKeys(r).every((k) => lockedLevels.has(levelKey(k)))
        ? lockedLevels
        : await repo.lockLevels(holdKeys(r));
      // Held stock is already promised: the sale cannot be refused now, but a
      // sale that takes on-hand below zero is reported, never silent.
      const warnings = await enforcePolicy(
        repo,
        r.holds.map((h) => ({
          storeId: r.storeId,
          stockItemId: h.stockItemId,
          requested: h.quantity,
          available: levels.get(levelKey({ storeId: r.storeId, stockItemId: h.stockItemId }))!
            .onHand,
        })),
        {
          storeId: r.storeId,
          policy: r.policy,
          enforceable: false,
          source: 'confirmation',
          referenceId: r.id,
        },
      );
      // The reservation settled (its row is locked: the update cannot miss) and the sale
      // written leave together, with the commit.
      const [settled, movements] = await together([
        repo.settleReservation(r, { status: 'confirmed', settledAt: now, saleBatchId: batchId }),
        writeChanges(
          repo,
          levels,
          items,
          r.holds.map((h) => ({
            storeId: r.storeId,
            stockItemId: h.stockItemId,
            change: { onHand: -h.quantity, reserved: -h.quantity },
            kind: 'sale' as const,
          })),
          {
            batchId,
            reason: r.reference,
            referenceType: 'reservation',
            referenceId: r.id,
            actorId: ctx.actor.id,
          },
          { last: true },
        ),
      ]);
      return {
        reservation: toReservationView(settled),
        movements: movements.map(toMovementView),
        warnings,
      };
    });
}

export function getReservation(deps: InventoryDeps): InventoryApi['getReservation'] {
  return (ctx, id) =>
    deps.store.inTenant(ctx, async (repo) => {
      const r = await repo.findReservation(id);
      if (!r) raise('reservation-not-found', 'No such reservation.');
      assertStoreAccess(ctx, r.storeId);
      return toReservationView(r);
    });
}
