import { orderingEvents, voidOrderInput, type OrderingApi } from '../contract.ts';
import { priceOf } from '../domain/order-pricing.ts';
import { approvalFor, verifyApprover } from './approvals.ts';
import { voidedPayload } from './integration-events.ts';
import { tellKitchen } from './kitchen-changes.ts';
import { changeOrder, type Change } from './order-writer.ts';
import type { OrderingDeps, OrderingRepository } from './ports.ts';

/**
 * A void is written to the audit log (who, why, who approved) and announced;
 * the kitchen's open tickets of the order show it.
 */
export async function recordVoid(repo: OrderingRepository, change: Change): Promise<void> {
  for (const event of change.events) {
    if (event.type !== 'OrderVoided') continue;
    await repo.audit({
      action: 'order.voided',
      entityType: 'order',
      entityId: change.after.id,
      before: { status: event.from, total: priceOf(change.before.state).totals.total },
      after: {
        status: 'voided',
        approvedBy: event.approval?.approvedBy ?? null,
        role: event.approval?.role ?? null,
      },
      reason: event.reason,
    });
    await repo.emit(
      orderingEvents.orderVoided,
      voidedPayload(change.after, event.from, event.reason, event.approval),
    );
  }
  await tellKitchen(repo, change);
}

/**
 * Voids an unpaid order. A reason is always needed; a manager's approval once
 * the kitchen has seen any line. A paid order is voided only after payments
 * voided its payments, which is the checkout saga's business, not this route's.
 */
export function voidOrder(deps: OrderingDeps): OrderingApi['voidOrder'] {
  return async (ctx, orderId, raw, options) => {
    const input = voidOrderInput.parse(raw);
    const approver = await verifyApprover(deps, ctx, input.approval);
    const { order } = await changeOrder(
      deps,
      ctx,
      orderId,
      options,
      (o) => ({ type: 'void', reason: input.reason, approval: approvalFor(approver, o.storeId) }),
      recordVoid,
    );
    return order;
  };
}
