import { DomainError, stableId, type CallContext } from '@stratum/platform';
import {
  orderingEvents,
  raise,
  raiseCheckout,
  refundOrderInput,
  type OrderView,
  type RefundOrderInput,
} from '../contract.ts';
import { requireApproval } from '../domain/approval.ts';
import {
  paidStatuses,
  refundableLeft,
  refundAmount,
  refundPending,
  refundRecorded,
  soldStatuses,
} from '../domain/order.ts';
import type {
  PendingRefund,
  RefundLine,
  RefundPortion,
  RefundRecord,
} from '../domain/order-types.ts';
import { approvalFor, verifyApprover } from './approvals.ts';
import { refundedPayload } from './integration-events.ts';
import {
  applyCommand,
  assertRegisterOf,
  changeOrder,
  readOrder,
  type Change,
} from './order-writer.ts';
import type { Drawers } from './checkout/ports.ts';
import type { OrderRecord, OrderingDeps, OrderingRepository } from './ports.ts';
import { toOrderView } from './views.ts';

/** What a refund needs of payments (implemented on payments' contract). */
export interface RefundPayments {
  /** What is left to refund of a payment, and its tender. */
  refundable(ctx: CallContext, paymentId: string): Promise<{ refundable: number; tender: string }>;
  /**
   * Which of `paymentIds` already holds `refundId` (a retry whose first
   * attempt gave the money back but did not record it on the order), if any.
   */
  findRefund(
    ctx: CallContext,
    paymentIds: readonly string[],
    refundId: string,
  ): Promise<{ paymentId: string; tender: string } | undefined>;
  /**
   * Idempotent on `refundId`; applies payments' own limit and approval rules.
   * The drawer is the refund's own to check (see `refundOrder`), not payments'.
   */
  refund(
    ctx: CallContext,
    input: { paymentId: string; refundId: string; amount: number; reason: string; token: string },
  ): Promise<void>;
}

/** The units asked for, line by line (a line named twice counts once with both quantities). */
function unitsOf(lines: readonly RefundLine[]): Map<string, number> {
  const units = new Map<string, number>();
  for (const { lineId, quantity } of lines) units.set(lineId, (units.get(lineId) ?? 0) + quantity);
  return units;
}

/** Whether a recorded refund answers this request: the same units for the same reason. */
function sameRequest(recorded: RefundRecord, input: { lines: RefundLine[]; reason: string }) {
  if (recorded.reason !== input.reason) return false;
  const before = unitsOf(recorded.lines);
  const now = unitsOf(input.lines);
  return before.size === now.size && [...now].every(([line, units]) => before.get(line) === units);
}

/**
 * Announces the refund recorded by this change, one event per payment its
 * money went back to (for the drawer of `registerId`).
 */
const announceRefund =
  (registerId: string, portions: readonly RefundPortion[]) =>
  async (repo: OrderingRepository, change: Change) => {
    for (const event of change.events) {
      if (event.type !== 'OrderRefunded') continue;
      let refundedTotal = event.refundedTotal - event.amount;
      for (const portion of portions) {
        refundedTotal += portion.amount;
        await repo.emit(
          orderingEvents.orderRefunded,
          refundedPayload(change.after, event, {
            registerId,
            paymentId: portion.paymentId,
            tender: portion.tender,
            refundId: portion.refundId,
            amount: portion.amount,
            refundedTotal,
          }),
        );
      }
    }
  };

/**
 * Refunds items of a paid order in three steps: the order speaks for the
 * units (`begin-refund`: no other refund starts meanwhile), the money goes
 * back through payments (to the original tender, idempotent on a refund id
 * derived from the Idempotency-Key), then the order records the refund and
 * announces it (`ordering.order-refunded`, in the same transaction) for the
 * register's cash drawer. A refusal by payments frees the units; a retry
 * with the same key after a crash repeats the steps safely, and a refund
 * whose request never came back is settled by the next one once its hold
 * lapses.
 */
export function refundOrder(deps: OrderingDeps, drawers: Drawers, payments: RefundPayments) {
  return async (
    ctx: CallContext,
    orderId: string,
    raw: RefundOrderInput,
    idempotencyKey: string | undefined,
  ): Promise<RefundedOrder> => {
    if (!idempotencyKey)
      raiseCheckout('idempotency-key-required', 'A refund needs an Idempotency-Key header.');
    const input = refundOrderInput.parse(raw);
    const refundId = stableId(`ordering:refund:${ctx.tenantId}:${orderId}:${idempotencyKey}`);
    const record = await readOrder(deps, ctx, orderId);
    const order = toOrderView(record);
    const recorded = record.state.refunds.find((r) => r.refundId === refundId);
    if (recorded) {
      if (recorded.approval.role === 'payments') {
        raise(
          'refund-partly-given',
          'Payments refused part of this refund: what went back is counted as money given ' +
            'back, and the items were not refunded. Refund them again under a new key.',
          { givenBack: recorded.amount },
        );
      }
      // Recorded before lines were kept, a refund cannot be compared: it is replayed.
      if (recorded.lines.length > 0 && !sameRequest(recorded, input)) {
        raiseCheckout('idempotency-key-reused', 'This Idempotency-Key refunded something else.');
      }
      return { ...order, replayed: true };
    }
    const approver = await verifyApprover(deps, ctx, input.approval.token);
    const approval = approvalFor(approver, order.storeId);
    // Everything the order will check, checked before any money moves.
    requireApproval(input.reason, approval);
    if (order.status === 'refunded') {
      raise('invalid-order-transition', 'Everything paid for this order was given back already.');
    }
    if (!['paid', 'closed', 'partially-refunded'].includes(order.status)) {
      raise('invalid-order-transition', `An order that is ${order.status} cannot be refunded.`);
    }
    const amount = refundAmount(record.state, input.lines);
    const left = refundableLeft(record.state);
    if (amount > left)
      raise('refund-exceeds-paid', 'More than is left to refund.', { refundable: left });

    if (input.registerId) await assertRegisterOf(deps, ctx, input.registerId, order.storeId);
    if (input.paymentId && !order.payments.some((p) => p.paymentId === input.paymentId)) {
      raise('payment-not-on-order', 'That payment did not pay this order.', {
        paymentId: input.paymentId,
      });
    }
    // A retry takes up the plan its first attempt made, whatever is left on the payments now.
    const resumed = record.state.pendingRefund?.refundId === refundId;
    const planned = resumed ? record.state.pendingRefund?.portions : undefined;
    // Begun by code that planned no portions, a retry goes back to the payment it refunded.
    const earlier = planned
      ? undefined
      : await payments.findRefund(
          ctx,
          order.payments.map((p) => p.paymentId),
          refundId,
        );
    const went = planned ?? (earlier ? [earlier] : []);
    if (input.paymentId && went.some((p) => p.paymentId !== input.paymentId)) {
      raiseCheckout('idempotency-key-reused', 'This Idempotency-Key refunded another payment.');
    }
    const portions =
      planned ??
      (earlier
        ? [{ ...earlier, refundId, amount }]
        : input.paymentId
          ? [await namedPortion(ctx, payments, record, input.paymentId, amount, refundId)]
          : await planPortions(
              ctx,
              payments,
              record,
              payersOf(record, input.lines),
              amount,
              refundId,
            ));
    const registerId = input.registerId ?? order.registerId;
    // Cash comes out of a drawer: one that is closed could not account for it.
    if (
      !resumed &&
      !earlier &&
      portions.some((p) => p.tender === 'cash') &&
      !(await drawers.isOpen(ctx, registerId))
    ) {
      raiseCheckout(
        'drawer-not-open',
        'A cash refund is paid out of the register’s drawer: open the drawer first.',
        { registerId },
      );
    }
    // The units are spoken for before the money moves: a refund of the same
    // units under another key now waits (`refund-in-progress`) or finds them gone.
    const begun = await beginRefund(deps, payments, ctx, record, {
      refundId,
      lines: input.lines,
      reason: input.reason,
      ...(approval && { approval }),
      ...(input.registerId !== undefined && { registerId: input.registerId }),
      portions,
    });
    for (const [index, portion] of begun.entries()) {
      try {
        await payments.refund(ctx, {
          paymentId: portion.paymentId,
          refundId: portion.refundId,
          amount: portion.amount,
          reason: input.reason,
          token: input.approval.token,
        });
      } catch (err) {
        // Refused by payments (a limit, a tender that cannot take it): the units are free
        // again, and the shares that went back before this one are counted as money given
        // back. Anything else may have moved money: the same key carries on, or the next
        // refund settles it once the hold lapses.
        if (err instanceof DomainError && err.kind !== 'unavailable') {
          await abandonRefund(deps, ctx, orderId, registerId, begun.slice(0, index), {
            refundId,
            reason: input.reason,
            approvedBy: approval?.approvedBy ?? null,
          });
        }
        throw err;
      }
    }
    try {
      const { order: after } = await changeOrder(
        deps,
        ctx,
        orderId,
        undefined,
        (o) => ({
          type: 'refund',
          refundId,
          lines: input.lines,
          amount: o.state.pendingRefund?.amount ?? amountOf(begun),
          reason: input.reason,
          ...(approval && { approval }),
        }),
        announceRefund(registerId, begun),
      );
      return { ...after, replayed: false };
    } catch (err) {
      // Recorded by an earlier attempt that lost its answer: the refund stands once.
      if (err instanceof DomainError && err.code === 'duplicate-refund') {
        return { ...toOrderView(await readOrder(deps, ctx, orderId)), replayed: true };
      }
      throw err;
    }
  };
}

const amountOf = (portions: readonly RefundPortion[]) =>
  portions.reduce((sum, p) => sum + p.amount, 0);

/** The order after a refund; `replayed` when the Idempotency-Key's refund was recorded before. */
export type RefundedOrder = OrderView & { readonly replayed: boolean };

/** How long a refund's units stay spoken for while its money is on the way (ms). */
const refundHoldMs = 60_000;

/**
 * Begins the refund on the order (`begin-refund`) and answers where its
 * money goes, worked out on the order as locked. A refund begun earlier
 * under the same id is taken up again with its own plan. Another refund
 * still under way refuses this one (`refund-in-progress`); one whose hold
 * lapsed (its request died between payments and the order) is settled first
 * from what payments says.
 */
async function beginRefund(
  deps: OrderingDeps,
  payments: RefundPayments,
  ctx: CallContext,
  record: OrderRecord,
  refund: {
    refundId: string;
    lines: RefundLine[];
    reason: string;
    approval?: RefundRecord['approval'];
    registerId?: string;
    portions: readonly RefundPortion[];
  },
): Promise<readonly RefundPortion[]> {
  const orderId = record.id;
  const stale = record.state.pendingRefund;
  if (
    stale &&
    stale.refundId !== refund.refundId &&
    Date.parse(stale.until) <= deps.clock.now().getTime()
  ) {
    await settleLapsedRefund(deps, payments, ctx, record, stale);
  }
  let portions = refund.portions;
  await changeOrder(deps, ctx, orderId, undefined, (o) => {
    const pending = o.state.pendingRefund;
    if (pending?.refundId === refund.refundId) {
      // Begun by an attempt with no plan: its one payment takes what it began.
      portions = pending.portions ?? [{ ...portions[0]!, amount: pending.amount }];
      return null;
    }
    const amount = refundAmount(o.state, refund.lines);
    if (amount !== amountOf(portions)) {
      raise('order-concurrency-conflict', 'The order changed while the refund was made.', {
        amount,
      });
    }
    const until = new Date(deps.clock.now().getTime() + refundHoldMs).toISOString();
    return { type: 'begin-refund', ...refund, amount, until };
  });
  return portions;
}

/**
 * A refund whose request died after beginning it, settled from what payments
 * says: recorded if all its money went back, cancelled if none did. If only
 * some of its portions went back, the refund is cancelled and the money that
 * moved is counted on the order as given back by those payments.
 */
async function settleLapsedRefund(
  deps: OrderingDeps,
  payments: RefundPayments,
  ctx: CallContext,
  record: OrderRecord,
  stale: PendingRefund,
): Promise<void> {
  const orderId = record.id;
  const registerId = stale.registerId ?? record.registerId;
  let given: RefundPortion[];
  if (stale.portions) {
    const found = await Promise.all(
      stale.portions.map((p) => payments.findRefund(ctx, [p.paymentId], p.refundId)),
    );
    given = stale.portions.filter((_, i) => found[i]);
  } else {
    // Begun with no plan: its money went back to one payment, or nowhere.
    const paymentIds = record.state.payments.map((p) => p.paymentId);
    const found = await payments.findRefund(ctx, paymentIds, stale.refundId);
    given = found ? [{ ...found, refundId: stale.refundId, amount: stale.amount }] : [];
  }
  if (given.length > 0 && given.length === (stale.portions?.length ?? 1)) {
    await changeOrder(
      deps,
      ctx,
      orderId,
      undefined,
      (o) =>
        o.state.pendingRefund?.refundId === stale.refundId
          ? {
              type: 'refund',
              refundId: stale.refundId,
              lines: stale.lines,
              amount: stale.amount,
              reason: stale.reason,
              approval: stale.approval,
            }
          : null,
      announceRefund(registerId, given),
    );
    return;
  }
  await abandonRefund(deps, ctx, orderId, registerId, given, {
    refundId: stale.refundId,
    reason: stale.reason,
    approvedBy: stale.approval.approvedBy,
  });
}

/**
 * Gives up a refund whose money did not all go back: its units are free
 * again, and each share that did go back is counted on the order as money
 * given back by its payment (no units), under the id payments gave it.
 */
async function abandonRefund(
  deps: OrderingDeps,
  ctx: CallContext,
  orderId: string,
  registerId: string,
  given: readonly RefundPortion[],
  refund: { refundId: string; reason: string; approvedBy: string | null },
): Promise<void> {
  await changeOrder(deps, ctx, orderId, undefined, () => ({
    type: 'cancel-refund',
    refundId: refund.refundId,
  }));
  for (const portion of given) {
    await changeOrder(
      deps,
      ctx,
      orderId,
      undefined,
      (o) =>
        refundRecorded(o.state, portion.refundId)
          ? null
          : {
              type: 'record-payment-refund',
              refundId: portion.refundId,
              amount: portion.amount,
              reason: refund.reason,
              approvedBy: refund.approvedBy,
            },
      announceRefund(registerId, [portion]),
    );
  }
}

/**
 * The payments that paid for `lines`: on a bill split by item and paid part
 * by part, those of the parts holding the lines (a part not paid on its own
 * was paid by the checkout that settled the bill); otherwise every payment.
 */
export function payersOf(record: OrderRecord, lines: readonly RefundLine[]): string[] {
  const all = record.state.payments.map((p) => p.paymentId);
  const paidParts = record.state.paidParts ?? [];
  if (record.split?.mode !== 'by-item' || paidParts.length === 0) return all;
  const ofParts = new Set(paidParts.flatMap((p) => p.payments.map((x) => x.paymentId)));
  const settling = all.filter((id) => !ofParts.has(id));
  const wanted = new Set(lines.map((l) => l.lineId));
  const payers = new Set<string>();
  for (const part of record.split.parts) {
    if (!part.lines.some((l) => wanted.has(l.lineId) && l.quantity > 0)) continue;
    const paid = paidParts.find((p) => p.partId === part.partId);
    for (const id of paid ? paid.payments.map((x) => x.paymentId) : settling) payers.add(id);
  }
  return payers.size > 0 ? all.filter((id) => payers.has(id)) : all;
}

/**
 * What `paymentId` can still give back for items: what it paid for them (its
 * tip was never part of the items) less the items' money already given back
 * through it, and never more than payments says is left on it.
 */
function itemsLeftOn(record: OrderRecord, paymentId: string, refundable: number): number {
  const paid = record.state.payments.find((p) => p.paymentId === paymentId)?.amount ?? 0;
  const given = record.state.refunds
    .filter((r) => r.lines.length > 0)
    .flatMap((r) => r.portions ?? [])
    .filter((p) => p.paymentId === paymentId)
    .reduce((sum, p) => sum + p.amount, 0);
  return Math.max(0, Math.min(refundable, paid - given));
}

/** The refund's money all to the payment the request names, if it paid that much for items. */
async function namedPortion(
  ctx: CallContext,
  payments: RefundPayments,
  record: OrderRecord,
  paymentId: string,
  amount: number,
  refundId: string,
): Promise<RefundPortion> {
  const { refundable, tender } = await payments.refundable(ctx, paymentId);
  const left = itemsLeftOn(record, paymentId, refundable);
  if (amount > left) {
    raise('refund-exceeds-paid', 'That payment has less than this left to give back for items.', {
      refundable: left,
    });
  }
  return { paymentId, tender, refundId, amount };
}

/**
 * Where a refund's money goes, of `paymentIds` (the payments that paid for
 * what is refunded): a card payment that can take it all, else any payment
 * that can. When none can (a split tender), it is shared out: card payments
 * first (a processor's refusal then comes before any money moved), then the
 * others, most refundable first. A payment gives back at most what it paid
 * for items, never its tip.
 */
async function planPortions(
  ctx: CallContext,
  payments: RefundPayments,
  record: OrderRecord,
  paymentIds: readonly string[],
  amount: number,
  refundId: string,
): Promise<RefundPortion[]> {
  const candidates = await Promise.all(
    paymentIds.map(async (id) => {
      const { refundable, tender } = await payments.refundable(ctx, id);
      return { id, tender, left: itemsLeftOn(record, id, refundable) };
    }),
  );
  const able = candidates.filter((c) => c.left >= amount);
  const whole = able.find((c) => c.tender === 'card') ?? able[0];
  if (whole) return [{ paymentId: whole.id, tender: whole.tender, refundId, amount }];
  const shares = candidates
    .filter((c) => c.left > 0)
    .sort((a, b) => Number(b.tender === 'card') - Number(a.tender === 'card') || b.left - a.left);
  const portions: RefundPortion[] = [];
  let left = amount;
  for (const c of shares) {
    if (left === 0) break;
    const share = Math.min(left, c.left);
    portions.push({
      paymentId: c.id,
      tender: c.tender,
      refundId:
        portions.length === 0 ? refundId : stableId(`ordering:refund-share:${refundId}:${c.id}`),
      amount: share,
    });
    left -= share;
  }
  if (left > 0) {
    raise(
      'refund-exceeds-paid',
      'The payments that paid for these items cannot take this refund.',
      {
        refundable: amount - left,
      },
    );
  }
  return portions;
}

/** A refund as payments announces it (`payments.payment-refunded`). */
export interface PaymentRefund {
  readonly orderId: string;
  readonly paymentId: string;
  readonly refundId: string;
  readonly amount: number;
  readonly reason: string;
  readonly approvedBy: string | null;
  /** The payment's tender. */
  readonly tender: string;
  /** False: the money went back another way than the payment came (cash, from the drawer). */
  readonly toOriginalTender: boolean;
  /** The till that took the payment, whose drawer payments made sure was open; if known. */
  readonly registerId?: string | null | undefined;
}

export type PaymentRefundOutcome =
  'recorded' | 'already-known' | 'no-such-order' | 'order-not-sold' | 'not-its-payment';

/**
 * Counts on the order a refund that payments made on its own (its refund
 * route), in the caller's transaction, and announces it for the drawer of
 * the till that took the payment, which payments found open (the order's
 * register when payments does not say). The order's own refunds are already
 * known to it (recorded, or pending while their money moves), and a
 * checkout's undoing gives back payments of an order that was never sold or
 * that it never recorded: those are left alone.
 */
export async function recordPaymentRefundIn(
  deps: Pick<OrderingDeps, 'clock'>,
  repo: OrderingRepository,
  ctx: CallContext,
  refund: PaymentRefund,
): Promise<PaymentRefundOutcome> {
  const order = await repo.findOrder(refund.orderId, true);
  if (!order) return 'no-such-order';
  const { state } = order;
  const statuses = state.paidAmount > 0 ? paidStatuses : soldStatuses;
  if (!statuses.includes(state.status)) return 'order-not-sold';
  if (!state.payments.some((p) => p.paymentId === refund.paymentId)) return 'not-its-payment';
  if (refundRecorded(state, refund.refundId) || refundPending(state, refund.refundId)) {
    return 'already-known';
  }
  const portion = {
    paymentId: refund.paymentId,
    tender: refund.toOriginalTender ? refund.tender : 'cash',
    refundId: refund.refundId,
    amount: refund.amount,
  };
  await applyCommand(
    repo,
    ctx,
    order.id,
    deps.clock.now(),
    () => ({
      type: 'record-payment-refund',
      refundId: refund.refundId,
      amount: refund.amount,
      reason: refund.reason,
      approvedBy: refund.approvedBy,
    }),
    { loaded: order, effects: announceRefund(refund.registerId ?? order.registerId, [portion]) },
  );
  return 'recorded';
}
