import type { CallContext } from '@stratum/platform';
import { raiseCheckout } from '../../contract/checkout.ts';
import type { OrderView, OrderingApi } from '../../contract.ts';
import type { OrderRecord, OrderingDeps, OrderingRepository } from '../ports.ts';
import { storeTickets } from '../kitchen.ts';
import { applyCommand, changeOrder, loadOrder, withRetry } from '../order-writer.ts';
import type { PlannedTender } from '../../domain/checkout.ts';
import { recordPartPaymentIn, recordPaymentIn, type SettledPayment } from '../settlement.ts';
import { toOrderView } from '../views.ts';
import type { CheckoutOrders, OrderSnapshot } from './ports.ts';

/** Units of each variant on the live lines: what is held is what is sold. */
function unitsOf(lines: readonly { variantId: string; quantity: number; voided: unknown }[]) {
  const units = new Map<string, number>();
  for (const line of lines) {
    if (line.voided) continue;
    units.set(line.variantId, (units.get(line.variantId) ?? 0) + line.quantity);
  }
  return [...units].map(([variantId, quantity]) => ({ variantId, quantity }));
}

/** What the saga plans from: the order's status and totals, and the units its live lines hold. */
function snapshotOf(order: OrderView): OrderSnapshot {
  return {
    orderId: order.orderId,
    storeId: order.storeId,
    status: order.status,
    currency: order.currency,
    total: order.totals.total,
    version: order.version,
    lines: unitsOf(order.lines),
    paid: order.status === 'open' || order.status === 'sent' ? order.paidAmount : 0,
    parts:
      order.split?.parts.map((p) => ({ partId: p.partId, total: p.total, paid: p.paid })) ?? [],
  };
}

/**
 * Paying is the saga's pivot: refused if the order moved on from the version
 * the checkout priced, unless these very payments are already on it (a step
 * retried after a crash).
 */
function versionCheck(payment: { orderVersion: number; tenders: readonly PlannedTender[] }) {
  return (current: OrderRecord) => {
    const paid = new Set(current.state.payments.map((p) => p.paymentId));
    const alreadyOurs = payment.tenders.every((t) => paid.has(t.paymentId));
    if (!alreadyOurs && current.version !== payment.orderVersion) {
      raiseCheckout(
        'order-changed-during-checkout',
        'The order changed while it was being paid; the payments are given back.',
      );
    }
  };
}

/**
 * The saga's view of ordering, on ordering's own use cases: each call reads
 * the order once (`FOR UPDATE`), in a transaction of its own or, for paying,
 * in the saga's unit of work.
 */
export function checkoutOrders(
  d: OrderingDeps,
  api: Pick<OrderingApi, 'getOrder'>,
): CheckoutOrders<OrderingRepository> {
  return {
    snapshot: async (ctx, orderId) => snapshotOf(await api.getOrder(ctx, orderId)),

    async holdIn(repo, ctx, orderId, checkoutId) {
      const { record } = await applyCommand(repo, ctx, orderId, d.clock.now(), () => ({
        type: 'hold-for-checkout',
        checkoutId,
      }));
      return snapshotOf(toOrderView(record));
    },

    async release(ctx, orderId, checkoutId) {
      await changeOrder(d, ctx, orderId, undefined, () => ({
        type: 'release-checkout',
        checkoutId,
      }));
    },

    async prepareMarkPaid(ctx, orderId, payment) {
      const store = await d.stores.get(ctx, payment.storeId);
      const input = {
        payments: payment.tenders.map(settled),
        receiptNumber: payment.receiptNumber,
        registerId: payment.registerId,
        register: payment.registerName,
        ...(payment.cashier !== undefined && { cashier: payment.cashier }),
        paidAt: payment.paidAt,
      };
      return async (repo: OrderingRepository) => {
        const { record } = await recordPaymentIn(
          repo,
          ctx,
          orderId,
          input,
          store,
          versionCheck(payment),
        );
        // The kitchen learns of the sale as it is paid: no transaction of its own.
        await fireRemainingOn(repo, ctx, record, d.clock.now());
      };
    },

    preparePartPaid(ctx, orderId, payment) {
      // Nothing to fetch first: no receipt is printed for a part.
      const input = {
        partId: payment.partId,
        payments: payment.tenders.map(settled),
        paidAt: payment.paidAt,
      };
      return Promise.resolve(async (repo: OrderingRepository) => {
        await recordPartPaymentIn(repo, ctx, orderId, input, versionCheck(payment));
      });
    },

    async fireRemaining(ctx, orderId) {
      await fireRemainingIn(d, ctx, orderId);
    },
  };
}

/** A tender as the order (and its receipt) records it; on a split bill, with the part it paid. */
function settled(t: PlannedTender): SettledPayment {
  const tender = t.kind === 'cash' ? 'Cash' : `Card •••• ${t.card?.number.slice(-4) ?? ''}`;
  return {
    paymentId: t.paymentId,
    amount: t.amount,
    label: t.partId === undefined ? tender : `${tender} (part ${t.partId})`,
    ...(t.kind === 'cash' && t.given !== undefined && { tendered: t.given }),
    ...(t.tip > 0 && { tip: t.tip }),
  };
}

/**
 * Fires every course with lines the kitchen has not seen, in the caller's
 * transaction, on the order as it read it (`FOR UPDATE`); none is fine.
 */
async function fireRemainingOn(
  repo: OrderingRepository,
  ctx: CallContext,
  loaded: OrderRecord,
  now: Date,
): Promise<void> {
  let current = loaded;
  const courses = new Set(
    current.state.lines.filter((l) => !l.voided && l.firedAt === null).map((l) => l.course),
  );
  for (const course of [...courses].sort((a, b) => a - b)) {
    const { record } = await applyCommand(
      repo,
      ctx,
      current.id,
      now,
      () => ({ type: 'fire-course', course }),
      { loaded: current, effects: storeTickets },
    );
    current = record;
  }
}

/** `fireRemainingOn` in a transaction of its own. */
function fireRemainingIn(d: OrderingDeps, ctx: CallContext, orderId: string) {
  return withRetry(d, undefined, () =>
    d.store.inTenant(ctx, async (repo) =>
      fireRemainingOn(repo, ctx, await loadOrder(repo, ctx, orderId, true), d.clock.now()),
    ),
  );
}
