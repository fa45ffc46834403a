import { z } from 'zod';
import {
  defineErrors,
  defineEvent,
  defineRemoteContract,
  type AuditEntryView,
  type CallContext,
  type ListAuditQuery,
  type Raise,
} from '@stratum/platform';
import {
  itemKind,
  movementKind,
  oversellPolicy,
  stockUnit,
  type ConsistencyQuery,
  type ConsistencyReport,
  type CountView,
  type LevelView,
  type ListLevelsQuery,
  type ListMovementsQuery,
  type ListStockItemsQuery,
  type MovementBatchView,
  type MovementView,
  type Page,
  type RecordCountInput,
  type RecordMovementsInput,
  type Replayable,
  type SetThresholdInput,
  type StockItemView,
} from './contract/stock.ts';
import type {
  ConfirmResult,
  ListRecipesQuery,
  RecipeView,
  ReservationView,
  ReserveInput,
  ReserveResult,
  SetRecipeInput,
} from './contract/reservations.ts';
import type {
  DispatchResult,
  DispatchTransferInput,
  ListTransfersQuery,
  TransferView,
} from './contract/transfers.ts';
import {
  confirmResult,
  reservationView,
  reserveInput,
  reserveResult,
} from './contract/reservations.ts';

export * from './contract/stock.ts';
export * from './contract/reservations.ts';
export * from './contract/transfers.ts';

/**
 * Permissions inventory checks at its HTTP edge, and the roles holding them.
 * Cashiers read stock and reserve it for the sales they ring up; only owners
 * and managers move stock by hand, count it, transfer it or edit recipes, and
 * only they read the audit log of those changes.
 */
export const inventoryPermissions = {
  'inventory:read': ['owner', 'manager', 'cashier'],
  'inventory:reserve': ['owner', 'manager', 'cashier'],
  'inventory:write': ['owner', 'manager'],
  'inventory:audit': ['owner', 'manager'],
} as const satisfies Record<string, readonly string[]>;

export const inventoryErrors = defineErrors({
  'stock-item-not-found': 'not-found',
  /** Menu items hold no stock of their own: their recipes deplete ingredients. */
  'stock-item-not-stocked': 'unprocessable',
  'stock-item-archived': 'unprocessable',
  'store-not-found': 'not-found',
  'store-archived': 'conflict',
  'store-not-allowed': 'forbidden',
  /** The store's policy is `block` and the stock is not there; details list the shortfalls. */
  'insufficient-stock': 'conflict',
  'reason-required': 'invalid',
  'invalid-quantity': 'invalid',
  'duplicate-line': 'invalid',
  'reservation-not-found': 'not-found',
  'reservation-not-active': 'conflict',
  'reservation-expired': 'conflict',
  /** A reservation id was reused with a different request. */
  'reservation-conflict': 'conflict',
  'recipe-not-found': 'not-found',
  /** Only menu variants have recipes, and only stocked items are components. */
  'recipe-not-allowed': 'unprocessable',
  'count-not-found': 'not-found',
  'transfer-not-found': 'not-found',
  'transfer-already-received': 'conflict',
  'same-store-transfer': 'invalid',
  /**
   * Stock moved by hand, counts and transfers need an Idempotency-Key, as
   * every POST that moves money or stock does: a retry must not move the
   * stock twice.
   */
  'idempotency-key-required': 'invalid',
  /** The Idempotency-Key was used for a different request of the same kind. */
  'idempotency-key-reused': 'unprocessable',
});
export type InventoryErrorCode = keyof typeof inventoryErrors.codes;
export const raise: Raise<InventoryErrorCode> = inventoryErrors.raise;

const stockLine = z.object({
  stockItemId: z.uuid(),
  quantity: z.number().int(),
  onHandAfter: z.number().int(),
});
const transferLines = z.array(z.object({ stockItemId: z.uuid(), quantity: z.number().int() }));

/** Integration events other contexts may follow. */
export const inventoryEvents = {
  /** Stock moved by hand: a receipt, an adjustment, waste or a count correction. */
  stockAdjusted: defineEvent(
    'inventory.stock-adjusted',
    1,
    z.object({
      batchId: z.uuid(),
      storeId: z.uuid(),
      kind: movementKind.extract(['receipt', 'adjustment', 'waste', 'count-correction']),
      reason: z.string().nullable(),
      lines: z.array(stockLine),
    }),
  ),
  /**
   * On-hand fell below the item's threshold in a store. Raised once per
   * crossing: again only after on-hand has been back at or above the threshold.
   */
  lowStock: defineEvent(
    'inventory.low-stock',
    1,
    z.object({
      storeId: z.uuid(),
      stockItemId: z.uuid(),
      itemId: z.uuid(),
      name: z.string(),
      unit: stockUnit,
      kind: itemKind,
      onHand: z.number().int(),
      threshold: z.number().int(),
    }),
  ),
  /** Stock was committed beyond what was available and the store's policy let it through. */
  oversold: defineEvent(
    'inventory.oversold',
    1,
    z.object({
      storeId: z.uuid(),
      policy: oversellPolicy,
      source: z.enum(['reservation', 'confirmation', 'movement', 'transfer']),
      referenceId: z.string(),
      lines: z.array(
        z.object({
          stockItemId: z.uuid(),
          requested: z.number().int(),
          available: z.number().int(),
        }),
      ),
    }),
  ),
  transferDispatched: defineEvent(
    'inventory.transfer-dispatched',
    1,
    z.object({
      transferId: z.uuid(),
      fromStoreId: z.uuid(),
      toStoreId: z.uuid(),
      lines: transferLines,
    }),
  ),
  transferReceived: defineEvent(
    'inventory.transfer-received',
    1,
    z.object({
      transferId: z.uuid(),
      fromStoreId: z.uuid(),
      toStoreId: z.uuid(),
      lines: transferLines,
    }),
  ),
} as const;

/**
 * Inventory's public API. Stock is a ledger of signed movements per store and
 * stock item; levels are its projection, updated in the same transaction.
 */
export interface InventoryApi {
  listStockItems(ctx: CallContext, query: ListStockItemsQuery): Promise<Page<StockItemView>>;
  getStockItem(ctx: CallContext, stockItemId: string): Promise<StockItemView>;

  listLevels(ctx: CallContext, query: ListLevelsQuery): Promise<Page<LevelView>>;
  /** The level of a known stock item in a store (zero if nothing has moved yet). */
  getLevel(ctx: CallContext, storeId: string, stockItemId: string): Promise<LevelView>;
  /** Sets or clears the low-stock threshold; may raise `inventory.low-stock` at once. */
  setThreshold(
    ctx: CallContext,
    storeId: string,
    stockItemId: string,
    input: SetThresholdInput,
  ): Promise<LevelView>;

  /**
   * Receipts, adjustments (with a reason) and waste, written as one batch. The
   * Idempotency-Key is required and names one batch of the tenant: the same
   * request under it again returns the first answer, `replayed`, and moves
   * nothing; another request under it is `idempotency-key-reused`.
   */
  recordMovements(
    ctx: CallContext,
    input: RecordMovementsInput,
    idempotencyKey: string | undefined,
  ): Promise<Replayable<MovementBatchView>>;
  listMovements(ctx: CallContext, query: ListMovementsQuery): Promise<Page<MovementView>>;
  /**
   * Counted quantities become count-correction movements of the difference.
   * Keyed as `recordMovements` is (one count per key): a retry after stock
   * moved gets the first count back and corrects nothing again.
   */
  recordCount(
    ctx: CallContext,
    input: RecordCountInput,
    idempotencyKey: string | undefined,
  ): Promise<Replayable<CountView>>;
  getCount(ctx: CallContext, countId: string): Promise<CountView>;

  /**
   * Holds stock until confirmed, released or expired. Under the `block` policy
   * it fails with `insufficient-stock` rather than oversell; under `warn` it
   * succeeds with warnings; under `allow-with-alert` it also raises
   * `inventory.oversold`. Idempotent on `reservationId`.
   */
  reserve(ctx: CallContext, input: ReserveInput): Promise<ReserveResult>;
  /** Turns the holds into sale movements (recipes already exploded). Idempotent. */
  confirmReservation(ctx: CallContext, reservationId: string): Promise<ConfirmResult>;
  /** Gives the held stock back. Idempotent; a confirmed reservation cannot be released. */
  releaseReservation(ctx: CallContext, reservationId: string): Promise<ReservationView>;
  getReservation(ctx: CallContext, reservationId: string): Promise<ReservationView>;
  /** Expires the caller's tenant's lapsed reservations now (the sweeper does it on its own). */
  sweepExpiredReservations(ctx: CallContext): Promise<{ expired: number }>;

  listRecipes(ctx: CallContext, query: ListRecipesQuery): Promise<Page<RecipeView>>;
  getRecipe(ctx: CallContext, variantId: string): Promise<RecipeView>;
  setRecipe(ctx: CallContext, variantId: string, input: SetRecipeInput): Promise<RecipeView>;
  deleteRecipe(ctx: CallContext, variantId: string): Promise<void>;

  /** Sends stock to another store; keyed as `recordMovements` is (one transfer per key). */
  dispatchTransfer(
    ctx: CallContext,
    input: DispatchTransferInput,
    idempotencyKey: string | undefined,
  ): Promise<Replayable<DispatchResult>>;
  receiveTransfer(ctx: CallContext, transferId: string): Promise<TransferView>;
  getTransfer(ctx: CallContext, transferId: string): Promise<TransferView>;
  listTransfers(ctx: CallContext, query: ListTransfersQuery): Promise<Page<TransferView>>;

  /** Recomputes every level from the ledger, active holds and open transfers. */
  checkConsistency(ctx: CallContext, query: ConsistencyQuery): Promise<ConsistencyReport>;

  /**
   * The append-only audit log: who changed what, when, the state before and
   * after, and why; newest first unless `sort` says otherwise. Staff limited
   * to some stores see only the entries about those stores (stock-level
   * entries name their store); recipe entries, which concern no store, are
   * shown to unrestricted callers only.
   */
  listAudit(ctx: CallContext, query: ListAuditQuery): Promise<Page<AuditEntryView>>;
}

/** What other modules (the checkout saga) call on inventory across a process boundary. */
export const inventoryRemote = defineRemoteContract<InventoryApi>()('inventory', {
  // Each is idempotent on the reservation id, so a retry is safe.
  reserve: { args: z.tuple([reserveInput]), result: reserveResult, idempotent: true },
  confirmReservation: { args: z.tuple([z.uuid()]), result: confirmResult, idempotent: true },
  releaseReservation: { args: z.tuple([z.uuid()]), result: reservationView, idempotent: true },
});
