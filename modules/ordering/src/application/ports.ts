import type { z } from 'zod';
import type { Actor, AuditEntry, CallContext, EventDefinition } from '@stratum/platform';
import type { ListOrdersFilter, SplitView } from '../contract.ts';
import type { OrderEvent } from '../domain/order-events.ts';
import type { KitchenTicket, LineSnapshot, Order, OrderStatus } from '../domain/order-types.ts';
import type { Rounding } from '../domain/pricing.ts';
import type { Receipt } from '../domain/receipt.ts';

/** What a creation asked for: a retry with the same id must ask for the same. */
export interface CreateRequest {
  storeId: string;
  registerId: string;
  fulfilment: unknown;
  notes: string | null;
  /** The lines it was opened with, as asked (absent when it was opened empty). */
  lines?: unknown[];
}

/** A split as stored: which parts are paid is the order's to say (`paidParts`). */
export type StoredSplit = Omit<SplitView, 'parts'> & {
  parts: Omit<SplitView['parts'][number], 'paid'>[];
};

export interface OrderRecord {
  id: string;
  storeId: string;
  registerId: string;
  number: string | null;
  status: OrderStatus;
  state: Order;
  notes: string | null;
  request: CreateRequest;
  split: StoredSplit | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface TicketRecord {
  id: string;
  storeId: string;
  orderId: string;
  status: 'open' | 'done';
  ticket: KitchenTicket;
  orderNotes: string | null;
  firedAt: Date;
  bumpedAt: Date | null;
  bumpedBy: string | null;
}

export interface ReceiptRecord {
  orderId: string;
  storeId: string;
  registerId: string;
  receiptNumber: number;
  document: Receipt;
  text: string;
  createdAt: Date;
}

/** Keyset position in the order list: creation instant, then id. */
export type OrderCursor = readonly [createdAt: string, id: string];

export interface OrderRepository {
  /**
   * Fails with `order-concurrency-conflict` when an order with this id already
   * exists (in any state, of any tenant): a failing statement, so the
   * transaction cannot commit past it.
   */
  insertOrder(order: OrderRecord): Promise<void>;
  /** The order; `lock` holds its row (`FOR UPDATE`) until the transaction ends. */
  findOrder(id: string, lock?: boolean): Promise<OrderRecord | undefined>;
  /**
   * Stores the new state if the row is still at `expectedVersion`; false
   * when another writer got there first (the caller decides again or gives up).
   */
  updateOrder(order: OrderRecord, expectedVersion: number): Promise<boolean>;
  /** Stores a split computed on `version`; false if the order has moved on. */
  saveSplit(orderId: string, split: StoredSplit, version: number): Promise<boolean>;
  /** Appends events numbered from `afterVersion + 1`. */
  appendEvents(
    orderId: string,
    afterVersion: number,
    events: readonly OrderEvent[],
    actorId: string | null,
  ): Promise<void>;
  listOrders(
    query: ListOrdersFilter,
    after: OrderCursor | undefined,
    stores: string[] | null,
  ): Promise<OrderRecord[]>;
  /** The next number of the store's local day (1, 2, …), under the counter's row lock. */
  nextOrderNumber(storeId: string, businessDate: string): Promise<number>;
}

export interface KitchenRepository {
  insertTickets(tickets: readonly TicketRecord[]): Promise<void>;
  /** The ticket; `lock` holds its row until the transaction ends. */
  findTicket(id: string, lock?: boolean): Promise<TicketRecord | undefined>;
  markBumped(id: string, at: Date, by: string): Promise<TicketRecord>;
  listTickets(
    storeId: string,
    status: TicketRecord['status'],
    limit: number,
  ): Promise<TicketRecord[]>;
}

/** Fired tickets changed after the fact: voids and reductions the kitchen must see. */
export interface TicketChangeRepository {
  /**
   * The order's open tickets, oldest first, each row held until the
   * transaction ends: a bump of one of them waits, or went first and the
   * ticket is no longer open.
   */
  lockOpenTicketsOfOrder(orderId: string): Promise<TicketRecord[]>;
  /** Stores the ticket's new content (its items as they stand now). */
  saveTicketContent(id: string, ticket: KitchenTicket): Promise<TicketRecord>;
}

export interface ReceiptRepository {
  /**
   * False when the register already has a receipt with this number; on
   * PostgreSQL the refused insert has then failed the transaction.
   */
  insertReceipt(receipt: ReceiptRecord): Promise<boolean>;
  findReceipt(orderId: string): Promise<ReceiptRecord | undefined>;
}

/** Ordering's data inside one tenant-scoped transaction. */
export interface OrderingRepository
  extends OrderRepository, KitchenRepository, TicketChangeRepository, ReceiptRepository {
  /**
   * Runs the unit's last statements, started together; the commit leaves with
   * them where the engine allows (the platform's `lastly`, whose rules apply).
   */
  lastly<T>(writes: () => Promise<T>): Promise<T>;
  /** Records an integration event in the outbox, in this transaction. */
  emit<S extends z.ZodType>(event: EventDefinition<string, S>, payload: z.input<S>): Promise<void>;
  /** Appends to the audit log, in this transaction. */
  audit(entry: AuditEntry): Promise<void>;
}

export interface OrderingStore {
  /** Runs `fn` in one transaction of the caller's tenant, as the caller. */
  inTenant<T>(ctx: CallContext, fn: (repo: OrderingRepository) => Promise<T>): Promise<T>;
}

/** What the catalog says about a line now, to be snapshotted on the order. */
export interface LineQuote extends LineSnapshot {
  /** False while the item is 86'd in the store. */
  readonly available: boolean;
}

export interface Catalog {
  /** Prices one line in a store; unknown or unsellable items and bad selections are errors. */
  quote(
    ctx: CallContext,
    storeId: string,
    line: { variantId: string; optionIds: readonly string[] },
  ): Promise<LineQuote>;
}

/** What ordering needs to know about a store (from store-ops). */
export interface StoreInfo {
  id: string;
  name: string;
  currency: string;
  /** The store's default for tax rates that do not say whether they are inclusive. */
  taxInclusive: boolean;
  /** How taxes are rounded (store-ops' `taxRounding`); an order keeps the one it was placed under. */
  rounding: Rounding;
  timezone: string;
  /** Printed under the name on receipts. */
  address: string[];
  active: boolean;
}

export interface Stores {
  /** The store, or a `store-not-found` error. */
  get(ctx: CallContext, storeId: string): Promise<StoreInfo>;
}

export interface Registers {
  /**
   * The store a register belongs to, or a `register-not-found` error. A
   * register never moves to another store, so the answer may be kept.
   */
  storeOf(ctx: CallContext, registerId: string): Promise<string>;
}

/** A table of a store's floor plan, as store-ops knows it. */
export interface FloorTable {
  readonly storeId: string;
  readonly name: string;
  readonly active: boolean;
}

export interface Tables {
  /** The floor-plan table with this id, or undefined when there is none. */
  find(ctx: CallContext, tableId: string): Promise<FloorTable | undefined>;
}

export interface Approvals {
  /**
   * Verifies a manager's access token handed over at the till and answers
   * who they are. Rejects a token that is invalid, expired, revoked or of
   * another tenant than `ctx`'s.
   */
  verify(ctx: CallContext, token: string): Promise<Actor>;
}

export interface Clock {
  now(): Date;
}

export interface OrderingDeps {
  store: OrderingStore;
  catalog: Catalog;
  stores: Stores;
  registers: Registers;
  tables: Tables;
  approvals: Approvals;
  clock: Clock;
  /** How many times a command that lost a race is decided again before giving up. */
  attempts: number;
}
