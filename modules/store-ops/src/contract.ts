import { z } from 'zod';
import {
  DomainError,
  defineErrors,
  defineEvent,
  defineRemoteContract,
  type AuditEntryView,
  type CallContext,
  type ListAuditQuery,
  type Raise,
} from '@stratum/platform';
import { currencyCode, storeView } from './contract/stores.ts';
import type {
  CreateStoreInput,
  ListStoresQuery,
  Page,
  StoreView,
  UpdateStoreInput,
} from './contract/stores.ts';
import type {
  CreateRegisterInput,
  CreateSectionInput,
  CreateTableInput,
  ListRegistersQuery,
  ListSectionsQuery,
  ListTablesQuery,
  RegisterView,
  SectionView,
  TableView,
  UpdateRegisterInput,
  UpdateSectionInput,
  UpdateTableInput,
} from './contract/registers.ts';
import type {
  AllocateReceiptNumberOptions,
  CashMovementInput,
  CloseDrawerInput,
  DrawerMovementView,
  DrawerSessionView,
  ListDrawerSessionsQuery,
  ListMovementsQuery,
  OpenDrawerInput,
  ReceiptNumberView,
  RecordedCashMovement,
  RecordDrawerMovementInput,
  XReport,
  ZReport,
} from './contract/drawers.ts';
import {
  allocateReceiptNumberInput,
  drawerSessionView,
  receiptNumberView,
} from './contract/drawers.ts';
import { registerView, tableView } from './contract/registers.ts';

export * from './contract/stores.ts';
export * from './contract/registers.ts';
export * from './contract/drawers.ts';

/**
 * Permissions store-ops checks at its HTTP edge, and the roles holding them.
 * A cashier runs a drawer (open, cash in/out, X report, receipt numbers) but
 * only a manager or owner may close it with a Z report.
 */
export const storeOpsPermissions = {
  'stores:read': ['owner', 'manager', 'cashier', 'kitchen'],
  'stores:write': ['owner', 'manager'],
  'drawers:operate': ['owner', 'manager', 'cashier'],
  'drawers:close': ['owner', 'manager'],
  /**
   * Posting sales and refunds by hand. Checkouts and refunds of orders post
   * themselves: store-ops follows ordering's `checkout-completed`,
   * `checkout-part-paid` and `order-refunded` events.
   */
  'drawers:record-sales': ['owner', 'manager'],
  'receipts:issue': ['owner', 'manager', 'cashier'],
  /**
   * Reading the audit log: store and register changes, Z closes, and sales or
   * refunds that could not be posted to a drawer.
   */
  'stores:audit': ['owner', 'manager'],
} as const satisfies Record<string, readonly string[]>;

export const storeOpsErrors = defineErrors({
  'store-not-found': 'not-found',
  'store-archived': 'conflict',
  'store-not-allowed': 'forbidden',
  'store-has-open-drawers': 'conflict',
  'register-not-found': 'not-found',
  'register-deactivated': 'conflict',
  'register-has-open-drawer': 'conflict',
  'register-name-taken': 'conflict',
  'device-already-linked': 'conflict',
  'device-not-found': 'unprocessable',
  'device-in-other-store': 'unprocessable',
  'device-revoked': 'conflict',
  'section-not-found': 'not-found',
  'section-name-taken': 'conflict',
  /** The section still has active tables; the problem lists them (`activeTables`). */
  'section-in-use': 'conflict',
  /** The section has been removed: it takes no table, and its tables are not used again in it. */
  'section-archived': 'conflict',
  'table-not-found': 'not-found',
  'table-name-taken': 'conflict',
  'drawer-not-found': 'not-found',
  'drawer-already-open': 'conflict',
  'drawer-not-open': 'conflict',
  'insufficient-cash': 'unprocessable',
  'reason-required': 'unprocessable',
  'movement-reference-conflict': 'conflict',
  /** Cash in and out move money: they need an Idempotency-Key, as checkouts and refunds do. */
  'idempotency-key-required': 'invalid',
  /** The Idempotency-Key was used for a different cash movement. */
  'idempotency-key-reused': 'unprocessable',
  'z-report-not-found': 'not-found',
});
export type StoreOpsErrorCode = keyof typeof storeOpsErrors.codes;
export const raise: Raise<StoreOpsErrorCode> = storeOpsErrors.raise;

/**
 * The part of store-ops' API other modules call (catalog for time zones and
 * currencies, inventory for the oversell policy). The HTTP routes expose more.
 */
export interface StoreDirectory {
  /** The store, or a `store-not-found` DomainError. */
  getStore(ctx: CallContext, storeId: string): Promise<StoreView>;
}

export const storeOpsEvents = {
  storeCreated: defineEvent('store-ops.store-created', 1, storeView),
  storeUpdated: defineEvent('store-ops.store-updated', 1, storeView),
  drawerClosed: defineEvent(
    'store-ops.drawer-closed',
    1,
    z.object({
      sessionId: z.uuid(),
      storeId: z.uuid(),
      registerId: z.uuid(),
      expectedCashMinor: z.number().int(),
      countedCashMinor: z.number().int(),
      overShortMinor: z.number().int(),
      currency: currencyCode,
    }),
  ),
} as const;

/**
 * Store-ops' whole API: what the HTTP adapter binds and what other modules may
 * call in-process. Permissions are checked at the HTTP edge (see
 * `storeOpsPermissions`). The use cases check the actor's store scope
 * (`actor.stores`) for every change made in a store and for floor plans,
 * registers and drawers: a list filtered to a store the actor may not act in
 * is `store-not-allowed`, an unfiltered one holds the actor's stores only.
 * Store settings are readable tenant-wide (transfers and catalogs need other
 * stores' currency and time zone). Money is integer minor units of the
 * store's currency.
 */
export interface StoreOpsApi extends StoreDirectory {
  createStore(ctx: CallContext, input: CreateStoreInput): Promise<StoreView>;
  listStores(ctx: CallContext, query: ListStoresQuery): Promise<Page<StoreView>>;
  updateStore(ctx: CallContext, storeId: string, input: UpdateStoreInput): Promise<StoreView>;
  /**
   * Archives a store; rejected with `store-has-open-drawers` while a drawer is
   * open, so an archived store never has one. From then on its registers open
   * no drawer and issue no receipt number, and neither they nor its floor plan
   * change (`store-archived`); a register may still be deactivated.
   */
  archiveStore(ctx: CallContext, storeId: string, reason?: string): Promise<StoreView>;

  createRegister(ctx: CallContext, input: CreateRegisterInput): Promise<RegisterView>;
  getRegister(ctx: CallContext, registerId: string): Promise<RegisterView>;
  listRegisters(ctx: CallContext, query: ListRegistersQuery): Promise<Page<RegisterView>>;
  /** Renames a register or links/unlinks an identity device; `store-archived` once its store is. */
  updateRegister(
    ctx: CallContext,
    registerId: string,
    input: UpdateRegisterInput,
  ): Promise<RegisterView>;
  deactivateRegister(ctx: CallContext, registerId: string): Promise<RegisterView>;

  createSection(ctx: CallContext, input: CreateSectionInput): Promise<SectionView>;
  /** The store's active sections in display order (by position, then name), or its removed ones. */
  listSections(
    ctx: CallContext,
    storeId: string,
    query: ListSectionsQuery,
  ): Promise<Page<SectionView>>;
  updateSection(
    ctx: CallContext,
    sectionId: string,
    input: UpdateSectionInput,
  ): Promise<SectionView>;
  /**
   * Removes a section whose tables are all inactive (or that has none): it is
   * archived, not deleted, so its tables and the orders that name them still
   * resolve. It leaves the floor plan, takes no new table and frees its name;
   * removing it again does nothing. `section-in-use` while a table in it is
   * active.
   */
  removeSection(ctx: CallContext, sectionId: string): Promise<void>;
  /** Adds a table to an active section (`section-archived` for a removed one). */
  createTable(ctx: CallContext, input: CreateTableInput): Promise<TableView>;
  listTables(ctx: CallContext, query: ListTablesQuery): Promise<Page<TableView>>;
  /** One table of the floor plan, or `table-not-found`. */
  getTable(ctx: CallContext, tableId: string): Promise<TableView>;
  /**
   * Renames, reseats, moves or (de)activates a table; tables are never deleted.
   * A table is moved into, or activated in, an active section only.
   */
  updateTable(ctx: CallContext, tableId: string, input: UpdateTableInput): Promise<TableView>;

  /** Opens the register's drawer with a counted float; `drawer-already-open` (409) if one is. */
  openDrawer(
    ctx: CallContext,
    registerId: string,
    input: OpenDrawerInput,
  ): Promise<DrawerSessionView>;
  /** The register's open session, or `drawer-not-open`. */
  currentDrawer(ctx: CallContext, registerId: string): Promise<DrawerSessionView>;
  getDrawerSession(ctx: CallContext, sessionId: string): Promise<DrawerSessionView>;
  listDrawerSessions(
    ctx: CallContext,
    query: ListDrawerSessionsQuery,
  ): Promise<Page<DrawerSessionView>>;
  /**
   * Puts cash into the open drawer. The Idempotency-Key is required and names
   * one cash-in of the register (it is kept as the movement's `reference`):
   * the same request under it again returns the first movement, `replayed`,
   * even once the session has closed; another request under it (another
   * session, amount or reason) is `idempotency-key-reused`.
   */
  cashIn(
    ctx: CallContext,
    sessionId: string,
    input: CashMovementInput,
    idempotencyKey: string | undefined,
  ): Promise<RecordedCashMovement>;
  /** Takes cash out of the open drawer, at most what it should hold; keyed as `cashIn` is. */
  cashOut(
    ctx: CallContext,
    sessionId: string,
    input: CashMovementInput,
    idempotencyKey: string | undefined,
  ): Promise<RecordedCashMovement>;
  /**
   * Posts a sale or refund to the register's open drawer by hand (a sale
   * taken outside Stratum). Sales and refunds of orders arrive by themselves,
   * from ordering's events, with the payment or refund id as reference.
   * Idempotent on `reference`: the same reference with the same content returns
   * the first movement; with different content it is `movement-reference-conflict`.
   */
  recordDrawerMovement(
    ctx: CallContext,
    input: RecordDrawerMovementInput,
  ): Promise<DrawerMovementView>;
  listDrawerMovements(
    ctx: CallContext,
    sessionId: string,
    query: ListMovementsQuery,
  ): Promise<Page<DrawerMovementView>>;
  /** The running totals of a session (open or closed) without closing it. */
  xReport(ctx: CallContext, sessionId: string): Promise<XReport>;
  /** Closes the session with the counted cash; writes the immutable Z report. */
  closeDrawer(ctx: CallContext, sessionId: string, input: CloseDrawerInput): Promise<ZReport>;
  getZReport(ctx: CallContext, sessionId: string): Promise<ZReport>;

  /**
   * The next receipt number of the register: gapless and never repeated. With a
   * `reference` (e.g. an order id) the call is idempotent: a retry returns the
   * number already given to that reference instead of using a new one. A
   * deactivated register (`register-deactivated`) or one of an archived store
   * (`store-archived`) issues no new number, and the sequence does not move; a
   * number already given to the reference is still returned.
   */
  allocateReceiptNumber(
    ctx: CallContext,
    registerId: string,
    options?: AllocateReceiptNumberOptions,
  ): Promise<ReceiptNumberView>;

  /**
   * The append-only audit log: who changed what, when, the state before and
   * after, and why; newest first unless `sort` says otherwise. Staff limited
   * to some stores see only the entries about those stores (a store's own
   * entries, and those whose recorded state names the store); an entry that
   * names no store is shown to unrestricted callers only.
   */
  listAudit(ctx: CallContext, query: ListAuditQuery): Promise<Page<AuditEntryView>>;
}

/**
 * Whether the register's drawer is open, asked of `currentDrawer` (in process
 * or remote alike): `drawer-not-open` is a no; any other failure is thrown.
 */
export async function drawerIsOpen(
  storeOps: Pick<StoreOpsApi, 'currentDrawer'>,
  ctx: CallContext,
  registerId: string,
): Promise<boolean> {
  try {
    await storeOps.currentDrawer(ctx, registerId);
    return true;
  } catch (err) {
    if (err instanceof DomainError && err.code === 'drawer-not-open') return false;
    throw err;
  }
}

/** What other modules call on store-ops across a process boundary. */
export const storeOpsRemote = defineRemoteContract<StoreOpsApi>()('store-ops', {
  getStore: { args: z.tuple([z.uuid()]), result: storeView, idempotent: true },
  getRegister: { args: z.tuple([z.uuid()]), result: registerView, idempotent: true },
  getTable: { args: z.tuple([z.uuid()]), result: tableView, idempotent: true },
  currentDrawer: { args: z.tuple([z.uuid()]), result: drawerSessionView, idempotent: true },
  allocateReceiptNumber: {
    args: z.tuple([z.uuid(), allocateReceiptNumberInput.optional()]),
    result: receiptNumberView,
    // Only a reference makes a retry return the same number instead of a new one.
    idempotent: (args) => (args[1] as { reference?: string } | undefined)?.reference !== undefined,
  },
});
