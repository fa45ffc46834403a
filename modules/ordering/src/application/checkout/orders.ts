import type { CallContext } from '@stratum/platform';
import { raiseCheckout } from '../../contract/checkout.ts';
import type { OrderRecord, OrderingDeps, OrderingRepository } from '../ports.ts';
import { fireUnfired, storeTickets } from '../kitchen.ts';
import {
  applyCommand,
  changeOrder,
  loadOrder,
  prepareCommand,
  readOrder,
  withRetry,
} from '../order-writer.ts';
import type { PlannedTender } from '../../domain/checkout.ts';
import { recordPartPaymentIn, recordPaymentIn, type SettledPayment } from '../settlement.ts';
import { priceOf } from '../../domain/order-pricing.ts';
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

/**
 * What the saga plans from: the order's status and totals, and the units its
 * live lines hold (as the order's view shows them, without building one).
 */
function snapshotOf(r: OrderRecord): OrderSnapshot {
  const order = r.state;
  const paidParts = new Set((order.paidParts ?? []).map((p) => p.partId));
  return {
    orderId: r.id,
    storeId: r.storeId,
    status: order.status,
    currency: order.currency,
    total: priceOf(order).totals.total,
    version: r.version,
    lines: unitsOf(order.lines),
    paid: order.status === 'open' || order.status === 'sent' ? order.paidAmount : 0,
    parts:
      r.split?.parts.map((p) => ({
        partId: p.partId,
        total: p.total,
        paid: paidParts.has(p.partId),
      })) ?? [],
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
export function checkoutOrders(d: OrderingDeps): CheckoutOrders<OrderingRepository> {
  return {
    snapshot: async (ctx, orderId) => snapshotOf(await readOrder(d, ctx, orderId)),

    async holdIn(repo, ctx, orderId, checkoutId) {
      // Locked as it is read, so the hold's version check cannot miss once its writes leave.
      const { record, write } = await prepareCommand(
        repo,
        ctx,
        orderId,
        d.clock.now(),
        () => ({ type: 'hold-for-checkout', checkoutId }),
        { lock: true },
      );
      return {
        snapshot: snapshotOf(record),
        write: write ?? (() => Promise.resolve()),
      };
    },

    async release(ctx, orderId, checkoutId) {
      await changeOrder(d, ctx, orderId, undefined, () => ({
        type: 'release-checkout',
        checkoutId,
      }));
    },

    async prepareMarkPaid(ctx, orderId, payment) {
      const store = payment.store ?? (await d.stores.get(ctx, payment.storeId));
      const input = {
        payments: payment.tenders.map(settled),
        receiptNumber: payment.receiptNumber,
        registerId: payment.registerId,
        register: payment.registerName,
        ...(payment.cashier !== undefined && { cashier: payment.cashier }),
        paidAt: payment.paidAt,
      };
      return async (repo: OrderingRepository) => {
        // The kitchen learns of the sale as it is paid, and the commit leaves with both.
        await recordPaymentIn(repo, ctx, orderId, input, store, {
          check: versionCheck(payment),
          fireKitchen: true,
          last: true,
        });
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

/** Fires every course with lines the kitchen has not seen, in one write; none is fine. */
function fireRemainingIn(d: OrderingDeps, ctx: CallContext, orderId: string) {
  return withRetry(d, undefined, () =>
    d.store.inTenant(ctx, async (repo) => {
      const current = await loadOrder(repo, ctx, orderId, true);
      await applyCommand(
        repo,
        ctx,
        orderId,
        d.clock.now(),
        (order) => fireUnfired(order.state)[0] ?? null,
        { loaded: current, effects: storeTickets, andThen: fireUnfired },
      );
    }),
  );
}
