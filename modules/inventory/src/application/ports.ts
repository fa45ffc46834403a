import type { z } from 'zod';
import type {
  AuditEntry,
  AuditEntryView,
  CallContext,
  EventDefinition,
  ListAuditQuery,
} from '@stratum/platform';
import type {
  ConsistencyReport,
  ItemKind,
  ListLevelsQuery,
  ListMovementsQuery,
  ListRecipesQuery,
  ListStockItemsQuery,
  ListTransfersQuery,
  MovementView,
  OversellPolicy,
  ReservationStatus,
  StockUnit,
} from '../contract.ts';
import type { CountLine } from '../domain/count.ts';
import type { LevelState } from '../domain/level.ts';
import type { Component, Hold, Line } from '../domain/reservation.ts';
import type { TransferStatus } from '../domain/transfer.ts';

export interface ItemRecord {
  id: string;
  name: string;
  kind: ItemKind;
  unit: StockUnit;
  archived: boolean;
}

/** A catalog variant in inventory's registry of stockable things. */
export interface StockItemRecord {
  id: string;
  itemId: string;
  itemName: string;
  variantName: string;
  sku: string | null;
  unit: StockUnit;
  kind: ItemKind;
  archived: boolean;
  createdAt: Date;
}

export interface LevelKey {
  storeId: string;
  stockItemId: string;
}

export interface LevelRecord extends LevelKey, LevelState {
  updatedAt: Date | null;
}

/** A level with its stock item, as lists show it. */
export interface LevelRow extends LevelRecord {
  item: StockItemRecord;
}

export type MovementRecord = Omit<MovementView, 'occurredAt'> & { occurredAt: Date };

export interface ReservationRecord {
  id: string;
  storeId: string;
  status: ReservationStatus;
  policy: OversellPolicy;
  lines: Line[];
  holds: Hold[];
  reference: string | null;
  expiresAt: Date;
  createdAt: Date;
  settledAt: Date | null;
  saleBatchId: string | null;
}

export interface RecipeRecord {
  variantId: string;
  components: Component[];
  updatedAt: Date;
}

export interface CountRecord {
  id: string;
  storeId: string;
  batchId: string;
  note: string | null;
  lines: CountLine[];
  countedBy: string | null;
  countedAt: Date;
}

export interface TransferRecord {
  id: string;
  fromStoreId: string;
  toStoreId: string;
  status: TransferStatus;
  note: string | null;
  lines: { stockItemId: string; quantity: number }[];
  dispatchedAt: Date;
  dispatchedBy: string | null;
  dispatchBatchId: string;
  receivedAt: Date | null;
  receivedBy: string | null;
  receiveBatchId: string | null;
}

/** Key of a level in maps: store and stock item. */
export const levelKey = (k: LevelKey) => `${k.storeId}/${k.stockItemId}`;

/** The registry of catalog items and variants, fed by catalog events. */
export interface RegistryRepository {
  /** False if the item was already known. */
  insertItem(item: ItemRecord): Promise<boolean>;
  findItem(id: string): Promise<ItemRecord | undefined>;
  /** Renames or archives an item and every variant of it. */
  updateItem(id: string, patch: { name?: string; archived?: true }): Promise<void>;
  /** Registers variants; ones already known are left as they are. */
  insertStockItems(items: Omit<StockItemRecord, 'createdAt'>[]): Promise<void>;
  /** False if the variant is not known. */
  updateStockItem(id: string, patch: { variantName: string; sku: string | null }): Promise<boolean>;
  findStockItems(ids: readonly string[]): Promise<Map<string, StockItemRecord>>;
  /** The stock items a reservation holds, found through its holds (one statement, no look-up first). */
  findStockItemsOfReservation(reservationId: string): Promise<Map<string, StockItemRecord>>;
  listStockItems(query: ListStockItemsQuery, after?: string): Promise<StockItemRecord[]>;
}

export interface LevelRepository {
  /**
   * Creates missing level rows and locks every requested row (`FOR UPDATE`,
   * in one global order, so concurrent writers queue instead of deadlocking).
   */
  lockLevels(keys: readonly LevelKey[]): Promise<Map<string, LevelRecord>>;
  /**
   * Locks the existing levels a reservation holds, found through its holds, in
   * the same order as `lockLevels`: one statement that needs no look-up first.
   * A level not created yet is missing from the answer.
   */
  lockLevelsOfReservation(reservationId: string): Promise<Map<string, LevelRecord>>;
  /** Saves levels and returns them as stored. */
  saveLevels(levels: readonly LevelRecord[]): Promise<LevelRecord[]>;
  /**
   * Adds to the reserved quantity of each item's level in one store, in one
   * statement that creates missing rows, and returns the levels as it left
   * them. It reads nothing first and decides nothing: for holds whose outcome
   * does not depend on the levels (ADR 0013), so the rows are held only for
   * the statement and the commit.
   */
  addReserved(storeId: string, holds: readonly Hold[]): Promise<Map<string, LevelRecord>>;
  findLevel(key: LevelKey): Promise<LevelRecord | undefined>;
  listLevels(
    query: ListLevelsQuery,
    after: readonly (string | number)[] | undefined,
    stores: string[] | null,
  ): Promise<LevelRow[]>;
}

export interface LedgerRepository {
  insertMovements(
    movements: readonly Omit<MovementRecord, 'occurredAt'>[],
  ): Promise<MovementRecord[]>;
  listMovements(
    query: ListMovementsQuery,
    after: string | undefined,
    stores: string[] | null,
  ): Promise<MovementRecord[]>;
  movementsOfBatch(batchId: string): Promise<MovementRecord[]>;
  insertCount(count: Omit<CountRecord, 'countedAt'>): Promise<CountRecord>;
  findCount(id: string): Promise<CountRecord | undefined>;
  consistency(storeId?: string): Promise<Omit<ConsistencyReport, 'consistent'>>;
}

export interface ReservationRepository {
  insertReservation(r: ReservationRecord): Promise<void>;
  /** The reservation; `lock` holds its row until the transaction ends. */
  findReservation(id: string, lock?: boolean): Promise<ReservationRecord | undefined>;
  /** Settles a reservation read (and locked) in this transaction; its holds do not change. */
  settleReservation(
    reservation: ReservationRecord,
    patch: { status: ReservationStatus; settledAt: Date; saleBatchId?: string },
  ): Promise<ReservationRecord>;
  /** Active reservations past their expiry, locked; ones locked elsewhere are skipped. */
  dueReservations(now: Date, limit: number): Promise<ReservationRecord[]>;

  findRecipes(variantIds: readonly string[]): Promise<Map<string, Component[]>>;
  findRecipe(variantId: string): Promise<RecipeRecord | undefined>;
  saveRecipe(variantId: string, components: readonly Component[]): Promise<RecipeRecord>;
  deleteRecipe(variantId: string): Promise<boolean>;
  listRecipes(query: ListRecipesQuery, after?: string): Promise<RecipeRecord[]>;
}

export interface TransferRepository {
  insertTransfer(t: Omit<TransferRecord, 'dispatchedAt'>): Promise<TransferRecord>;
  findTransfer(id: string, lock?: boolean): Promise<TransferRecord | undefined>;
  markReceived(
    id: string,
    patch: { receivedBy: string | null; receiveBatchId: string },
  ): Promise<TransferRecord>;
  listTransfers(
    query: ListTransfersQuery,
    after: string | undefined,
    stores: string[] | null,
  ): Promise<TransferRecord[]>;
}

/** The kinds of request an Idempotency-Key names one of (a key is scoped to its kind). */
export type IdempotencyScope = 'movements' | 'counts' | 'transfers';

/** What an Idempotency-Key already names: its request's fingerprint and first answer. */
export interface IdempotencyRecord {
  fingerprint: string;
  response: unknown;
}

export interface IdempotencyRepository {
  /**
   * Claims `key` for this transaction, or returns what it already names. A
   * key claimed by a transaction still running makes this wait for it: the
   * key is then this one's if that one rolled back, and names that one's
   * answer if it committed. Claim first, before any lock is taken.
   */
  claimIdempotencyKey(
    scope: IdempotencyScope,
    key: string,
    fingerprint: string,
  ): Promise<IdempotencyRecord | undefined>;
  /** Stores the answer to the request that claimed `key` in this transaction. */
  answerIdempotencyKey(scope: IdempotencyScope, key: string, response: unknown): Promise<void>;
}

/** Inventory's data, inside one tenant-scoped transaction. */
export interface InventoryRepository
  extends
    RegistryRepository,
    LevelRepository,
    LedgerRepository,
    ReservationRepository,
    TransferRepository,
    IdempotencyRepository {
  /**
   * Runs the unit's last statements, started together; the commit leaves with
   * them where the engine allows (the platform's `lastly`, whose rules apply).
   */
  lastly<T>(writes: () => Promise<T>): Promise<T>;
  /** Records an integration event in the outbox, in this transaction. */
  emit<S extends z.ZodType>(event: EventDefinition<string, S>, payload: z.input<S>): Promise<void>;
  /** Appends to the audit log, in this transaction. */
  audit(entry: AuditEntry): Promise<void>;
  /** Audit entries; with `stores`, only the entries about those stores. */
  listAudit(
    query: Omit<ListAuditQuery, 'cursor'>,
    after: string | undefined,
    stores: string[] | null,
  ): Promise<AuditEntryView[]>;
}

export interface InventoryStore {
  /** Runs `fn` in one transaction of the caller's tenant, as the caller. */
  inTenant<T>(ctx: CallContext, fn: (repo: InventoryRepository) => Promise<T>): Promise<T>;
  /** Tenants that have reservations past their expiry (read across tenants). */
  tenantsWithDueReservations(now: Date, limit: number): Promise<string[]>;
}

/** What inventory needs to know about a store (from store-ops). */
export interface StoreInfo {
  policy: OversellPolicy;
  active: boolean;
}

export interface StorePolicies {
  /** The store's oversell policy, or a `store-not-found` error. */
  get(ctx: CallContext, storeId: string): Promise<StoreInfo>;
}

export interface Clock {
  now(): Date;
}

export interface InventoryDeps {
  store: InventoryStore;
  stores: StorePolicies;
  clock: Clock;
}
