import type { Approval } from './order-types.ts';

/** Who is approving, as a verified token tells it: an id and the roles the business gave them. */
export interface Approver {
  readonly id: string;
  readonly roles: readonly string[];
}

/** The strongest role first: one person holding several roles approves as the highest. */
const precedence = ['owner', 'manager'];

/**
 * The domain's `Approval` of a verified approver. The role is the one that
 * counts for approving (owner, then manager), else the first role they hold,
 * so that `requireApproval` refuses a cashier by name instead of silently.
 */
export function approvalOf(approver: Approver): Approval {
  const role = precedence.find((r) => approver.roles.includes(r)) ?? approver.roles[0] ?? 'none';
  return { approvedBy: approver.id, role };
}
