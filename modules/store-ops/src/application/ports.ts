import type { z } from 'zod';
import type {
  AuditEntry,
  AuditEntryView,
  EventDefinition,
  ListAuditQuery,
} from '@stratum/platform';
import type {
  CreateTableInput,
  DrawerMovementView,
  DrawerSessionView,
  ListDrawerSessionsQuery,
  ListMovementsQuery,
  ListRegistersQuery,
  ListSectionsQuery,
  ListStoresQuery,
  ListTablesQuery,
  MovementKind,
  Page,
  ReceiptNumberView,
  RegisterView,
  SectionView,
  StoreView,
  TableView,
  ZReport,
} from '../contract.ts';
import type { MovementTotal } from '../domain/drawer.ts';
import type { ActiveTables } from '../domain/floor-plan.ts';

export type RowLock = 'share' | 'update';

export interface Clock {
  now(): Date;
}

export type StorePatch = Partial<
  Pick<
    StoreView,
    'name' | 'timezone' | 'address' | 'taxInclusive' | 'taxRounding' | 'oversellPolicy' | 'status'
  >
>;
/** A device a register may be linked to: the store it was registered for, and whether it still works. */
export interface KnownDevice {
  id: string;
  storeId: string;
  status: 'active' | 'revoked';
}

export type RegisterPatch = Partial<Pick<RegisterView, 'name' | 'deviceId' | 'status'>>;
export type SectionPatch = Partial<Pick<SectionView, 'name' | 'position' | 'status'>>;
export type TablePatch = Partial<Pick<TableView, 'name' | 'seats' | 'sectionId' | 'active'>>;

export interface NewMovement {
  id: string;
  sessionId: string;
  registerId: string;
  kind: MovementKind;
  tender: string;
  amountMinor: number;
  reason: string | null;
  reference: string | null;
  actorId: string;
}

/** Store-ops' data, inside one tenant-scoped transaction. */
export interface StoreOpsRepository {
  insertStore(store: Omit<StoreView, 'createdAt' | 'status'>): Promise<StoreView>;
  /**
   * With `lock`, holds the row until commit: `update` for a state change that
   * depends on child rows (archive), `share` for a child insert that depends on
   * the parent's state (open a drawer), so the two serialise.
   */
  findStore(id: string, options?: { lock?: RowLock }): Promise<StoreView | undefined>;
  listStores(query: ListStoresQuery): Promise<Page<StoreView>>;
  updateStore(id: string, patch: StorePatch): Promise<StoreView>;
  countOpenDrawers(storeId: string): Promise<number>;

  /** Inserts the register and its receipt sequence (starting at 1). */
  insertRegister(register: Omit<RegisterView, 'createdAt' | 'status'>): Promise<RegisterView>;
  /** With `lock`, holds the register row until commit, as `findStore` does. */
  findRegister(id: string, options?: { lock?: RowLock }): Promise<RegisterView | undefined>;
  listRegisters(query: ListRegistersQuery, stores?: readonly string[]): Promise<Page<RegisterView>>;
  updateRegister(id: string, patch: RegisterPatch): Promise<RegisterView>;
  /** A device identity registered, as store-ops last heard of it. */
  findDevice(id: string): Promise<KnownDevice | undefined>;
  /**
   * Records what identity said of a device. A revocation is final: a
   * registration heard after it (events may arrive out of order) changes nothing.
   */
  recordDevice(device: KnownDevice): Promise<void>;

  insertSection(section: Omit<SectionView, 'createdAt' | 'status'>): Promise<SectionView>;
  /**
   * With `lock`, holds the section row until commit: `update` to archive it,
   * `share` to put an active table in it, so the two serialise.
   */
  findSection(id: string, options?: { lock?: RowLock }): Promise<SectionView | undefined>;
  listSections(storeId: string, query: ListSectionsQuery): Promise<Page<SectionView>>;
  updateSection(id: string, patch: SectionPatch): Promise<SectionView>;
  /** How many of the section's tables are active, and the first `limit` of them by name. */
  activeTablesInSection(sectionId: string, limit: number): Promise<ActiveTables>;
  insertTable(table: CreateTableInput & { id: string; storeId: string }): Promise<TableView>;
  findTable(id: string): Promise<TableView | undefined>;
  listTables(query: ListTablesQuery): Promise<Page<TableView>>;
  updateTable(id: string, patch: TablePatch): Promise<TableView>;

  /** Raises `drawer-already-open` when the register already has an open session. */
  insertSession(
    session: Omit<DrawerSessionView, 'status' | 'closedBy' | 'closedAt' | 'openedAt'>,
  ): Promise<DrawerSessionView>;
  findSession(id: string, options?: { lock?: boolean }): Promise<DrawerSessionView | undefined>;
  findOpenSession(
    registerId: string,
    options?: { lock?: boolean },
  ): Promise<DrawerSessionView | undefined>;
  listSessions(
    query: ListDrawerSessionsQuery,
    stores?: readonly string[],
  ): Promise<Page<DrawerSessionView>>;
  closeSession(id: string, closedBy: string, closedAt: Date): Promise<DrawerSessionView>;

  insertMovement(movement: NewMovement, currency: string): Promise<DrawerMovementView>;
  findMovementByReference(
    registerId: string,
    kind: MovementKind,
    reference: string,
    currency: string,
  ): Promise<DrawerMovementView | undefined>;
  /** Sums of the session's movements per (kind, tender). */
  movementTotals(sessionId: string): Promise<MovementTotal[]>;
  listMovements(
    sessionId: string,
    currency: string,
    query: ListMovementsQuery,
  ): Promise<Page<DrawerMovementView>>;
  insertZReport(report: ZReport): Promise<ZReport>;
  findZReport(sessionId: string): Promise<ZReport | undefined>;

  /**
   * Locks the register's sequence row until commit (allocations queue behind
   * it) and returns the number already issued for `reference`, if any.
   */
  lockReceiptSequence(
    registerId: string,
    reference: string,
  ): Promise<Omit<ReceiptNumberView, 'registerName'> | undefined>;
  /**
   * Takes the next number (UPDATE … RETURNING) and records it as issued, in
   * one statement that also checks the register's store: undefined, with
   * nothing taken and the sequence unmoved, when the store is archived (or
   * the register does not exist).
   */
  takeReceiptNumber(
    registerId: string,
    reference: string | null,
    actorId: string,
  ): Promise<Omit<ReceiptNumberView, 'registerName'> | undefined>;

  /**
   * Runs the unit's last statements, started together; the commit leaves with
   * them where the engine allows (the platform's `lastly`, whose rules apply).
   */
  lastly<T>(writes: () => Promise<T>): Promise<T>;
  emit<S extends z.ZodType>(event: EventDefinition<string, S>, payload: z.input<S>): Promise<void>;
  audit(entry: AuditEntry): Promise<void>;
  /** The audit log; with `stores`, only the entries about those stores. */
  listAudit(query: ListAuditQuery, stores?: readonly string[]): Promise<Page<AuditEntryView>>;
  /** Runs `hook` once this unit of work has committed; never if it rolls back. */
  afterCommit(hook: () => void): void;
}

export interface StoreOpsStore {
  inTenant<T>(tenantId: string, fn: (repo: StoreOpsRepository) => Promise<T>): Promise<T>;
}
