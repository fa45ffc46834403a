import { requireApproval } from './approval.ts';
import { raise } from './errors.ts';
import { assertDiscount, type Discount } from './pricing.ts';
import type { Approval, NewLine, Order, OrderLine } from './order-types.ts';
import type {
  LineAdded,
  LineDiscountSet,
  LineQuantityChanged,
  LineRemoved,
} from './order-events.ts';

/** Lines, discounts, service charge and tip change while the order is open or sent. */
export function requireEditable(order: Order): void {
  if (order.status !== 'open' && order.status !== 'sent') {
    raise('order-not-open', `The order is ${order.status}; it can no longer change.`, {
      status: order.status,
    });
  }
  requireNothingPaid(order, 'change');
  requireNotInCheckout(order, 'change');
}

/**
 * Refuses `action` while a checkout pays the order (other than `checkoutId`):
 * it took the receipt number and the money for the bill as it was.
 */
export function requireNotInCheckout(order: Order, action: string, checkoutId?: string): void {
  const held = order.checkout;
  if (held && held.checkoutId !== checkoutId) {
    raise(
      'order-in-checkout',
      `A checkout is paying this order, so it cannot ${action} until the checkout ends.`,
      { checkoutId: held.checkoutId, since: held.since },
    );
  }
}

/** Refuses `action` once parts of a split bill are paid: what they paid must still add up. */
export function requireNothingPaid(order: Order, action: string): void {
  if (order.paidAmount > 0 && (order.status === 'open' || order.status === 'sent')) {
    raise(
      'order-partly-paid',
      `Parts of this bill are paid, so the order cannot ${action} until the rest is paid.`,
      { paidAmount: order.paidAmount },
    );
  }
}

function liveLine(order: Order, lineId: string): OrderLine {
  const line = order.lines.find((l) => l.lineId === lineId && !l.voided);
  if (!line) raise('line-not-found', `No line ${lineId} on this order.`, { lineId });
  return line;
}

function assertQuantity(quantity: number): number {
  if (!Number.isSafeInteger(quantity) || quantity < 1) {
    raise('invalid-quantity', 'A quantity is a whole number of at least 1.', { quantity });
  }
  return quantity;
}

export function assertCourse(course: number): number {
  if (!Number.isSafeInteger(course) || course < 1) {
    raise('invalid-course', 'A course is a whole number of at least 1.', { course });
  }
  return course;
}

/** Copies the snapshot field by field: nothing the caller holds can change the line later. */
export function addLine(order: Order, line: NewLine, at: string): LineAdded[] {
  requireEditable(order);
  if (order.lines.some((l) => l.lineId === line.lineId)) {
    raise('duplicate-line', `Line ${line.lineId} is already on the order.`);
  }
  const added: OrderLine = {
    lineId: line.lineId,
    itemId: line.itemId,
    variantId: line.variantId,
    name: line.name,
    variantName: line.variantName,
    unitPrice: line.unitPrice,
    modifiers: line.modifiers.map((m) => ({ ...m })),
    taxRates: line.taxRates.map((r) => ({ ...r })),
    kitchenStation: line.kitchenStation,
    quantity: assertQuantity(line.quantity),
    course: assertCourse(line.course ?? 1),
    notes: line.notes?.trim() || null,
    discount: line.discount ? { ...assertDiscount(line.discount) } : null,
    firedAt: null,
    voided: null,
  };
  // `decide` prices the order with the line before it answers: an unpriceable one is refused.
  return [{ type: 'LineAdded', orderId: order.orderId, at, line: added }];
}

/**
 * The kitchen has already made (or is making) a fired line, so its quantity
 * only goes down, with a reason and a manager's approval; more of it is a new
 * line, fired on its own. Restating the current quantity changes nothing.
 */
export function changeQuantity(
  order: Order,
  command: { lineId: string; quantity: number; reason?: string; approval?: Approval },
  at: string,
): LineQuantityChanged[] {
  requireEditable(order);
  const line = liveLine(order, command.lineId);
  const to = assertQuantity(command.quantity);
  if (to === line.quantity) return [];
  if (line.firedAt && to > line.quantity) {
    raise('line-already-fired', 'Add a new line for more of a fired item.', {
      lineId: line.lineId,
    });
  }
  const approved = line.firedAt ? requireApproval(command.reason, command.approval) : null;
  return [
    {
      type: 'LineQuantityChanged',
      orderId: order.orderId,
      at,
      lineId: line.lineId,
      from: line.quantity,
      to,
      reason: approved?.reason ?? null,
      approval: approved?.approval ?? null,
    },
  ];
}

/** An unfired line just goes; a fired one is voided with a reason and a manager's approval. */
export function removeLine(
  order: Order,
  command: { lineId: string; reason?: string; approval?: Approval },
  at: string,
): LineRemoved[] {
  requireEditable(order);
  const line = liveLine(order, command.lineId);
  const base = { type: 'LineRemoved', orderId: order.orderId, at, lineId: line.lineId } as const;
  if (!line.firedAt) return [{ ...base, fired: false, reason: null, approval: null }];
  return [{ ...base, fired: true, ...requireApproval(command.reason, command.approval) }];
}

export function setLineDiscount(
  order: Order,
  command: { lineId: string; discount: Discount | null },
  at: string,
): LineDiscountSet[] {
  requireEditable(order);
  const line = liveLine(order, command.lineId);
  const discount = command.discount ? { ...assertDiscount(command.discount) } : null;
  return [{ type: 'LineDiscountSet', orderId: order.orderId, at, lineId: line.lineId, discount }];
}
