import { newId, together, type CallContext } from '@stratum/platform';
import {
  inventoryEvents,
  raise,
  type MovementKind,
  type MovementView,
  type OversellPolicy,
  type StockWarning,
} from '../contract.ts';
import { applyChange, available, type LevelChange } from '../domain/level.ts';
import { hasValidSign } from '../domain/movement.ts';
import { decideOversell, shortfalls, toWarnings, type Demand } from '../domain/oversell.ts';
import { canActInStore } from '../domain/stores.ts';
import {
  levelKey,
  type InventoryDeps,
  type InventoryRepository,
  type LevelKey,
  type LevelRecord,
  type MovementRecord,
  type StockItemRecord,
  type StoreInfo,
} from './ports.ts';

/** Refuses a caller whose session is limited to other stores. */
export function assertStoreAccess(ctx: CallContext, storeId: string): void {
  if (!canActInStore(ctx.actor.stores, storeId)) {
    raise('store-not-allowed', 'You may not act in this store.');
  }
}

/** Access check, then the store's policy from store-ops (call before opening a transaction). */
export async function storeFor(
  deps: InventoryDeps,
  ctx: CallContext,
  storeId: string,
): Promise<StoreInfo> {
  assertStoreAccess(ctx, storeId);
  return deps.stores.get(ctx, storeId);
}

/** Loads stock items, refusing unknown ones and menu items (which hold no stock). */
export async function stockedItems(
  repo: InventoryRepository,
  ids: readonly string[],
): Promise<Map<string, StockItemRecord>> {
  const items = await repo.findStockItems(ids);
  for (const id of ids) {
    const item = items.get(id);
    if (!item) raise('stock-item-not-found', `Unknown stock item ${id}.`);
    if (item.kind === 'menu') {
      raise('stock-item-not-stocked', 'Menu items hold no stock; their recipes deplete it.');
    }
  }
  return items;
}

/** One level's change in a batch; a change of on-hand becomes a movement of `kind`. */
export interface PlannedChange extends LevelKey {
  change: LevelChange;
  kind?: MovementKind;
}

export interface BatchMeta {
  batchId: string;
  reason: string | null;
  referenceType: MovementView['referenceType'];
  referenceId: string | null;
  actorId: string | null;
}

/**
 * Applies planned changes to locked levels: writes one ledger movement per
 * change of on-hand, saves the projection in the same transaction, and raises
 * `inventory.low-stock` for each level that just crossed below its threshold.
 * With `last`, these are the unit's last statements and the commit leaves with
 * them (`lastly`): the levels, which every sale of the store queues for, are
 * held one round trip less.
 */
export async function writeChanges(
  repo: InventoryRepository,
  levels: Map<string, LevelRecord>,
  items: ReadonlyMap<string, StockItemRecord>,
  changes: readonly PlannedChange[],
  meta: BatchMeta,
  { last = false }: { last?: boolean } = {},
): Promise<MovementRecord[]> {
  const movements: Omit<MovementRecord, 'occurredAt'>[] = [];
  const touched = new Set<string>();
  const alerts: LevelRecord[] = [];
  for (const planned of changes) {
    const key = levelKey(planned);
    const level = levels.get(key);
    if (!level) throw new Error(`level ${key} was not locked`);
    const { level: next, lowStock } = applyChange(level, planned.change);
    const updated = { ...level, ...next };
    levels.set(key, updated);
    touched.add(key);
    if (lowStock) alerts.push(updated);
    const quantity = planned.change.onHand ?? 0;
    if (quantity === 0) continue;
    if (!planned.kind || !hasValidSign(planned.kind, quantity)) {
      throw new Error(`movement ${planned.kind ?? '(none)'} cannot carry ${quantity}`);
    }
    movements.push({
      id: newId(),
      ...meta,
      storeId: planned.storeId,
      stockItemId: planned.stockItemId,
      kind: planned.kind,
      quantity,
      onHandAfter: updated.onHand,
    });
  }
  const writes = () =>
    together([
      repo.saveLevels([...touched].map((k) => levels.get(k)!)),
      repo.insertMovements(movements),
      ...alerts.map((level) => {
        const item = items.get(level.stockItemId);
        if (!item || level.threshold === null) return undefined;
        return repo.emit(inventoryEvents.lowStock, lowStockPayload(level, item, level.threshold));
      }),
    ]);
  const [, written] = await (last ? repo.lastly(writes) : writes());
  return written;
}

export const lowStockPayload = (level: LevelRecord, item: StockItemRecord, threshold: number) => ({
  storeId: level.storeId,
  stockItemId: item.id,
  itemId: item.itemId,
  name: displayName(item),
  unit: item.unit,
  kind: item.kind,
  onHand: level.onHand,
  threshold,
});

export const displayName = (item: StockItemRecord) =>
  item.variantName && item.variantName !== item.itemName
    ? `${item.itemName} (${item.variantName})`
    : item.itemName;

/** What taking `requested` of each item would leave short, against on-hand minus reserved. */
export function demandsFor(
  levels: ReadonlyMap<string, LevelRecord>,
  takes: readonly (LevelKey & { requested: number })[],
): Demand[] {
  return takes.map((t) => ({
    storeId: t.storeId,
    stockItemId: t.stockItemId,
    requested: t.requested,
    available: available(levels.get(levelKey(t))!),
  }));
}

/**
 * Applies the store's oversell policy to an operation's demands: refuses it
 * (`insufficient-stock`), or lets it through with warnings and, where the
 * policy says so, an `inventory.oversold` alert.
 */
export async function enforcePolicy(
  repo: InventoryRepository,
  demands: readonly Demand[],
  context: {
    storeId: string;
    policy: OversellPolicy;
    enforceable: boolean;
    source: 'reservation' | 'confirmation' | 'movement' | 'transfer';
    referenceId: string;
  },
): Promise<StockWarning[]> {
  const short = shortfalls(demands);
  const decision = decideOversell(context.policy, short, context.enforceable);
  if (decision === 'proceed') return [];
  if (decision === 'reject') {
    raise('insufficient-stock', 'Not enough stock available in this store.', {
      shortfalls: toWarnings(short),
    });
  }
  if (decision === 'alert') {
    await repo.emit(inventoryEvents.oversold, {
      storeId: context.storeId,
      policy: context.policy,
      source: context.source,
      referenceId: context.referenceId,
      lines: short.map(({ stockItemId, requested, available }) => ({
        stockItemId,
        requested,
        available,
      })),
    });
  }
  return toWarnings(short);
}
