import fc from 'fast-check';
import { DomainError } from '@stratum/platform';
import { describe, expect, it } from 'vitest';
import { orderingErrors } from './errors.ts';
import { decide, evolve } from './order.ts';
import type { OrderEvent } from './order-events.ts';
import { cashier, manager, minute, newLine, placeOrder, vat7 } from './order-fixtures.ts';
import { priceOf } from './order-pricing.ts';
import { orderStatuses, type Order, type OrderCommand, type OrderStatus } from './order-types.ts';

/** Every move the machine may make, staying put included. */
const allowed: Record<OrderStatus, readonly OrderStatus[]> = {
  open: ['open', 'sent', 'paid', 'voided'],
  sent: ['sent', 'paid', 'voided'],
  paid: ['paid', 'closed', 'voided', 'partially-refunded', 'refunded'],
  closed: ['closed', 'partially-refunded', 'refunded'],
  'partially-refunded': ['partially-refunded', 'refunded'],
  refunded: ['refunded'],
  voided: ['voided'],
};
const settled: readonly OrderStatus[] = ['paid', 'closed', 'partially-refunded', 'refunded'];

const lineId = fc.constantFrom('a', 'b', 'c', 'd');
const approval = fc.option(fc.constantFrom(manager, cashier), { nil: undefined });
const reason = fc.option(fc.constantFrom('wrong dish', ' '), { nil: undefined });
const discount = fc.option(
  fc.oneof(
    fc.record({ kind: fc.constant('fixed' as const), amount: fc.integer({ min: -10, max: 3000 }) }),
    fc.record({ kind: fc.constant('percent' as const), bps: fc.integer({ min: 0, max: 12_000 }) }),
  ),
  { nil: null },
);
const vat19 = { id: 'vat-19', name: 'VAT', bps: 1900, inclusive: false };

/** Paying the current total and refunding the rest need the state, so the runner fills them in. */
type Step =
  OrderCommand | { type: 'pay-exact'; parts: number } | { type: 'refund-left'; half: boolean };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({
        lineId,
        quantity: fc.integer({ min: 0, max: 4 }),
        course: fc.integer({ min: 0, max: 3 }),
        unitPrice: fc.integer({ min: 0, max: 2500 }),
        taxRates: fc.subarray([vat7, vat19]),
        kitchenStation: fc.constantFrom('grill', 'bar', null),
      })
      .map((l): Step => ({ type: 'add-line', line: newLine(l.lineId, l) })),
  },
  fc.record({
    type: fc.constant('change-quantity' as const),
    lineId,
    quantity: fc.integer({ min: 0, max: 5 }),
    reason,
    approval,
  }),
  fc.record({ type: fc.constant('remove-line' as const), lineId, reason, approval }),
  fc.record({ type: fc.constant('set-line-discount' as const), lineId, discount }),
  fc.record({ type: fc.constant('set-order-discount' as const), discount }),
  fc.record({
    type: fc.constant('set-service-charge' as const),
    serviceCharge: fc.option(fc.record({ bps: fc.integer({ min: 0, max: 2000 }) }), { nil: null }),
  }),
  fc.record({ type: fc.constant('set-tip' as const), amount: fc.integer({ min: -5, max: 500 }) }),
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('fire-course' as const),
      course: fc.integer({ min: 0, max: 3 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('pay-exact' as const),
      parts: fc.integer({ min: 1, max: 3 }),
    }),
  },
  fc.record({
    type: fc.constant('pay' as const),
    payments: fc.array(
      fc.record({
        paymentId: fc.constantFrom('p1', 'p2'),
        amount: fc.integer({ min: 0, max: 9000 }),
      }),
      { maxLength: 2 },
    ),
  }),
  { weight: 2, arbitrary: fc.constant({ type: 'close' as const }) },
  fc.record({
    type: fc.constant('void' as const),
    reason: fc.constantFrom('walked out', ''),
    approval,
    paymentsVoided: fc.boolean(),
  }),
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('refund' as const),
      refundId: fc.constantFrom('r1', 'r2', 'r3'),
      amount: fc.integer({ min: -1, max: 4000 }),
      reason: fc.constantFrom('cold', ''),
      approval,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ type: fc.constant('refund-left' as const), half: fc.boolean() }),
  },
  fc.constant(placeOrder()),
);

function toCommand(state: Order, s: Step): OrderCommand {
  if (s.type === 'refund-left') {
    const left = state.paidAmount - state.refundedAmount;
    const amount = s.half ? Math.max(1, Math.floor(left / 2)) : left;
    const refundId = `left-${state.refunds.length}`;
    return { type: 'refund', refundId, amount, reason: 'returned', approval: manager };
  }
  if (s.type !== 'pay-exact') return s;
  let total = 0;
  try {
    total = priceOf(state).totals.total;
  } catch {
    total = 0;
  }
  const share = Math.floor(total / s.parts);
  return {
    type: 'pay',
    payments: Array.from({ length: s.parts }, (_, i) => ({
      paymentId: `p${i}`,
      amount: i === 0 ? total - share * (s.parts - 1) : share,
    })),
  };
}

describe('the order state machine, under any sequence of commands', () => {
  it('only moves between its states, refuses with a known code, and pays the priced total', () => {
    const knownCodes = Object.keys(orderingErrors.codes);
    const reached = new Set<OrderStatus>();
    fc.assert(
      fc.property(fc.array(step, { minLength: 10, maxLength: 40, size: 'max' }), (steps) => {
        let state = decide(null, placeOrder(), minute(0)).state;
        const events: OrderEvent[] = [];
        steps.forEach((s, i) => {
          const before = state;
          try {
            const decision = decide(state, toCommand(state, s), minute(i + 1));
            state = decision.state;
            events.push(...decision.events);
          } catch (error) {
            expect(error).toBeInstanceOf(DomainError);
            expect(knownCodes).toContain((error as DomainError).code);
            return;
          }
          expect(orderStatuses).toContain(state.status);
          reached.add(state.status);
          expect(allowed[before.status]).toContain(state.status);
          if (settled.includes(state.status)) {
            expect(state.paidAmount).toBe(priceOf(state).totals.total);
            expect(state.payments.reduce((sum, p) => sum + p.amount, 0)).toBe(state.paidAmount);
            expect(state.refundedAmount).toBeLessThanOrEqual(state.paidAmount);
          }
        });
        const placed = decide(null, placeOrder(), minute(0));
        expect([...placed.events, ...events].reduce<Order | null>(evolve, null)).toEqual(state);
      }),
      { numRuns: 300 },
    );
    // The property is only worth something if the walks reach every state.
    expect([...reached].sort()).toEqual([...orderStatuses].sort());
  });
});
