import fc from 'fast-check';
import { DomainError } from '@stratum/platform';
import { describe, expect, it } from 'vitest';
import { orderingErrors } from './errors.ts';
import { decide, evolve, refundAmount, refundedUnits } from './order.ts';
import type { OrderEvent } from './order-events.ts';
import { cashier, manager, minute, newLine, placeOrder, vat7 } from './order-fixtures.ts';
import { liveLines, priceOf } from './order-pricing.ts';
import {
  orderStatuses,
  type Approval,
  type Order,
  type OrderCommand,
  type OrderStatus,
  type RefundLine,
} from './order-types.ts';

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
  | OrderCommand
  | { type: 'pay-exact'; parts: number }
  | { type: 'pay-share'; parts: number; partId: string }
  | { type: 'refund-left'; half: boolean }
  | {
      type: 'refund-units';
      refundId: string;
      lineId: string;
      quantity: number;
      /** What the amount is off by from what the units come to. */
      off: number;
      reason: string;
      approval: Approval | undefined;
    };

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
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('pay-share' as const),
      parts: fc.integer({ min: 1, max: 3 }),
      partId: fc.constantFrom('1', '2', '3'),
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
      type: fc.constant('refund-units' as const),
      refundId: fc.constantFrom('r1', 'r2', 'r3'),
      lineId,
      quantity: fc.integer({ min: 0, max: 3 }),
      off: fc.constantFrom(0, 0, 0, 1, -1),
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

/** What the units come to, or `fallback` where the order refuses them (the command is then refused too). */
function amountOr(state: Order, lines: RefundLine[], fallback: number): number {
  try {
    return refundAmount(state, lines);
  } catch {
    return fallback;
  }
}

function toCommand(state: Order, s: Step): OrderCommand {
  if (s.type === 'refund-units') {
    const { refundId, lineId, quantity, off, reason, approval } = s;
    const lines = [{ lineId, quantity }];
    const amount = amountOr(state, lines, 1) + off;
    return { type: 'refund', refundId, lines, amount, reason, ...(approval && { approval }) };
  }
  if (s.type === 'refund-left') {
    // Every unit not yet given back, or the first half of each line's.
    const done = refundedUnits(state);
    const lines = liveLines(state)
      .map((l) => {
        const left = l.quantity - (done.get(l.lineId) ?? 0);
        return { lineId: l.lineId, quantity: s.half ? Math.ceil(left / 2) : left };
      })
      .filter((l) => l.quantity > 0);
    const refundId = `left-${state.refunds.length}`;
    const amount = amountOr(state, lines, 0);
    return { type: 'refund', refundId, lines, amount, reason: 'returned', approval: manager };
  }
  if (s.type !== 'pay-exact' && s.type !== 'pay-share') return s;
  let total: number;
  try {
    total = priceOf(state).totals.total;
  } catch {
    total = 0;
  }
  const left = total - state.paidAmount;
  const share = Math.floor(left / s.parts);
  const n = state.payments.length;
  if (s.type === 'pay-share') {
    // A guest's share of what is left (the whole of it with one part: refused).
    const paymentId = `part-${n}`;
    return {
      type: 'pay-part',
      partId: s.partId,
      amount: share,
      payments: [{ paymentId, amount: share, label: 'Card' }],
    };
  }
  return {
    type: 'pay',
    payments: [
      ...state.payments,
      ...Array.from({ length: s.parts }, (_, i) => ({
        paymentId: `p${n + i}`,
        amount: i === 0 ? left - share * (s.parts - 1) : share,
      })),
    ],
  };
}

describe('the order state machine, under any sequence of commands', () => {
  it('only moves between its states, refuses with a known code, and pays the priced total', () => {
    const knownCodes = Object.keys(orderingErrors.codes);
    const reached = new Set<OrderStatus>();
    let partlyPaid = 0;
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
          expect(state.payments.reduce((sum, p) => sum + p.amount, 0)).toBe(state.paidAmount);
          const unpaid = state.status === 'open' || state.status === 'sent';
          if (unpaid && state.paidAmount > 0) partlyPaid += 1;
          if (unpaid && before.paidAmount > 0) {
            // What guests paid for stays what it was: the bill cannot change under them.
            expect(priceOf(state).totals.total).toBe(priceOf(before).totals.total);
          }
          if (unpaid) expect(state.paidAmount).toBeLessThan(priceOf(state).totals.total || 1);
          if (settled.includes(state.status)) {
            expect(state.paidAmount).toBe(priceOf(state).totals.total);
            expect(state.refundedAmount).toBeLessThanOrEqual(state.paidAmount);
            for (const [lineId, units] of refundedUnits(state)) {
              const line = liveLines(state).find((l) => l.lineId === lineId);
              expect(units).toBeLessThanOrEqual(line?.quantity ?? 0);
            }
          }
        });
        const placed = decide(null, placeOrder(), minute(0));
        expect([...placed.events, ...events].reduce<Order | null>(evolve, null)).toEqual(state);
      }),
      { numRuns: 300 },
    );
    // The property is only worth something if the walks reach every state, parts paid included.
    expect([...reached].sort()).toEqual([...orderStatuses].sort());
    expect(partlyPaid).toBeGreaterThan(0);
  });
});
