import type { CallContext } from '@stratum/platform';
import type { CheckoutStatus } from '../../contract/checkout.ts';
import type {
  CheckoutKind,
  CompensationStep,
  ForwardStep,
  PlannedTender,
} from '../../domain/checkout.ts';
import type { Registers, StoreInfo, Stores } from '../ports.ts';

/**
 * What the saga needs of the order it checks out (implemented on ordering's
 * own use cases). `U` is a unit of work of ordering's: a transaction in which
 * the order and the saga are written together (see `CheckoutStore.advanceWith`).
 */
export interface CheckoutOrders<U = unknown> {
  /** The order as it stands, priced; `order-not-found` if there is none. */
  snapshot(ctx: CallContext, orderId: string): Promise<OrderSnapshot>;
  /**
   * In the caller's unit of work (the saga's creation): reads the order
   * `FOR UPDATE` and decides to hold it for checkout `checkoutId` — nothing
   * else may change it until the checkout pays it or is undone
   * (`order-in-checkout`) — and answers it as held, with the writes of the
   * hold still to be started (`write`), so that they leave with the saga's.
   */
  holdIn(unit: U, ctx: CallContext, orderId: string, checkoutId: string): Promise<HeldOrder>;
  /** Frees the order a checkout held after it was undone; a no-op once it is not held by it. */
  release(ctx: CallContext, orderId: string, checkoutId: string): Promise<void>;
  /**
   * Records the payments and the receipt, and fires every course the kitchen
   * has not seen, in the unit of work the returned function is given: the
   * order is paid and the kitchen told. Idempotent per checkout;
   * `order-changed-during-checkout` if the order is no longer at
   * `payment.orderVersion` (lines or prices changed while it was being paid).
   * What it needs from other modules (the store, for the receipt) is fetched
   * now, before that unit opens.
   */
  prepareMarkPaid(
    ctx: CallContext,
    orderId: string,
    payment: OrderPayment,
  ): Promise<(unit: U) => Promise<void>>;
  /**
   * Records one split-bill part's payments on the order, in the unit of work
   * the returned function is given; the order stays open for the rest.
   * Idempotent per checkout; refused as `prepareMarkPaid` is.
   */
  preparePartPaid(
    ctx: CallContext,
    orderId: string,
    payment: PartPayment,
  ): Promise<(unit: U) => Promise<void>>;
  /**
   * Fires every course the kitchen has not seen yet; nothing to fire is fine.
   * For sagas an earlier version left at `fire-kitchen`.
   */
  fireRemaining(ctx: CallContext, orderId: string): Promise<void>;
}

export interface HeldOrder {
  readonly snapshot: OrderSnapshot;
  /** Starts the hold's statements before it returns; they fail with the unit of work. */
  readonly write: () => Promise<unknown>;
}

/** A saga planned in ordering's unit of work, with that unit's own writes to go with it. */
export interface PlannedCheckout {
  readonly checkout: NewCheckout;
  /** Started with the saga's insert, in the same write (`HeldOrder.write`). */
  readonly write?: () => Promise<unknown>;
}

export interface OrderSnapshot {
  readonly orderId: string;
  readonly storeId: string;
  readonly status: string;
  readonly currency: string;
  /** What the customer owes, tip excluded, in minor units. */
  readonly total: number;
  /** Changes whenever the order does: the checkout refuses to pay for a different order. */
  readonly version: number;
  readonly lines: readonly { readonly variantId: string; readonly quantity: number }[];
  /** What the split-bill parts paid so far have paid of `total`. */
  readonly paid: number;
  /** Split-bill parts, what each owes and whether it was paid on its own, if the bill was split. */
  readonly parts: readonly {
    readonly partId: string;
    readonly total: number;
    readonly paid: boolean;
  }[];
}

export interface OrderPayment {
  readonly checkoutId: string;
  /** The order's store (its name and time zone go on the receipt). */
  readonly storeId: string;
  /**
   * That store as the checkout read it before any money moved, when the same
   * run goes on to the pivot; absent (a saga the recovery worker resumed), it
   * is read again.
   */
  readonly store?: StoreInfo;
  readonly orderVersion: number;
  readonly registerId: string;
  /** What the receipt prints for the register. */
  readonly registerName: string;
  /** What the receipt prints for the cashier (default: who opened the order). */
  readonly cashier?: string;
  readonly receiptNumber: number;
  readonly tenders: readonly PlannedTender[];
  readonly changeDue: number;
  readonly paidAt: Date;
}

/** One split-bill part's payments, as `preparePartPaid` records them. */
export interface PartPayment {
  readonly checkoutId: string;
  readonly orderVersion: number;
  readonly partId: string;
  readonly tenders: readonly PlannedTender[];
  readonly paidAt: Date;
}

/** Inventory's reservations, as the saga uses them. Every call is idempotent. */
export interface StockReservations {
  reserve(
    ctx: CallContext,
    input: {
      reservationId: string;
      storeId: string;
      lines: { variantId: string; quantity: number }[];
      reference: string;
    },
  ): Promise<void>;
  confirm(ctx: CallContext, reservationId: string): Promise<void>;
  /** Gives the stock back; a reservation that never happened is fine. */
  release(ctx: CallContext, reservationId: string): Promise<void>;
}

/** Payments, as the saga uses them. Both calls are idempotent on the payment id. */
export interface CheckoutPayments {
  /** Takes (authorizes and captures) one tender; a decline is a non-transient DomainError. */
  take(
    ctx: CallContext,
    tender: PlannedTender,
    order: { orderId: string; storeId: string; registerId: string; currency: string },
  ): Promise<void>;
  /**
   * Gives the money of a payment back, whatever state it reached: voids an
   * authorization, refunds a capture, settles an outcome left unknown by a
   * crash first; a payment that never happened is fine.
   */
  undo(ctx: CallContext, paymentId: string, reason: string): Promise<void>;
}

/** Store-ops' gapless receipt numbers; the same reference gets the same number. */
export interface ReceiptNumbers {
  /** The number, and the register's name for the receipt to print. */
  allocate(
    ctx: CallContext,
    registerId: string,
    reference: string,
  ): Promise<{ number: number; registerName: string }>;
}

export interface CheckoutPlan {
  /** sha256 of the request, to tell a retry from a different request under one key. */
  readonly fingerprint: string;
  readonly reservationId: string;
  readonly currency: string;
  /** What this checkout pays of the order, in minor units (tips excluded). */
  readonly total: number;
  readonly orderVersion: number;
  /** Absent on sagas planned before parts were paid alone: `whole`. */
  readonly kind?: CheckoutKind;
  /** The split-bill part this checkout pays, when it pays one. */
  readonly partId?: string;
  /** What the order still owes once this checkout is done (tips excluded); 0 when it settles. */
  readonly balanceAfter?: number;
  readonly tenders: readonly PlannedTender[];
  readonly lines: readonly { readonly variantId: string; readonly quantity: number }[];
  /** Who asked: the actor the in-request steps run as. */
  readonly cashierId: string;
  /** Their name as their token gave it, for the receipt. */
  readonly cashierName?: string;
}

export interface CheckoutRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly orderId: string;
  readonly storeId: string;
  readonly registerId: string;
  readonly idempotencyKey: string;
  readonly status: CheckoutStatus;
  readonly step: ForwardStep | CompensationStep | 'done';
  readonly plan: CheckoutPlan;
  readonly failure: { code: string; message: string; step: ForwardStep } | null;
  readonly attempts: number;
  /** Until when the current driver owns the saga; a retry waits for it. */
  readonly leaseUntil: Date | null;
  readonly receiptNumber: number | null;
  readonly createdAt: Date;
  readonly finishedAt: Date | null;
}

/** A saga as it is created, before the store adds its lease and times. */
export type NewCheckout = Omit<
  CheckoutRecord,
  'attempts' | 'leaseUntil' | 'receiptNumber' | 'createdAt' | 'finishedAt'
>;

/** A step done, for the step log. */
export interface StepDone {
  readonly step: ForwardStep | CompensationStep;
  readonly direction: 'forward' | 'compensate';
}

/** Where sagas live: the row, its lease and its step log. */
export interface CheckoutStore<U = unknown> {
  /**
   * Plans a new saga in a unit of work of ordering's (`plan` reads the order
   * there) and inserts it, holding the lease, with `place` logged as done and
   * the plan's own writes, in the same transaction; `undefined` if its key is
   * taken or another live checkout holds the order. What `plan` throws is
   * thrown, and nothing is kept.
   */
  create(
    ctx: CallContext,
    plan: (unit: U) => Promise<PlannedCheckout>,
    leaseMs: number,
  ): Promise<CheckoutRecord | undefined>;
  get(tenantId: string, id: string): Promise<CheckoutRecord | undefined>;
  byKey(tenantId: string, idempotencyKey: string): Promise<CheckoutRecord | undefined>;
  /** Takes the lease if it is free or lapsed; `undefined` while someone else holds it. */
  claim(tenantId: string, id: string, leaseMs: number): Promise<CheckoutRecord | undefined>;
  /**
   * Logs the steps `done` since the last move and moves the saga on, in one
   * transaction; the lease is renewed for the next step.
   */
  advance(
    record: CheckoutRecord,
    done: readonly StepDone[],
    next: { step: CheckoutRecord['step']; status: CheckoutStatus },
    leaseMs: number,
    extra?: { receiptNumber?: number; failure?: CheckoutRecord['failure'] },
  ): Promise<CheckoutRecord>;
  /**
   * `work` in a unit of work of ordering's, and the saga moved on (as
   * `advance`) in the same transaction: the pivot commits with its checkpoint.
   */
  advanceWith(
    ctx: CallContext,
    record: CheckoutRecord,
    done: readonly StepDone[],
    next: { step: CheckoutRecord['step']; status: CheckoutStatus },
    leaseMs: number,
    extra: { receiptNumber?: number },
    work: (unit: U) => Promise<void>,
  ): Promise<CheckoutRecord>;
  /** Leaves the saga as it is, to be picked up again at `retryAt`. */
  release(record: CheckoutRecord, retryAt: Date): Promise<CheckoutRecord>;
  /** Sagas of every tenant whose lease has lapsed, oldest first. */
  due(now: Date, limit: number): Promise<{ tenantId: string; id: string }[]>;
}

export interface CheckoutDeps<U = unknown> {
  readonly store: CheckoutStore<U>;
  readonly orders: CheckoutOrders<U>;
  readonly reservations: StockReservations;
  readonly payments: CheckoutPayments;
  readonly receipts: ReceiptNumbers;
  /** Where a register belongs: a checkout pays at a till of the order's store. */
  readonly registers: Registers;
  /** The store of that till: an archived store takes no payment. */
  readonly stores: Stores;
  /** Whether a register's cash drawer is open: cash is taken into an open drawer only. */
  readonly drawers: Drawers;
  readonly clock: { now(): Date };
  readonly settings: CheckoutSettings;
  /** Fault injection for crash tests: called before and after every step. */
  readonly onStep?: (step: string, phase: 'before' | 'after') => void;
  readonly log?: (
    level: 'warn' | 'error',
    message: string,
    fields: Record<string, unknown>,
  ) => void;
}

export interface Drawers {
  /** True while the register has an open drawer session (store-ops). */
  isOpen(ctx: CallContext, registerId: string): Promise<boolean>;
}

export interface CheckoutSettings {
  /** How long a driver owns a saga before another may take over (ms). */
  readonly leaseMs: number;
  /** How long transient failures before the pivot are retried before undoing the checkout (ms). */
  readonly retryWindowMs: number;
  /** How long an HTTP request waits for its checkout to finish before answering 202 (ms). */
  readonly requestWaitMs: number;
}

export const defaultCheckoutSettings: CheckoutSettings = {
  leaseMs: 30_000,
  retryWindowMs: 30_000,
  requestWaitMs: 15_000,
};
