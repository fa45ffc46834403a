import { defineErrors, type CallContext, type Raise } from '@stratum/platform';
import type {
  FireCourseResult,
  KitchenTicketView,
  KitchenTicketsQuery,
} from './contract/kitchen.ts';
import type {
  AddLineInput,
  ChangeQuantityInput,
  CreateOrderInput,
  ListOrdersQuery,
  RemoveLineInput,
  SetDiscountInput,
  SetServiceChargeInput,
  SetTipInput,
  SplitBillInput,
  VoidOrderInput,
} from './contract/orders.ts';
import type { OrderSummaryView, OrderView, SplitView } from './contract/order-views.ts';
import type { ReceiptView } from './contract/receipts.ts';
import type { SalesSummaryQuery, SalesSummaryView } from './contract/reports.ts';

export * from './contract/orders.ts';
export * from './contract/order-views.ts';
export * from './contract/kitchen.ts';
export * from './contract/receipts.ts';
export * from './contract/events.ts';
export * from './contract/checkout.ts';
export * from './contract/refunds.ts';
export * from './contract/reports.ts';

/**
 * Permissions ordering checks at its HTTP edge, and the roles holding them.
 * Cashiers ring up orders; the kitchen reads orders and tickets and bumps
 * them.
 */
export const orderingPermissions = {
  'ordering:read': ['owner', 'manager', 'cashier', 'kitchen'],
  'ordering:write': ['owner', 'manager', 'cashier'],
  /** Takes the money: runs the checkout saga (reserve, pay, confirm, fire). */
  'ordering:checkout': ['owner', 'manager', 'cashier'],
  /** Asks for a refund of items; a manager's approval is always needed on top. */
  'ordering:refund': ['owner', 'manager', 'cashier'],
  'kitchen:read': ['owner', 'manager', 'cashier', 'kitchen'],
  'kitchen:bump': ['owner', 'manager', 'kitchen'],
  /** Sales figures of a store (the back office's dashboard): money totals staff at a till do not need. */
  'ordering:reports': ['owner', 'manager'],
} as const satisfies Record<string, readonly string[]>;

/** Ordering's error codes: stable kebab-case codes, each with its HTTP kind. */
export const orderingErrors = defineErrors({
  /** A money value is not a safe integer of minor units, or is negative where it may not be. */
  'invalid-amount': 'invalid',
  'invalid-quantity': 'invalid',
  /** A percentage outside 0–100 %, or a negative fixed amount. */
  'invalid-discount': 'invalid',
  /** Rate outside 0–10 000 bps, twice on one line, or one id with two meanings in an order. */
  'invalid-tax-rate': 'invalid',
  'invalid-service-charge': 'invalid',
  'invalid-currency': 'invalid',
  'invalid-course': 'invalid',
  'duplicate-line': 'invalid',
  'reason-required': 'invalid',
  'table-required': 'invalid',
  'delivery-details-required': 'invalid',
  'invalid-payment': 'invalid',
  'invalid-split': 'invalid',
  'order-not-found': 'not-found',
  'line-not-found': 'not-found',
  /** Removing or reducing a line the kitchen has seen, voiding and refunding need a manager. */
  'manager-approval-required': 'forbidden',
  'order-already-exists': 'conflict',
  /** Lines, discounts, service charge and tip change only while the order is open or sent. */
  'order-not-open': 'conflict',
  /**
   * Guests have paid parts of the split bill: its lines and amounts, and the
   * split, stay as they are until the rest is paid, and the order is not voided.
   */
  'order-partly-paid': 'conflict',
  'order-in-checkout': 'conflict',
  'invalid-order-transition': 'conflict',
  /** A fired line's quantity only goes down; more of it is a new line, fired on its own. */
  'line-already-fired': 'conflict',
  'nothing-to-fire': 'conflict',
  /** A paid order is voided only after its payments were voided. */
  'payment-not-voided': 'conflict',
  'duplicate-refund': 'conflict',
  /** Another refund of the order is being paid out; its units are spoken for until it is done. */
  'refund-in-progress': 'conflict',
  /**
   * The refund under this Idempotency-Key was refused by payments part-way: what moved is
   * counted as money given back, the items were not refunded.
   */
  'refund-partly-given': 'conflict',
  'order-empty': 'unprocessable',
  /** The payments do not add up to the order's priced total. */
  'payment-amount-mismatch': 'unprocessable',
  /** Refunds never exceed what was paid minus what was already refunded. */
  'refund-exceeds-paid': 'unprocessable',
  /** A line's units are refunded once at most. */
  'refund-exceeds-line': 'unprocessable',
  'payment-not-on-order': 'unprocessable',
  /** A split by item must assign every unit of every line exactly once. */
  'split-quantity-mismatch': 'unprocessable',
  /** The order changed since the caller read it (`If-Match`), or kept changing under retries. */
  'order-concurrency-conflict': 'conflict',
  /** The item is 86'd in this store right now. */
  'item-unavailable': 'conflict',
  'variant-not-found': 'unprocessable',
  /** Archived items and ingredients are not sold. */
  'item-not-sellable': 'unprocessable',
  /** The chosen modifier options do not fit the item's modifier groups. */
  'invalid-selection': 'unprocessable',
  'store-not-found': 'not-found',
  'register-not-found': 'not-found',
  /** A dine-in order names a table id that is no table of the order's store. */
  'table-not-found': 'unprocessable',
  /** A deactivated table seats no new orders. */
  'table-inactive': 'conflict',
  /** The register rings up another store's sales. */
  'register-not-in-store': 'unprocessable',
  'store-archived': 'conflict',
  'store-not-allowed': 'forbidden',
  /** The approval is not a valid access token of this business for this store. */
  'approval-invalid': 'forbidden',
  'ticket-not-found': 'not-found',
  /** No receipt yet: an order has one once it is paid. */
  'receipt-not-found': 'not-found',
  /** Another order of the register already carries this receipt number. */
  'receipt-number-taken': 'conflict',
  /** A report window that ends before it starts, or spans more than `maxReportDays`. */
  'invalid-report-window': 'invalid',
});
export type OrderingErrorCode = keyof typeof orderingErrors.codes;
export const raise: Raise<OrderingErrorCode> = orderingErrors.raise;

/** A page of a cursor-paginated list. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Options of every command on an order. */
export interface CommandOptions {
  /**
   * The version the caller last saw (HTTP `If-Match`). When the order has
   * moved on, the command is refused with `order-concurrency-conflict`
   * instead of being applied to a state the caller has not seen. Without it,
   * a command that loses a race is decided again on the fresh state.
   */
  expectedVersion?: number;
}

/**
 * Ordering's public API. Every change is decided by the pure order state
 * machine (`domain/order.ts`), stored with its domain events, and announced
 * through the outbox in the same transaction. Money is integer minor units of
 * the order's currency. Checkout, payments and refunds are not here: the
 * checkout saga drives payment through the application layer.
 */
export interface OrderingApi {
  /** Opens an order in a store; idempotent on a client-chosen `orderId`. */
  createOrder(ctx: CallContext, input: CreateOrderInput): Promise<OrderView>;
  getOrder(ctx: CallContext, orderId: string): Promise<OrderView>;
  listOrders(ctx: CallContext, query: ListOrdersQuery): Promise<Page<OrderSummaryView>>;
  /**
   * Adds a line priced by the catalog now (name, variant, price, modifiers,
   * taxes and station are snapshotted); an 86'd item is `item-unavailable`.
   */
  addLine(
    ctx: CallContext,
    orderId: string,
    input: AddLineInput,
    options?: CommandOptions,
  ): Promise<OrderView>;
  /** A fired line only goes down, with a reason and a manager's approval. */
  changeLineQuantity(
    ctx: CallContext,
    orderId: string,
    lineId: string,
    input: ChangeQuantityInput,
    options?: CommandOptions,
  ): Promise<OrderView>;
  /** A fired line is voided (reason and manager's approval), an unfired one removed. */
  removeLine(
    ctx: CallContext,
    orderId: string,
    lineId: string,
    input: RemoveLineInput,
    options?: CommandOptions,
  ): Promise<OrderView>;
  setLineDiscount(
    ctx: CallContext,
    orderId: string,
    lineId: string,
    input: SetDiscountInput,
    options?: CommandOptions,
  ): Promise<OrderView>;
  setOrderDiscount(
    ctx: CallContext,
    orderId: string,
    input: SetDiscountInput,
    options?: CommandOptions,
  ): Promise<OrderView>;
  setServiceCharge(
    ctx: CallContext,
    orderId: string,
    input: SetServiceChargeInput,
    options?: CommandOptions,
  ): Promise<OrderView>;
  setTip(
    ctx: CallContext,
    orderId: string,
    input: SetTipInput,
    options?: CommandOptions,
  ): Promise<OrderView>;
  /** Fires a course's unfired lines: one kitchen ticket per station. */
  fireCourse(
    ctx: CallContext,
    orderId: string,
    course: number,
    options?: CommandOptions,
  ): Promise<FireCourseResult>;
  /** Voids an unpaid order; a manager's approval once the kitchen has seen a line. */
  voidOrder(
    ctx: CallContext,
    orderId: string,
    input: VoidOrderInput,
    options?: CommandOptions,
  ): Promise<OrderView>;
  /** Closes a paid order (the guests have left). */
  closeOrder(ctx: CallContext, orderId: string, options?: CommandOptions): Promise<OrderView>;
  /** Splits the bill evenly or by item and keeps the split on the order until it changes. */
  splitBill(
    ctx: CallContext,
    orderId: string,
    input: SplitBillInput,
    options?: CommandOptions,
  ): Promise<SplitView>;

  getKitchenTickets(
    ctx: CallContext,
    storeId: string,
    query?: KitchenTicketsQuery,
  ): Promise<KitchenTicketView[]>;
  /** The kitchen marks a ticket done; bumping a done ticket again changes nothing. */
  bumpTicket(ctx: CallContext, ticketId: string): Promise<KitchenTicketView>;

  /** The receipt of a paid order: the document and its 80-column text. */
  getReceipt(ctx: CallContext, orderId: string): Promise<ReceiptView>;

  /**
   * Totals and best sellers of the orders a store was paid for in `[from, to)`
   * (at most `maxReportDays` long); `invalid-report-window` otherwise.
   */
  salesSummary(ctx: CallContext, query: SalesSummaryQuery): Promise<SalesSummaryView>;
}

/** The longest window a sales summary covers: a quarter, so one query stays cheap. */
export const maxReportDays = 92;
