// What the checkout saga calls: paying, closing and cancelling an order.
// Each comes twice: `xIn(…, repo, ctx, …)` runs inside the caller's
// transaction (so the saga's step log commits with ordering's change) and
// locks the order row (`FOR UPDATE`) until that transaction ends, so it never
// loses a race; `x(deps)(ctx, …)` runs in a transaction of its own.
import { together, type CallContext } from '@stratum/platform';
import {
  orderingEvents,
  raise,
  type CommandOptions,
  type OrderView,
  type OrderingApi,
  type ReceiptView,
} from '../contract.ts';
import { localIso } from '../domain/local-time.ts';
import { priceOf } from '../domain/order-pricing.ts';
import { receiptOf } from '../domain/receipt-build.ts';
import { renderReceiptText } from '../domain/receipt.ts';
import { closedPayload, paidPayload } from './integration-events.ts';
import { fireUnfired, storeTickets } from './kitchen.ts';
import { printerColumns } from './receipt-columns.ts';
import { applyCommand, loadOrder, readOrder, withRetry } from './order-writer.ts';
import type {
  OrderRecord,
  OrderingDeps,
  OrderingRepository,
  ReceiptRecord,
  StoreInfo,
} from './ports.ts';
import { toOrderView, toReceiptView } from './views.ts';

export interface SettledPayment {
  readonly paymentId: string;
  /** What this payment pays of the order, in minor units. */
  readonly amount: number;
  /** How the receipt names the tender: "Cash", "Card •••• 4242". Default "Payment". */
  readonly label?: string;
  /** Cash handed over, when more than `amount`: the receipt shows the change. */
  readonly tendered?: number;
  /** A tip given with a card, charged on top of `amount` (not part of the order's total). */
  readonly tip?: number;
}

export interface RecordPaymentInput {
  /**
   * With the payments of the parts already paid (which come first), they
   * must add up to the order's total exactly (`payment-amount-mismatch`).
   */
  readonly payments: readonly SettledPayment[];
  /** Allocated by store-ops for `registerId`'s sequence (gapless, ADR 0007). */
  readonly receiptNumber: number;
  /** The register that took the payment and numbered the receipt; default: the order's. */
  readonly registerId?: string;
  readonly paidAt: Date;
  /** Printed names; default: the register id and the id of who opened the order. */
  readonly register?: string;
  readonly cashier?: string;
  readonly footer?: readonly string[];
}

export interface PaymentRecorded {
  order: OrderView;
  receipt: ReceiptView;
  /** True when the order was already paid with these payments and this receipt number. */
  replayed: boolean;
}

/** What `recordPaymentIn` wrote (or found written): its caller makes views of it if it answers with them. */
export interface PaymentWritten {
  order: OrderRecord;
  receipt: ReceiptRecord;
  replayed: boolean;
}

export interface RecordPaymentOptions {
  /** A further check of the order as locked, before anything is written (the saga's version check). */
  check?: (current: OrderRecord) => void;
  /** Also fires the courses the kitchen has not seen, in the same write (the checkout's pivot). */
  fireKitchen?: boolean;
  /**
   * The payment's statements are the transaction's last: the commit leaves
   * with them (`repo.lastly`). The order is read `FOR UPDATE` and a taken
   * receipt number is a failing statement, so nothing is decided from their
   * answers.
   */
  last?: boolean;
}

function assertPaymentInput(input: RecordPaymentInput): void {
  if (!Number.isSafeInteger(input.receiptNumber) || input.receiptNumber < 1) {
    raise('invalid-payment', 'A receipt number is a positive whole number.');
  }
  if (Number.isNaN(input.paidAt.getTime())) raise('invalid-payment', 'paidAt is not an instant.');
  for (const p of input.payments) {
    if (p.tip !== undefined && (!Number.isSafeInteger(p.tip) || p.tip < 0)) {
      raise('invalid-payment', 'A tip is a non-negative whole amount.', { paymentId: p.paymentId });
    }
    if (p.tendered !== undefined && (!Number.isSafeInteger(p.tendered) || p.tendered < p.amount)) {
      raise('invalid-payment', 'What was tendered is at least what the payment pays.', {
        paymentId: p.paymentId,
      });
    }
  }
}

const samePayments = (a: readonly { paymentId: string; amount: number }[], b: typeof a) =>
  a.length === b.length &&
  a.every((p, i) => p.paymentId === b[i]?.paymentId && p.amount === b[i]?.amount);

/**
 * Pays the order (the domain's `pay`: the payments must add up to its total),
 * stores its receipt (`receiptOf` + `renderReceiptText`, in the store's local
 * time) and announces `ordering.order-paid`, all in the caller's transaction.
 * `store` must be read before the transaction opens (`deps.stores.get`).
 * Recording the same payments under the same receipt number again answers the
 * first result.
 */
export async function recordPaymentIn(
  repo: OrderingRepository,
  ctx: CallContext,
  orderId: string,
  input: RecordPaymentInput,
  store: StoreInfo,
  options: RecordPaymentOptions = {},
): Promise<PaymentWritten> {
  assertPaymentInput(input);
  const [current, existing] = await together([
    loadOrder(repo, ctx, orderId, true),
    repo.findReceipt(orderId),
  ]);
  options.check?.(current);
  // A partly paid order: the parts' payments come first, on the receipt too.
  const payments = [...partPayments(current), ...input.payments];
  if (existing) {
    if (
      existing.receiptNumber === input.receiptNumber &&
      samePayments(current.state.payments, payments)
    ) {
      return { order: current, receipt: existing, replayed: true };
    }
    raise('invalid-order-transition', 'The order was already paid.', { status: current.status });
  }
  const { record, result } = await applyCommand(
    repo,
    ctx,
    orderId,
    input.paidAt,
    () => ({
      type: 'pay',
      payments: payments.map((p) => ({
        paymentId: p.paymentId,
        amount: p.amount,
        ...(p.tip && { tip: p.tip }),
      })),
    }),
    {
      loaded: current,
      ...(options.fireKitchen && { andThen: fireUnfired }),
      ...(options.last && { last: true }),
      effects: async (tx, change) => {
        const { after } = change;
        const priced = priceOf(after.state);
        const document = receiptOf(after.state, priced, {
          store: { name: store.name, address: store.address },
          register: input.register ?? input.registerId ?? after.registerId,
          receiptNumber: input.receiptNumber,
          cashier: input.cashier ?? after.state.openedBy,
          openedAt: localIso(new Date(after.state.openedAt), store.timezone),
          printedAt: localIso(input.paidAt, store.timezone),
          tenders: payments.map((p) => ({
            label: p.label ?? 'Payment',
            amount: (p.tendered ?? p.amount) + (p.tip ?? 0),
          })),
          tips: payments.reduce((sum, p) => sum + (p.tip ?? 0), 0),
          ...(input.footer && { footer: input.footer }),
        });
        const receipt: ReceiptRecord = {
          orderId,
          storeId: after.storeId,
          registerId: input.registerId ?? after.registerId,
          receiptNumber: input.receiptNumber,
          document,
          text: renderReceiptText(document, { width: printerColumns }),
          createdAt: input.paidAt,
        };
        await together([
          tx.insertReceipt(receipt).then((inserted) => {
            if (!inserted) {
              raise('receipt-number-taken', `Receipt ${input.receiptNumber} is already issued.`, {
                registerId: input.registerId ?? after.registerId,
                receiptNumber: input.receiptNumber,
              });
            }
          }),
          tx.emit(orderingEvents.orderPaid, paidPayload(after, input.receiptNumber, priced)),
          options.fireKitchen ? storeTickets(tx, change) : undefined,
        ]);
        return receipt;
      },
    },
  );
  if (!result) raise('invalid-order-transition', 'The order was not paid.');
  return { order: record, receipt: result, replayed: false };
}

/** The payments of the split-bill parts paid so far, as their receipt lines will name them. */
function partPayments(order: OrderRecord): readonly SettledPayment[] {
  return (order.state.paidParts ?? []).flatMap((part) => part.payments);
}

export interface RecordPartPaymentInput {
  readonly partId: string;
  /** They pay the part exactly, and leave some of the bill owed (`payment-amount-mismatch`). */
  readonly payments: readonly SettledPayment[];
  readonly paidAt: Date;
}

/**
 * Records one split-bill part's payments on the order (the domain's
 * `pay-part`), in the caller's transaction, with the order locked. The order
 * stays open: no receipt yet (the payment that settles the bill prints one
 * with every tender) and nothing announced (the checkout is). The same part
 * with the same payments again answers the order as it is.
 */
export async function recordPartPaymentIn(
  repo: OrderingRepository,
  ctx: CallContext,
  orderId: string,
  input: RecordPartPaymentInput,
  check?: (current: OrderRecord) => void,
): Promise<OrderView> {
  const current = await loadOrder(repo, ctx, orderId, true);
  check?.(current);
  const done = current.state.paidParts?.find((p) => p.partId === input.partId);
  if (done && samePayments(done.payments, input.payments)) return toOrderView(current);
  const { record } = await applyCommand(
    repo,
    ctx,
    orderId,
    input.paidAt,
    () => ({
      type: 'pay-part',
      partId: input.partId,
      amount: input.payments.reduce((sum, p) => sum + p.amount, 0),
      // A settled payment is a part's payment as the order keeps it (the domain copies its fields).
      payments: input.payments,
    }),
    { loaded: current },
  );
  return toOrderView(record);
}

/** `recordPaymentIn` in a transaction of its own (reads the store first). */
export function recordPayment(deps: OrderingDeps) {
  return async (
    ctx: CallContext,
    orderId: string,
    input: RecordPaymentInput,
  ): Promise<PaymentRecorded> => {
    const order = await readOrder(deps, ctx, orderId);
    const store = await deps.stores.get(ctx, order.storeId);
    const written = await withRetry(deps, undefined, () =>
      deps.store.inTenant(ctx, (repo) => recordPaymentIn(repo, ctx, orderId, input, store)),
    );
    return {
      order: toOrderView(written.order),
      receipt: toReceiptView(written.receipt),
      replayed: written.replayed,
    };
  };
}

/** Closes a paid order in the caller's transaction and announces `ordering.order-closed`. */
export async function closeOrderIn(
  deps: Pick<OrderingDeps, 'clock'>,
  repo: OrderingRepository,
  ctx: CallContext,
  orderId: string,
  options: CommandOptions = {},
): Promise<OrderView> {
  const { record } = await applyCommand(
    repo,
    ctx,
    orderId,
    deps.clock.now(),
    () => ({ type: 'close' }),
    {
      expectedVersion: options.expectedVersion,
      lock: true,
      effects: (tx, { after }) => tx.emit(orderingEvents.orderClosed, closedPayload(after)),
    },
  );
  return toOrderView(record);
}

export function closeOrder(deps: OrderingDeps): OrderingApi['closeOrder'] {
  return (ctx, orderId, options) =>
    withRetry(deps, options, () =>
      deps.store.inTenant(ctx, (repo) => closeOrderIn(deps, repo, ctx, orderId, options)),
    );
}
