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
import type { Principal } from './refund-policy.ts';

const cashier: Principal = { id: 'u-cashier', roles: ['cashier'], stores: ['s-1'] };
const manager: Principal = { id: 'u-manager', roles: ['manager'], stores: ['s-1'] };
const ctx: DecideContext = { actor: cashier, refundLimit: 5_000 };

const authorize: PaymentCommand = {
  type: 'authorize',
  tender: 'card',
  amount: 10_000,
  currency: 'EUR',
  orderId: 'o-1',
  storeId: 's-1',
  processorRef: 'pay_1',
  last4: '4242',
};
let refunds = 0;
const refund = (amount: number, refundId = `r-${(refunds += 1)}`): PaymentCommand => ({
  type: 'refund',
  refundId,
  amount,
  reason: 'faulty item',
  toOriginalTender: true,
});

/** Runs commands in order from a new payment; returns the state and every event. */
function run(commands: PaymentCommand[], context: DecideContext = ctx) {
  let state: PaymentState = initialPayment;
  const events: PaymentEvent[] = [];
  for (const command of commands) {
    for (const event of decide(state, command, context)) {
      state = evolve(state, event);
      events.push(event);
    }
  }
  return { state, events };
}

function codeOf(commands: PaymentCommand[], context: DecideContext = ctx): string {
  try {
    run(commands, context);
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  throw new Error('expected the commands to be refused');
}

const captured: PaymentCommand[] = [authorize, { type: 'capture' }];

describe('authorizing a payment', () => {
  it('records the authorization as version 1 of the stream', () => {
    const { state, events } = run([authorize]);
    expect(events).toEqual([{ ...authorize, type: 'payment.authorized', version: 1 }]);
    expect(state).toMatchObject({ version: 1, stage: 'authorized', captured: 0 });
  });

  it('refuses a second authorization of the same payment', () => {
    expect(codeOf([authorize, authorize])).toBe('payment-already-exists');
  });

  it('refuses amounts that are not positive whole minor units, and non-ISO currencies', () => {
    expect(codeOf([{ ...authorize, amount: 0 }])).toBe('invalid-amount');
    expect(codeOf([{ ...authorize, amount: 10.5 }])).toBe('invalid-amount');
    expect(codeOf([{ ...authorize, currency: 'eur' }])).toBe('invalid-currency');
  });
});

describe('capturing a payment', () => {
  it('captures the whole authorization by default', () => {
    expect(run(captured).events[1]).toEqual({
      type: 'payment.captured',
      version: 2,
      amount: 10_000,
    });
  });

  it('captures part of the authorization plus a tip, and counts the tip as captured', () => {
    const { state } = run([authorize, { type: 'capture', amount: 8_000, tip: 1_500 }]);
    expect(state).toMatchObject({ stage: 'captured', captured: 9_500, tip: 1_500 });
  });

  it('refuses amount and tip together above the authorization', () => {
    expect(codeOf([authorize, { type: 'capture', amount: 9_000, tip: 1_001 }])).toBe(
      'capture-exceeds-authorized',
    );
  });

  it('refuses to capture a voided payment, or one already captured', () => {
    expect(codeOf([authorize, { type: 'void', reason: 'walked out' }, { type: 'capture' }])).toBe(
      'payment-voided',
    );
    expect(codeOf([...captured, { type: 'capture' }])).toBe('payment-already-captured');
  });

  it('refuses to capture a payment that was never authorized', () => {
    expect(codeOf([{ type: 'capture' }])).toBe('payment-not-found');
  });

  it('may capture again after a failed capture', () => {
    const { state } = run([
      authorize,
      { type: 'record-capture-failure', reason: 'processor unavailable' },
      { type: 'capture' },
    ]);
    expect(state).toMatchObject({ version: 3, stage: 'captured', captured: 10_000 });
  });
});

describe('voiding a payment', () => {
  it('voids an uncaptured authorization, also after a failed capture', () => {
    const failed: PaymentCommand = { type: 'record-capture-failure', reason: 'timeout' };
    expect(
      run([authorize, failed, { type: 'void', reason: ' order cancelled ' }]).events[2],
    ).toEqual({
      type: 'payment.voided',
      version: 3,
      reason: 'order cancelled',
    });
  });

  it('refuses to void a captured payment: it is refunded instead', () => {
    expect(codeOf([...captured, { type: 'void', reason: 'oops' }])).toBe(
      'payment-already-captured',
    );
  });

  it('needs a reason', () => {
    expect(codeOf([authorize, { type: 'void', reason: '  ' }])).toBe('reason-required');
  });
});

describe('refunding a payment', () => {
  it('refuses to refund an uncaptured payment: it is voided instead', () => {
    expect(codeOf([authorize, refund(100)])).toBe('payment-not-captured');
    expect(codeOf([authorize, { type: 'void', reason: 'x' }, refund(100)])).toBe('payment-voided');
  });

  it('refunds in parts up to what was captured, tip included', () => {
    const { state } = run(
      [
        authorize,
        { type: 'capture', amount: 9_000, tip: 1_000 },
        refund(4_000),
        refund(4_000),
        refund(2_000),
      ],
      { actor: manager, refundLimit: 5_000 },
    );
    expect(state).toMatchObject({ version: 5, captured: 10_000, refunded: 10_000 });
  });

  it('refuses a refund above captured minus refunded, and says what is left', () => {
    let error: unknown;
    try {
      run([...captured, refund(4_000), refund(4_000), refund(2_001)], { ...ctx, actor: manager });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      code: 'refund-exceeds-captured',
      details: { refundable: 2_000 },
    });
  });

  it('refuses to record the same refund twice', () => {
    expect(codeOf([...captured, refund(100, 'r-1'), refund(200, 'r-1')])).toBe(
      'refund-already-recorded',
    );
  });

  it('needs a manager above the store’s limit, and records who approved', () => {
    expect(codeOf([...captured, refund(5_001)])).toBe('refund-approval-required');
    const { events } = run([...captured, refund(5_001)], { ...ctx, approver: manager });
    expect(events[2]).toMatchObject({
      type: 'payment.refunded',
      amount: 5_001,
      approvedBy: 'u-manager',
    });
  });

  it('reverses a whole capture for a sale that never happened without a manager, and nothing less', () => {
    const reversal = { ...ctx, reversal: true };
    const { events } = run([...captured, refund(10_000)], reversal);
    expect(events[2]).toMatchObject({ type: 'payment.refunded', amount: 10_000 });
    expect(events[2]).not.toHaveProperty('approvedBy');
    expect(() => run([...captured, refund(9_999)], reversal)).toThrow(/all of the payment/);
    const toCash = { ...refund(10_000), toOriginalTender: false } as PaymentCommand;
    expect(() => run([...captured, toCash], reversal)).toThrow(/its own tender/);
  });

  it('counts the refunds before against the store’s limit, so the limit cannot be cut up', () => {
    expect(run([...captured, refund(2_500, 'r-1'), refund(2_500, 'r-2')]).state.refunded).toBe(
      5_000,
    );
    expect(
      codeOf([...captured, refund(2_500, 'r-1'), refund(2_500, 'r-2'), refund(1, 'r-3')]),
    ).toBe('refund-approval-required');
    const approved = run([...captured, refund(2_500, 'r-1'), refund(2_501, 'r-2')], {
      ...ctx,
      approver: manager,
    });
    expect(approved.events.at(-1)).toMatchObject({ amount: 2_501, approvedBy: 'u-manager' });
  });

  it('needs a manager to refund to a tender other than the original one', () => {
    const toCash: PaymentCommand = { ...refund(100), toOriginalTender: false } as PaymentCommand;
    expect(codeOf([...captured, toCash])).toBe('refund-approval-required');
    expect(run([...captured, toCash], { ...ctx, actor: manager }).events[2]).toMatchObject({
      toOriginalTender: false,
      approvedBy: 'u-manager',
    });
  });

  it('refuses a refund by staff who may not act in the payment’s store', () => {
    const elsewhere: Principal = { id: 'u-2', roles: ['cashier'], stores: ['s-2'] };
    expect(codeOf([...captured, refund(100)], { ...ctx, actor: elsewhere })).toBe(
      'refund-forbidden',
    );
  });
});

describe('folding events', () => {
  it('rebuilds the same state from the stored stream', () => {
    const { state, events } = run([...captured, refund(1_000), refund(500)]);
    expect(replay(events)).toEqual(state);
  });

  it('refuses an event whose version does not follow the stream', () => {
    const { state } = run([authorize]);
    expect(() => evolve(state, { type: 'payment.captured', version: 3, amount: 1 })).toThrow(
      /invariant/,
    );
  });

  it('refuses an event that cannot follow the payment’s stage', () => {
    expect(() =>
      evolve(initialPayment, { type: 'payment.voided', version: 1, reason: 'x' }),
    ).toThrow(/invariant/);
  });
});
