import { approverRoles, refundRoles } from '../contract.ts';
import type { Tender } from './payment-events.ts';

/** Who is asking, as the verified token says: roles, and store ids (`'*'` = every store). */
export interface Principal {
  readonly id: string;
  readonly roles: readonly string[];
  readonly stores: readonly string[];
}

export interface RefundRequest {
  readonly actor: Principal;
  readonly storeId: string;
  /** Minor units of the payment's currency. */
  readonly amount: number;
  /** The largest refund the store lets staff give without a manager, in the same units. */
  readonly storeLimit: number;
  /** Defaults to true; a refund to another tender (cash for a card sale) needs approval. */
  readonly toOriginalTender?: boolean;
  /** A second person who approved the refund, already authenticated (e.g. by PIN). */
  readonly approver?: Principal;
}

export type RefundApproval =
  | { readonly outcome: 'allowed'; readonly approvedBy?: string }
  | { readonly outcome: 'approval-required'; readonly reasons: readonly ApprovalReason[] }
  | { readonly outcome: 'forbidden'; readonly reason: string };

export type ApprovalReason = 'over-store-limit' | 'other-tender';

const hasAny = (roles: readonly string[], wanted: readonly string[]) =>
  roles.some((role) => wanted.includes(role));
const inStore = (p: Principal, storeId: string) =>
  p.stores.includes('*') || p.stores.includes(storeId);
const canApprove = (p: Principal, storeId: string) =>
  hasAny(p.roles, approverRoles) && inStore(p, storeId);

/**
 * Attribute-based rule for refunds, decided on role, store and amount.
 * - Forbidden unless the actor holds a refunding role in the payment's store.
 * - Up to the store's limit and to the original tender, staff refund alone.
 * - Above it, or to another tender, an owner or manager of the store must
 *   agree: the actor if they are one, else an approver who is (never the
 *   actor themselves), so a cashier cannot move money out alone.
 */
export function refundApproval(request: RefundRequest): RefundApproval {
  const { actor, storeId, amount, storeLimit, approver } = request;
  if (!hasAny(actor.roles, refundRoles)) {
    return { outcome: 'forbidden', reason: 'The actor holds no role that may refund.' };
  }
  if (!inStore(actor, storeId)) {
    return { outcome: 'forbidden', reason: 'The actor may not act in this store.' };
  }
  const reasons: ApprovalReason[] = [];
  if (amount > storeLimit) reasons.push('over-store-limit');
  if (request.toOriginalTender === false) reasons.push('other-tender');
  if (reasons.length === 0) return { outcome: 'allowed' };
  if (canApprove(actor, storeId)) return { outcome: 'allowed', approvedBy: actor.id };
  if (approver && approver.id !== actor.id && canApprove(approver, storeId)) {
    return { outcome: 'allowed', approvedBy: approver.id };
  }
  return { outcome: 'approval-required', reasons };
}

/**
 * Whether a refund hands cash over the counter: a cash payment given back
 * to its own tender, or any payment given back another way (the till has
 * no other way than cash). Only a card refunded to the card moves no cash.
 */
export function paysOutCash(tender: Tender, toOriginalTender: boolean): boolean {
  return tender === 'cash' || !toOriginalTender;
}
