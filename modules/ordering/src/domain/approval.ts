import { raise } from './errors.ts';
import type { Approval } from './order-types.ts';

/** Roles whose say-so lets a till take back what the kitchen saw or the customer paid. */
export const approverRoles: readonly string[] = ['owner', 'manager'];

/**
 * Voids and refunds (and taking back a line the kitchen has seen) need a
 * reason and a manager's approval: they are how money and stock leave a till
 * unseen, so each one names why and who allowed it. The reason is asked for
 * first, as the till asks the cashier before it calls the manager over.
 */
export function requireApproval(
  reason: string | null | undefined,
  approval: Approval | null | undefined,
): { reason: string; approval: Approval } {
  const why = reason?.trim();
  if (!why) raise('reason-required', 'Say why.');
  if (!approval || !approval.approvedBy.trim() || !approverRoles.includes(approval.role)) {
    raise('manager-approval-required', 'A manager or owner must approve this.', {
      role: approval?.role ?? null,
    });
  }
  return { reason: why, approval: { approvedBy: approval.approvedBy, role: approval.role } };
}
