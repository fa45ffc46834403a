import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  paysOutCash,
  refundApproval,
  type Principal,
  type RefundRequest,
} from './refund-policy.ts';

const cashier: Principal = { id: 'ann', roles: ['cashier'], stores: ['s-1'] };
const manager: Principal = { id: 'max', roles: ['manager'], stores: ['s-1'] };
const owner: Principal = { id: 'olga', roles: ['owner'], stores: ['*'] };
const base: RefundRequest = { actor: cashier, storeId: 's-1', amount: 2_000, storeLimit: 5_000 };

describe('refundApproval', () => {
  it('lets staff refund up to the store’s limit to the original tender on their own', () => {
    expect(refundApproval(base)).toEqual({ outcome: 'allowed' });
    expect(refundApproval({ ...base, amount: 5_000 })).toEqual({ outcome: 'allowed' });
  });

  it('asks for a manager above the limit or to another tender, and says why', () => {
    expect(refundApproval({ ...base, amount: 5_001 })).toEqual({
      outcome: 'approval-required',
      reasons: ['over-store-limit'],
    });
    expect(refundApproval({ ...base, amount: 9_000, toOriginalTender: false })).toEqual({
      outcome: 'approval-required',
      reasons: ['over-store-limit', 'other-tender'],
    });
  });

  it('accepts a manager of the store as approver and names them', () => {
    expect(refundApproval({ ...base, amount: 9_000, approver: manager })).toEqual({
      outcome: 'allowed',
      approvedBy: 'max',
    });
    expect(refundApproval({ ...base, toOriginalTender: false, approver: owner })).toEqual({
      outcome: 'allowed',
      approvedBy: 'olga',
    });
  });

  it('lets a manager or owner approve their own refund above the limit', () => {
    expect(refundApproval({ ...base, actor: manager, amount: 9_000 })).toEqual({
      outcome: 'allowed',
      approvedBy: 'max',
    });
  });

  it('does not accept an approver who is no manager, or who manages another store', () => {
    const otherCashier: Principal = { id: 'bob', roles: ['cashier'], stores: ['s-1'] };
    const otherManager: Principal = { id: 'meg', roles: ['manager'], stores: ['s-2'] };
    for (const approver of [otherCashier, otherManager]) {
      expect(refundApproval({ ...base, amount: 9_000, approver }).outcome).toBe(
        'approval-required',
      );
    }
  });

  it('forbids refunds by roles that may not refund, or in a store the actor cannot act in', () => {
    const cook: Principal = { id: 'cy', roles: ['kitchen'], stores: ['*'] };
    expect(refundApproval({ ...base, actor: cook }).outcome).toBe('forbidden');
    expect(refundApproval({ ...base, storeId: 's-2' }).outcome).toBe('forbidden');
    expect(
      refundApproval({ ...base, actor: manager, storeId: 's-2', approver: owner }).outcome,
    ).toBe('forbidden');
  });

  it('never allows a cashier past the limit without an approver, whatever the amounts', () => {
    fc.assert(
      fc.property(fc.nat(100_000), fc.nat(100_000), (amount, storeLimit) => {
        const decision = refundApproval({ ...base, amount, storeLimit });
        expect(decision.outcome).toBe(amount > storeLimit ? 'approval-required' : 'allowed');
      }),
    );
  });
});

describe('paysOutCash', () => {
  it('says cash leaves the till unless a card is refunded to the card', () => {
    expect(paysOutCash('cash', true)).toBe(true);
    expect(paysOutCash('cash', false)).toBe(true);
    expect(paysOutCash('card', false)).toBe(true);
    expect(paysOutCash('card', true)).toBe(false);
  });
});
