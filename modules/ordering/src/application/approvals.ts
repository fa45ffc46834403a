import { DomainError, type Actor, type CallContext } from '@stratum/platform';
import { raise } from '../contract.ts';
import { approvalOf } from '../domain/approver.ts';
import type { Approval } from '../domain/order-types.ts';
import { canActInStore } from '../domain/stores.ts';
import type { OrderingDeps } from './ports.ts';

/**
 * Verifies the manager's token handed over at the till (before any
 * transaction opens: verification may call identity). Whatever is wrong with
 * it, the caller hears `approval-invalid`: the cashier's own session is fine,
 * so it must not look like a 401 of theirs.
 */
export async function verifyApprover(
  deps: Pick<OrderingDeps, 'approvals'>,
  ctx: CallContext,
  token: string | undefined,
): Promise<Actor | undefined> {
  if (!token) return undefined;
  let approver: Actor;
  try {
    approver = await deps.approvals.verify(ctx, token);
  } catch (err) {
    if (err instanceof DomainError && err.code === 'approval-invalid') throw err;
    raise('approval-invalid', 'The approval is not a valid access token of this business.');
  }
  if (approver.kind !== 'user') raise('approval-invalid', 'Only a person can approve.');
  return approver;
}

/**
 * The domain's approval of a verified approver for an order of `storeId`. The
 * domain then decides whether the role may approve (owner, manager).
 */
export function approvalFor(approver: Actor | undefined, storeId: string): Approval | undefined {
  if (!approver) return undefined;
  if (!canActInStore(approver.stores, storeId)) {
    raise('approval-invalid', 'The approver may not act in this store.');
  }
  return approvalOf(approver);
}
