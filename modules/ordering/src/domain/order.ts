import { requireApproval } from './approval.ts';
import { raise } from './errors.ts';
import { ticketsFor } from './kitchen.ts';
import { assertNonNegative } from './money.ts';
import type { OrderEvent } from './order-events.ts';
import { evolve } from './order-evolve.ts';
import {
  addLine,
  assertCourse,
  changeQuantity,
  removeLine,
  requireEditable,
  requireNothingPaid,
  requireNotInCheckout,
  setLineDiscount,
} from './order-lines.ts';
import { liveLines, priceOf } from './order-pricing.ts';
import type {
  Approval,
  KitchenTicket,
  Order,
  OrderCommand,
  OrderStatus,
  PaymentRef,
  RefundLine,
  RefundPortion,
} from './order-types.ts';
import { assertDiscount, assertServiceCharge } from './pricing.ts';

export { evolve } from './order-evolve.ts';

export interface Decision {
  readonly state: Order;
  readonly events: readonly OrderEvent[];
}

/**
 * The order's one entry point: checks the command against the state and
 * answers the events it causes and the state they lead to. Every invalid
 * command throws a `DomainError` with a stable code; none is ignored. `now`
 * is passed in; the domain never reads a clock.
 */
export function decide(state: Order | null, command: OrderCommand, now: Date): Decision {
  const at = now.toISOString();
  const events = state === null ? place(command, at) : handle(state, command, at);
  const next = events.reduce<Order | null>(evolve, state);
  if (!next) raise('order-not-found', 'No such order.');
  // An order that can no longer be priced (a bad tax rate, amounts past the safe range) is
  // refused, not stored: a line's snapshot is checked here, on the order it joins.
  if (repricing.has(command.type)) priceOf(next);
  return { state: next, events };
}

/** The commands that change what pricing reads. */
const repricing: ReadonlySet<OrderCommand['type']> = new Set([
  'add-line',
  'change-quantity',
  'remove-line',
  'set-line-discount',
  'set-order-discount',
  'set-service-charge',
  'set-tip',
]);

/** Fires one course and hands back its kitchen tickets, one per station. */
export function fireCourse(
  order: Order,
  course: number,
  now: Date,
): Decision & { tickets: readonly KitchenTicket[] } {
  const decision = decide(order, { type: 'fire-course', course }, now);
  const tickets = decision.events.flatMap((e) => (e.type === 'CourseFired' ? e.tickets : []));
  return { ...decision, tickets };
}

function place(command: OrderCommand, at: string): OrderEvent[] {
  if (command.type !== 'place-order') raise('order-not-found', 'No such order.');
  const f = command.fulfilment;
  if (f.type === 'dine-in' && !f.tableId.trim()) {
    raise('table-required', 'A dine-in order needs a table.');
  }
  if (f.type === 'delivery' && (!f.recipientName.trim() || !f.address.trim())) {
    raise('delivery-details-required', 'A delivery needs a name and an address.');
  }
  if (!/^[A-Z]{3}$/.test(command.currency)) {
    raise('invalid-currency', 'The currency is an ISO 4217 code such as EUR.');
  }
  const { taxInclusive, rounding } = command.settings;
  return [
    {
      type: 'OrderPlaced',
      orderId: command.orderId,
      at,
      storeId: command.storeId,
      orderNumber: command.orderNumber ?? null,
      fulfilment: { ...f },
      currency: command.currency,
      settings: { taxInclusive, rounding },
      openedBy: command.openedBy,
    },
  ];
}

function requireStatus(order: Order, allowed: readonly OrderStatus[], action: string): void {
  if (!allowed.includes(order.status)) {
    raise('invalid-order-transition', `An order that is ${order.status} cannot be ${action}.`, {
      status: order.status,
      action,
    });
  }
}

function handle(order: Order, command: OrderCommand, at: string): OrderEvent[] {
  const orderId = order.orderId;
  switch (command.type) {
    case 'place-order':
      return raise('order-already-exists', `Order ${orderId} already exists.`);
    case 'add-line':
      return addLine(order, command.line, at);
    case 'change-quantity':
      return changeQuantity(order, command, at);
    case 'remove-line':
      return removeLine(order, command, at);
    case 'set-line-discount':
      return setLineDiscount(order, command, at);
    case 'set-order-discount': {
      requireEditable(order);
      const discount = command.discount ? { ...assertDiscount(command.discount) } : null;
      return [{ type: 'OrderDiscountSet', orderId, at, discount }];
    }
    case 'set-service-charge': {
      requireEditable(order);
      const charge = command.serviceCharge;
      const serviceCharge = charge ? { bps: assertServiceCharge(charge).bps } : null;
      return [{ type: 'ServiceChargeSet', orderId, at, serviceCharge }];
    }
    case 'set-tip':
      requireEditable(order);
      return [{ type: 'TipSet', orderId, at, amount: assertNonNegative(command.amount, 'tip') }];
    case 'fire-course': {
      // A paid order still fires: counter service takes the money before the kitchen cooks.
      requireStatus(order, ['open', 'sent', 'paid'], 'fired');
      const course = assertCourse(command.course);
      const lines = liveLines(order).filter((l) => l.course === course && !l.firedAt);
      if (lines.length === 0)
        raise('nothing-to-fire', `Course ${course} has nothing left to fire.`);
      const tickets = ticketsFor(order, lines, course, at);
      return [
        { type: 'CourseFired', orderId, at, course, lineIds: lines.map((l) => l.lineId), tickets },
      ];
    }
    case 'pay':
      return pay(order, command.payments, at);
    case 'pay-part':
      return payPart(order, command, at);
    case 'close':
      // Refunded before it was closed, it still closes (and stays refunded).
      requireStatus(order, ['paid', 'partially-refunded', 'refunded'], 'closed');
      if (order.closedAt !== null) {
        raise('invalid-order-transition', 'The order is already closed.', {
          status: order.status,
          action: 'closed',
        });
      }
      return [{ type: 'OrderClosed', orderId, at }];
    case 'void':
      return voidOrder(order, command, at);
    case 'refund':
      return refund(order, command, at);
    case 'begin-refund':
      return beginRefund(order, command, at);
    case 'record-payment-refund':
      return recordPaymentRefund(order, command, at);
    case 'hold-for-checkout':
      requireStatus(order, ['open', 'sent'], 'checked out');
      requireNotInCheckout(order, 'be checked out again', command.checkoutId);
      return order.checkout
        ? []
        : [{ type: 'CheckoutHeld', orderId, at, checkoutId: command.checkoutId }];
    case 'release-checkout':
      return order.checkout?.checkoutId === command.checkoutId
        ? [{ type: 'CheckoutReleased', orderId, at, checkoutId: command.checkoutId }]
        : [];
    case 'cancel-refund':
      return order.pendingRefund?.refundId === command.refundId
        ? [{ type: 'RefundCancelled', orderId, at, refundId: command.refundId }]
        : [];
  }
}

/** Each payment has its own id (also against those already on the order) and sane amounts. */
function assertPayments(order: Order, payments: readonly PaymentRef[]): void {
  const ids = new Set([...order.payments, ...payments].map((p) => p.paymentId));
  const valid = payments.every(
    (p) =>
      p.paymentId.trim() &&
      Number.isSafeInteger(p.amount) &&
      p.amount >= 0 &&
      (p.tip === undefined || (Number.isSafeInteger(p.tip) && p.tip >= 0)),
  );
  if (!valid || ids.size !== order.payments.length + payments.length) {
    raise('invalid-payment', 'Each payment has its own id and non-negative amounts.');
  }
}

const paymentRef = (p: PaymentRef): PaymentRef => ({
  paymentId: p.paymentId,
  amount: p.amount,
  ...(p.tip && { tip: p.tip }),
});

/**
 * Paying records the priced total; the payments must add up to it exactly.
 * On a partly paid order they are the parts' payments, as recorded, followed
 * by those that pay the rest.
 */
function pay(
  order: Order,
  payments: Extract<OrderCommand, { type: 'pay' }>['payments'],
  at: string,
) {
  requireStatus(order, ['open', 'sent'], 'paid');
  if (liveLines(order).length === 0) raise('order-empty', 'An order without lines is not paid.');
  const earlier = order.payments.length;
  const keepsParts = order.payments.every(
    (p, i) => payments[i]?.paymentId === p.paymentId && payments[i]?.amount === p.amount,
  );
  if (!keepsParts) {
    raise('invalid-payment', 'The payments of the parts already paid come first, as recorded.');
  }
  assertPayments(order, payments.slice(earlier));
  const expected = priceOf(order).totals.total;
  const received = payments.reduce((sum, p) => sum + p.amount, 0);
  if (received !== expected) {
    raise('payment-amount-mismatch', 'The payments do not add up to the order total.', {
      expected,
      received,
    });
  }
  const event: OrderEvent = {
    type: 'OrderPaid',
    orderId: order.orderId,
    at,
    payments: payments.map(paymentRef),
    amount: expected,
  };
  return [event];
}

/**
 * Paying one part of a split bill (the application knows the split and what
 * the part owes): each part once, and never the whole of what is left — the
 * payment that settles the bill pays the order (`pay`), with its receipt.
 */
function payPart(order: Order, command: Extract<OrderCommand, { type: 'pay-part' }>, at: string) {
  requireStatus(order, ['open', 'sent'], 'paid');
  if (liveLines(order).length === 0) raise('order-empty', 'An order without lines is not paid.');
  const partId = command.partId.trim();
  if (!partId) raise('invalid-payment', 'A part payment names its part.');
  if ((order.paidParts ?? []).some((p) => p.partId === partId)) {
    raise('invalid-order-transition', `Part ${partId} of the bill is already paid.`, { partId });
  }
  assertPayments(order, command.payments);
  const received = command.payments.reduce((sum, p) => sum + p.amount, 0);
  if (!Number.isSafeInteger(command.amount) || command.amount <= 0 || received !== command.amount) {
    raise('payment-amount-mismatch', 'The payments do not add up to what the part owes.', {
      expected: command.amount,
      received,
    });
  }
  const left = priceOf(order).totals.total - order.paidAmount;
  if (command.amount >= left) {
    raise('payment-amount-mismatch', 'This payment settles the bill: it pays the order.', {
      balanceDue: left,
      received,
    });
  }
  const event: OrderEvent = {
    type: 'OrderPartPaid',
    orderId: order.orderId,
    at,
    partId,
    amount: command.amount,
    payments: command.payments.map((p) => ({
      ...paymentRef(p),
      ...(p.label !== undefined && { label: p.label }),
      ...(p.tendered !== undefined && { tendered: p.tendered }),
    })),
  };
  return [event];
}

/**
 * Voiding always needs a reason. It needs a manager's approval once the
 * kitchen has seen any line or the order was paid, the same rule as for
 * taking back a single line; an order nobody cooked or paid for (a checkout
 * abandoned or compensated) is voided with a reason alone. A paid order is
 * voided only once payments has voided its payments: ordering never undoes
 * money itself.
 */
function voidOrder(order: Order, command: Extract<OrderCommand, { type: 'void' }>, at: string) {
  requireStatus(order, ['open', 'sent', 'paid'], 'voided');
  requireNothingPaid(order, 'be voided');
  requireNotInCheckout(order, 'be voided');
  const reason = command.reason.trim();
  if (!reason) raise('reason-required', 'Say why the order is voided.');
  if (order.status === 'paid' && command.paymentsVoided !== true) {
    raise(
      'payment-not-voided',
      'A paid order is voided only once its payments are; a captured payment is refunded ' +
        'instead: refund the order’s items.',
    );
  }
  const needsApproval = order.status === 'paid' || order.lines.some((l) => l.firedAt);
  const approval =
    needsApproval || command.approval ? requireApproval(reason, command.approval).approval : null;
  const event: OrderEvent = {
    type: 'OrderVoided',
    orderId: order.orderId,
    at,
    from: order.status,
    reason,
    approval,
  };
  return [event];
}

/** Units of each line given back so far. */
export function refundedUnits(order: Order): Map<string, number> {
  const units = new Map<string, number>();
  for (const refund of order.refunds) {
    for (const { lineId, quantity } of refund.lines) {
      units.set(lineId, (units.get(lineId) ?? 0) + quantity);
    }
  }
  return units;
}

/** The first `units` of a line's `quantity` as a half-up share of its priced `total`. */
const shareOf = (total: number, quantity: number, units: number) =>
  Math.floor((total * units * 2 + quantity) / (2 * quantity));

/**
 * What refunding `lines` gives back: for each line, the share of its priced
 * total that the units bring once the units refunded before them are counted,
 * so a line refunded in parts gives back exactly its total. A line's units are
 * refunded once at most (`refund-exceeds-line`); a line named twice counts once
 * with both quantities.
 */
export function refundAmount(order: Order, lines: readonly RefundLine[]): number {
  const asked = new Map<string, number>();
  for (const { lineId, quantity } of lines) {
    if (!Number.isSafeInteger(quantity) || quantity <= 0) {
      raise('invalid-quantity', 'A refunded quantity is a positive whole number.', { lineId });
    }
    asked.set(lineId, (asked.get(lineId) ?? 0) + quantity);
  }
  if (asked.size === 0) raise('invalid-quantity', 'A refund gives back at least one unit.');
  const priced = new Map(priceOf(order).lines.map((l) => [l.lineId, l]));
  const done = refundedUnits(order);
  let amount = 0;
  for (const [lineId, quantity] of asked) {
    const line = liveLines(order).find((l) => l.lineId === lineId);
    const total = priced.get(lineId)?.total;
    if (!line || total === undefined) raise('line-not-found', `No refundable line ${lineId}.`);
    const before = done.get(lineId) ?? 0;
    if (before + quantity > line.quantity) {
      raise(
        'refund-exceeds-line',
        `Line ${lineId} has ${line.quantity - before} of its ${line.quantity} units left to refund.`,
        { lineId, refundable: line.quantity - before },
      );
    }
    amount +=
      shareOf(total, line.quantity, before + quantity) - shareOf(total, line.quantity, before);
  }
  return amount;
}

/**
 * What is left to give back on the order: what it was paid, card tips
 * included, less what was refunded. A tip given back through payments (money
 * only) counts as refunded, so it must not also use up what the items may
 * still take back.
 */
export function refundableLeft(order: Order): number {
  const tips = order.payments.reduce((sum, p) => sum + (p.tip ?? 0), 0);
  return order.paidAmount + tips - order.refundedAmount;
}

/** The statuses of an order that was sold: money may have been given back on it. */
export const soldStatuses: readonly OrderStatus[] = [
  'paid',
  'closed',
  'partially-refunded',
  'refunded',
];

/**
 * The statuses of an order some money was paid on: sold, or open with
 * split-bill parts paid. A payment of it may be refunded through payments.
 */
export const paidStatuses: readonly OrderStatus[] = [...soldStatuses, 'open', 'sent'];

/** Whether a refund, or a portion of one given back by another payment, is recorded under `refundId`. */
export function refundRecorded(order: Order, refundId: string): boolean {
  return order.refunds.some(
    (r) => r.refundId === refundId || r.portions?.some((p) => p.refundId === refundId),
  );
}

/** Whether the refund under way gives money back under `refundId` (itself or one of its portions). */
export function refundPending(order: Order, refundId: string): boolean {
  const pending = order.pendingRefund;
  return (
    !!pending &&
    (pending.refundId === refundId || !!pending.portions?.some((p) => p.refundId === refundId))
  );
}

/** A refund of an order in one of `statuses`, under an id not recorded yet, of a positive amount. */
function assertNewRefund(
  order: Order,
  statuses: readonly OrderStatus[],
  refund: { refundId: string; amount: number },
): void {
  requireStatus(order, statuses, 'refunded');
  if (!refund.refundId.trim()) raise('invalid-payment', 'A refund needs an id.');
  if (refundRecorded(order, refund.refundId)) {
    raise('duplicate-refund', `Refund ${refund.refundId} was already recorded.`);
  }
  if (!Number.isSafeInteger(refund.amount) || refund.amount <= 0) {
    raise('invalid-amount', 'A refund is a positive amount.', { amount: refund.amount });
  }
}

/**
 * Refunds need a reason and a manager, give back each unit once at most, and
 * never exceed what was paid minus what was refunded. While one refund's
 * money is on its way back (`pendingRefund`), no other refund starts or is
 * recorded: both could give back the same units.
 */
function checkRefund(
  order: Order,
  command: Pick<Extract<OrderCommand, { type: 'refund' }>, 'refundId' | 'lines' | 'amount'> & {
    reason: string;
    approval?: Approval | undefined;
  },
) {
  assertNewRefund(order, ['paid', 'closed', 'partially-refunded'], command);
  const pending = order.pendingRefund;
  if (pending && pending.refundId !== command.refundId) {
    raise('refund-in-progress', 'Another refund of this order is being paid out; retry shortly.', {
      until: pending.until,
    });
  }
  if (refundAmount(order, command.lines) !== command.amount) {
    // Another refund of the same lines came first since the amount was worked out.
    raise('order-concurrency-conflict', 'The order changed while the refund was made.', {
      amount: command.amount,
    });
  }
  const approved = requireApproval(command.reason, command.approval);
  const left = refundableLeft(order);
  if (command.amount > left) {
    raise('refund-exceeds-paid', 'The refund is more than what is left to refund.', {
      refundable: left,
    });
  }
  return approved;
}

const refundLines = (lines: readonly RefundLine[]) =>
  lines.map(({ lineId, quantity }) => ({ lineId, quantity }));

function refund(order: Order, command: Extract<OrderCommand, { type: 'refund' }>, at: string) {
  const approved = checkRefund(order, command);
  const pending = order.pendingRefund;
  const portions = pending?.refundId === command.refundId ? pending.portions : undefined;
  const event: OrderEvent = {
    type: 'OrderRefunded',
    orderId: order.orderId,
    at,
    refundId: command.refundId,
    lines: refundLines(command.lines),
    amount: command.amount,
    ...(portions && { portions }),
    refundedTotal: order.refundedAmount + command.amount,
    ...approved,
  };
  return [event];
}

/**
 * A refund payments made on its own (its refund route): only money, so it
 * gives back no units. Payments already applied its rules (never more than
 * captured, its limit and approvals), and the money has moved, so the order
 * records it even beyond what it was paid (a card's tip given back), and on
 * an open order whose split-bill parts were paid (a part stays paid: the rest
 * of the bill is still owed).
 */
function recordPaymentRefund(
  order: Order,
  command: Extract<OrderCommand, { type: 'record-payment-refund' }>,
  at: string,
): OrderEvent[] {
  assertNewRefund(order, order.paidAmount > 0 ? paidStatuses : soldStatuses, command);
  return [
    {
      type: 'OrderRefunded',
      orderId: order.orderId,
      at,
      refundId: command.refundId,
      lines: [],
      amount: command.amount,
      refundedTotal: order.refundedAmount + command.amount,
      reason: command.reason,
      approval: { approvedBy: command.approvedBy ?? 'payments', role: 'payments' },
    },
  ];
}

/** Speaks for the refund's units until its money is back (`refund`) or did not move (`cancel-refund`). */
function beginRefund(
  order: Order,
  command: Extract<OrderCommand, { type: 'begin-refund' }>,
  at: string,
): OrderEvent[] {
  if (order.pendingRefund?.refundId === command.refundId) return [];
  const approved = checkRefund(order, command);
  if (Number.isNaN(Date.parse(command.until))) raise('invalid-payment', 'until is not an instant.');
  if (command.portions) checkPortions(order, { ...command, portions: command.portions });
  return [
    {
      type: 'RefundBegun',
      orderId: order.orderId,
      at,
      refund: {
        refundId: command.refundId,
        lines: refundLines(command.lines),
        amount: command.amount,
        ...approved,
        ...(command.registerId !== undefined && { registerId: command.registerId }),
        ...(command.portions && { portions: command.portions }),
        until: command.until,
      },
    },
  ];
}

/**
 * A refund's portions share out exactly its amount, each a positive amount
 * to a different payment of the order under an id of its own, the first
 * under the refund's.
 */
function checkPortions(
  order: Order,
  command: Pick<Extract<OrderCommand, { type: 'begin-refund' }>, 'refundId' | 'amount'> & {
    portions: readonly RefundPortion[];
  },
): void {
  const { portions } = command;
  const paid = new Set(order.payments.map((p) => p.paymentId));
  const fail = (why: string) => raise('invalid-payment', `A refund's portions ${why}.`);
  if (portions.length === 0) fail('cannot be empty');
  if (portions[0]!.refundId !== command.refundId) fail('start under the refund’s own id');
  if (new Set(portions.map((p) => p.paymentId)).size !== portions.length) {
    fail('go to different payments');
  }
  if (new Set(portions.map((p) => p.refundId)).size !== portions.length) fail('need their own ids');
  if (portions.some((p) => !paid.has(p.paymentId))) fail('go to payments of this order');
  if (portions.some((p) => !Number.isSafeInteger(p.amount) || p.amount <= 0)) {
    fail('are positive amounts');
  }
  if (portions.reduce((sum, p) => sum + p.amount, 0) !== command.amount) {
    fail('add up to the refund');
  }
}
