import { describe, expect, it } from 'vitest';
import { DomainError } from '@stratum/platform';
import {
  decide,
  evolve,
  initialPayment,
  type DecideContext,
  type PaymentCommand,
  type PaymentEvent,
  type PaymentState,
} from './payment.ts';
import { projectPayment } from './projection.ts';

const ctx: DecideContext = {
  actor: { id: 'u-manager', roles: ['manager'], stores: ['s-1'] },
  refundLimit: 5_000,
};
const request: PaymentCommand = {
  type: 'request-authorization',
  tender: 'card',
  amount: 2_300,
  tip: 300,
  currency: 'EUR',
  orderId: 'o-1',
  storeId: 's-1',
  last4: '4242',
};
const approved: PaymentCommand = { type: 'record-authorization', processorRef: 'pay_1' };
const declined: PaymentCommand = {
  type: 'record-decline',
  declineCode: 'insufficient_funds',
  message: 'The card has insufficient funds.',
};

function run(commands: PaymentCommand[]) {
  let state: PaymentState = initialPayment;
  const events: PaymentEvent[] = [];
  for (const command of commands) {
    for (const event of decide(state, command, ctx)) {
      state = evolve(state, event);
      events.push(event);
    }
  }
  return { state, events };
}

function codeOf(commands: PaymentCommand[]): string {
  try {
    run(commands);
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('a card payment awaiting the processor', () => {
  it('is pending: nothing authorized, nothing captured', () => {
    const { state, events } = run([request]);
    expect(state).toMatchObject({ stage: 'requested', authorization: null, captured: 0 });
    expect(projectPayment(events)).toMatchObject({
      status: 'pending',
      amount: 2_000,
      tip: 300,
      authorized: 0,
      last4: '4242',
    });
  });

  it('becomes authorized with the processor’s reference, keeping what was requested', () => {
    const { state, events } = run([request, approved]);
    expect(events[1]).toEqual({
      type: 'payment.authorized',
      version: 2,
      tender: 'card',
      amount: 2_300,
      tip: 300,
      currency: 'EUR',
      orderId: 'o-1',
      storeId: 's-1',
      last4: '4242',
      processorRef: 'pay_1',
    });
    expect(state.stage).toBe('authorized');
    // The tip requested is captured with the sale.
    expect(run([request, approved, { type: 'capture', tip: 300 }]).state).toMatchObject({
      captured: 2_300,
      tip: 300,
    });
  });

  it('ends declined: a decline takes no money and allows nothing after it', () => {
    const { events } = run([request, declined]);
    expect(projectPayment(events)).toMatchObject({
      status: 'declined',
      declineCode: 'insufficient_funds',
      note: 'The card has insufficient funds.',
      captured: 0,
    });
    expect(codeOf([request, declined, { type: 'capture' }])).toBe('payment-declined');
    expect(codeOf([request, declined, { type: 'void', reason: 'x' }])).toBe('payment-declined');
    expect(codeOf([request, declined, approved])).toBe('payment-not-pending');
  });

  it('cannot be captured, voided or refunded before the processor answered', () => {
    expect(codeOf([request, { type: 'capture' }])).toBe('payment-pending');
    expect(codeOf([request, { type: 'void', reason: 'x' }])).toBe('payment-pending');
    const refund: PaymentCommand = {
      type: 'refund',
      refundId: 'r-1',
      amount: 1,
      reason: 'x',
      toOriginalTender: true,
    };
    expect(codeOf([request, refund])).toBe('payment-pending');
  });

  it('records an answer only against a pending request, and requests only once', () => {
    expect(codeOf([approved])).toBe('payment-not-pending');
    expect(codeOf([request, approved, approved])).toBe('payment-not-pending');
    expect(codeOf([request, request])).toBe('payment-already-exists');
  });

  it('refuses a tip that is not below the total', () => {
    expect(codeOf([{ ...request, tip: 2_300 }])).toBe('invalid-amount');
    expect(codeOf([{ ...request, tip: -1 }])).toBe('invalid-amount');
  });
});
