import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '@stratum/platform';
import {
  decide,
  evolve,
  initialPayment,
  replay,
  type DecideContext,
  type PaymentCommand,
  type PaymentEvent,
  type PaymentState,
} from './payment.ts';
import { projectPayment } from './projection.ts';
import type { Principal } from './refund-policy.ts';

const people: Principal[] = [
  { id: 'cashier', roles: ['cashier'], stores: ['s-1'] },
  { id: 'manager', roles: ['manager'], stores: ['s-1'] },
  { id: 'owner', roles: ['owner'], stores: ['*'] },
  { id: 'elsewhere', roles: ['manager'], stores: ['s-2'] },
  { id: 'cook', roles: ['kitchen'], stores: ['s-1'] },
];
const amount = fc.integer({ min: -5, max: 12_000 });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const reason = fc.constantFrom('customer request', 'faulty', ' ');

const authorizeCommand = fc.record({
  type: fc.constant('authorize' as const),
  tender: fc.constantFrom('cash' as const, 'card' as const),
  amount,
  currency: fc.constantFrom('EUR', 'USD', 'eur'),
  orderId: fc.constant('o-1'),
  storeId: fc.constant('s-1'),
});
const captureCommand = fc.record({
  type: fc.constant('capture' as const),
  amount: maybe(fc.integer({ min: -5, max: 10_500 })),
  tip: maybe(fc.integer({ min: -5, max: 2_000 })),
});
const refundCommand = fc.record({
  type: fc.constant('refund' as const),
  refundId: fc.constantFrom('r-1', 'r-2', 'r-3', 'r-4', 'r-5', 'r-6'),
  amount: fc.integer({ min: -5, max: 6_000 }),
  reason,
  toOriginalTender: fc.boolean(),
});
/** Weighted towards refunds, the rule with the most ways to go wrong. */
const command: fc.Arbitrary<PaymentCommand> = fc.oneof(
  { arbitrary: authorizeCommand, weight: 1 },
  { arbitrary: captureCommand, weight: 2 },
  {
    arbitrary: fc.record({ type: fc.constant('record-capture-failure' as const), reason }),
    weight: 1,
  },
  { arbitrary: fc.record({ type: fc.constant('void' as const), reason }), weight: 1 },
  { arbitrary: refundCommand, weight: 6 },
);
const context: fc.Arbitrary<DecideContext> = fc.record({
  actor: fc.constantFrom(...people),
  approver: maybe(fc.constantFrom(...people)),
  refundLimit: fc.integer({ min: 0, max: 8_000 }),
});
const validStart: PaymentCommand = {
  type: 'authorize',
  tender: 'card',
  amount: 10_000,
  currency: 'EUR',
  orderId: 'o-1',
  storeId: 's-1',
};
const asManager: DecideContext = { actor: people[1]!, refundLimit: 0 };
const prefixes: Array<Array<readonly [PaymentCommand, DecideContext]>> = [
  [],
  [[validStart, asManager]],
  [
    [validStart, asManager],
    [{ type: 'capture', tip: 500 }, asManager],
  ],
];
/** Random commands, from scratch or after a valid authorization (and capture), so refunds happen. */
const session = fc
  .tuple(fc.constantFrom(...prefixes), fc.array(fc.tuple(command, context), { maxLength: 40 }))
  .map(([prefix, steps]) => [...prefix, ...steps]);

/** Applies each command that decide accepts; refused ones must leave no trace. */
function play(steps: ReadonlyArray<readonly [PaymentCommand, DecideContext]>) {
  let state: PaymentState = initialPayment;
  const log: PaymentEvent[] = [];
  const states: PaymentState[] = [];
  for (const [cmd, ctx] of steps) {
    let events: PaymentEvent[];
    try {
      events = decide(state, cmd, ctx);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      continue;
    }
    for (const event of events) {
      state = evolve(state, event);
      log.push(event);
    }
    states.push(state);
  }
  return { state, log, states };
}

describe('a payment stream under any sequence of commands', () => {
  it('never refunds more than it captured', () => {
    let runsWithRefunds = 0;
    fc.assert(
      fc.property(session, (steps) => {
        const { states, log } = play(steps);
        for (const state of states) {
          expect(state.refunded).toBeGreaterThanOrEqual(0);
          expect(state.refunded).toBeLessThanOrEqual(state.captured);
        }
        const refundEvents = log.filter((e) => e.type === 'payment.refunded');
        if (refundEvents.length > 0) runsWithRefunds += 1;
        expect(refundEvents.every((e) => e.amount > 0)).toBe(true);
      }),
      { numRuns: 500 },
    );
    // The property is only worth something if refunds actually happened.
    expect(runsWithRefunds).toBeGreaterThan(50);
  });

  it('has a status consistent with its amounts', () => {
    fc.assert(
      fc.property(session, (steps) => {
        const { state, log } = play(steps);
        const view = projectPayment(log);
        if (!view) {
          expect(log).toEqual([]);
          return;
        }
        expect(view).toMatchObject({
          version: state.version,
          captured: state.captured,
          refunded: state.refunded,
          refundable: state.captured - state.refunded,
        });
        const expected = {
          pending: state.stage === 'requested',
          declined: state.stage === 'declined',
          authorized: state.stage === 'authorized',
          'capture-failed': state.stage === 'capture-failed',
          voided: state.stage === 'voided',
          captured: state.stage === 'captured' && state.refunded === 0,
          'partially-refunded':
            state.stage === 'captured' && state.refunded > 0 && state.refunded < state.captured,
          refunded: state.stage === 'captured' && state.refunded === state.captured,
        };
        expect(expected[view.status]).toBe(true);
        if (view.status !== 'captured' && !view.status.includes('refunded')) {
          expect(view.captured).toBe(0);
        }
        expect(view.captured).toBeLessThanOrEqual(view.authorized);
      }),
      { numRuns: 500 },
    );
  });

  it('is rebuilt exactly by folding its events in order, and numbers them 1, 2, 3…', () => {
    fc.assert(
      fc.property(session, (steps) => {
        const { state, log } = play(steps);
        expect(replay(log)).toEqual(state);
        expect(log.map((e) => e.version)).toEqual(log.map((_, i) => i + 1));
      }),
      { numRuns: 500 },
    );
  });
});
