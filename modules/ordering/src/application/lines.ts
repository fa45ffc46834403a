import { newId, type CallContext } from '@stratum/platform';
import {
  addLineInput,
  changeQuantityInput,
  raise,
  removeLineInput,
  setDiscountInput,
  type OrderingApi,
} from '../contract.ts';
import type { OrderCommand, OrderLine } from '../domain/order-types.ts';
import { approvalFor, verifyApprover } from './approvals.ts';
import { tellKitchen } from './kitchen-changes.ts';
import { changeOrder, readOrder, type Change } from './order-writer.ts';
import type { OrderingDeps, OrderingRepository } from './ports.ts';
import { toOrderView } from './views.ts';

type AddLine = ReturnType<typeof addLineInput.parse>;
type NewLine = Extract<OrderCommand, { type: 'add-line' }>['line'];

/** A line is the same line again when it is the same variant with the same options. */
/** Whether `line` is what adding `input` made: the same item, options, units, course and notes. */
const sameLine = (
  line: OrderLine,
  input: {
    variantId: string;
    optionIds: string[];
    quantity: number;
    course?: number | undefined;
    notes?: string | undefined;
  },
) =>
  line.variantId === input.variantId &&
  line.modifiers.map((m) => m.optionId ?? '').join() === input.optionIds.join() &&
  line.quantity === input.quantity &&
  line.course === (input.course ?? 1) &&
  (line.notes ?? '') === (input.notes ?? '');

/**
 * Adds a line priced by the catalog now. Name, variant, unit price,
 * modifiers, tax rates and kitchen station are copied onto the line and never
 * looked up again, so a later price change does not touch this order. The
 * catalog is asked before the transaction opens (another module's call never
 * runs inside ours); an 86'd item is refused.
 */
export function addLine(deps: OrderingDeps): OrderingApi['addLine'] {
  return async (ctx, orderId, raw, options) => {
    const input = addLineInput.parse(raw);
    const current = await readOrder(deps, ctx, orderId);
    const lineId = input.lineId ?? newId();
    const known = current.state.lines.find((l) => l.lineId === lineId);
    if (known) {
      if (sameLine(known, input)) return toOrderView(current);
      raise('duplicate-line', `Line ${lineId} is already on the order, as something else.`);
    }
    const line = await pricedLine(deps, ctx, current.storeId, input, lineId);
    const { order } = await changeOrder(deps, ctx, orderId, options, (o) => {
      const added = o.state.lines.find((l) => l.lineId === lineId);
      if (added && sameLine(added, input)) return null;
      return { type: 'add-line', line };
    });
    return order;
  };
}

/**
 * The line as the catalog prices it now, ready for the order (asked before
 * any transaction opens); an 86'd item is `item-unavailable`.
 */
export async function pricedLine(
  deps: OrderingDeps,
  ctx: CallContext,
  storeId: string,
  input: AddLine,
  lineId: string,
): Promise<NewLine> {
  const quote = await deps.catalog.quote(ctx, storeId, {
    variantId: input.variantId,
    optionIds: input.optionIds,
  });
  const { available, ...snapshot } = quote;
  if (!available) {
    raise('item-unavailable', `${quote.name} is not available in this store right now.`, {
      itemId: quote.itemId,
      variantId: quote.variantId,
    });
  }
  return {
    ...snapshot,
    lineId,
    quantity: input.quantity,
    course: input.course ?? 1,
    notes: input.notes ?? null,
  };
}

/** Taking back what the kitchen has seen is written to the audit log with who allowed it. */
async function auditTakeBacks(repo: OrderingRepository, change: Change): Promise<void> {
  for (const event of change.events) {
    if (event.type === 'LineRemoved' && event.fired) {
      const line = change.before.state.lines.find((l) => l.lineId === event.lineId);
      await repo.audit({
        action: 'order.line-voided',
        entityType: 'order',
        entityId: change.after.id,
        before: { lineId: event.lineId, name: line?.name, quantity: line?.quantity },
        after: { approvedBy: event.approval.approvedBy, role: event.approval.role },
        reason: event.reason,
      });
    }
    if (event.type === 'LineQuantityChanged' && event.approval) {
      await repo.audit({
        action: 'order.line-reduced',
        entityType: 'order',
        entityId: change.after.id,
        before: { lineId: event.lineId, quantity: event.from },
        after: {
          lineId: event.lineId,
          quantity: event.to,
          approvedBy: event.approval.approvedBy,
          role: event.approval.role,
        },
        reason: event.reason,
      });
    }
  }
}

/** A take-back is audited and, when the kitchen has the line on an open ticket, shown there. */
async function takeBack(repo: OrderingRepository, change: Change): Promise<void> {
  await auditTakeBacks(repo, change);
  await tellKitchen(repo, change);
}

/** A fired line only goes down, with a reason and a manager's approval. */
export function changeLineQuantity(deps: OrderingDeps): OrderingApi['changeLineQuantity'] {
  return async (ctx, orderId, lineId, raw, options) => {
    const input = changeQuantityInput.parse(raw);
    const approver = await verifyApprover(deps, ctx, input.approval);
    const { order } = await changeOrder(
      deps,
      ctx,
      orderId,
      options,
      (o) => ({
        type: 'change-quantity',
        lineId,
        quantity: input.quantity,
        reason: input.reason,
        approval: approvalFor(approver, o.storeId),
      }),
      takeBack,
    );
    return order;
  };
}

/** An unfired line goes; a fired one stays voided, with a reason and a manager's approval. */
export function removeLine(deps: OrderingDeps): OrderingApi['removeLine'] {
  return async (ctx, orderId, lineId, raw, options) => {
    const input = removeLineInput.parse(raw);
    const approver = await verifyApprover(deps, ctx, input.approval);
    const { order } = await changeOrder(
      deps,
      ctx,
      orderId,
      options,
      (o) => ({
        type: 'remove-line',
        lineId,
        reason: input.reason,
        approval: approvalFor(approver, o.storeId),
      }),
      takeBack,
    );
    return order;
  };
}

export function setLineDiscount(deps: OrderingDeps): OrderingApi['setLineDiscount'] {
  return async (ctx, orderId, lineId, raw, options) => {
    const { discount } = setDiscountInput.parse(raw);
    const { order } = await changeOrder(deps, ctx, orderId, options, () => ({
      type: 'set-line-discount',
      lineId,
      discount,
    }));
    return order;
  };
}
