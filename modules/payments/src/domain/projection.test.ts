import { describe, expect, it } from 'vitest';
import type { PaymentEvent } from './payment.ts';
import { projectEvent, projectPayment } from './projection.ts';

const authorized: PaymentEvent = {
  type: 'payment.authorized',
  version: 1,
  tender: 'card',
  amount: 10_000,
  currency: 'EUR',
  orderId: 'o-1',
  storeId: 's-1',
  processorRef: 'pay_1',
  last4: '4242',
};
const captured: PaymentEvent = { type: 'payment.captured', version: 2, amount: 9_000, tip: 1_000 };
const refunded = (version: number, amount: number): PaymentEvent => ({
  type: 'payment.refunded',
  version,
  refundId: `r-${version}`,
  amount,
  reason: 'faulty',
  toOriginalTender: true,
});

describe('the payment read model', () => {
  it('shows an authorization with nothing captured yet', () => {
    expect(projectPayment([authorized])).toMatchObject({
      status: 'authorized',
      authorized: 10_000,
      captured: 0,
      refundable: 0,
      processorRef: 'pay_1',
      last4: '4242',
    });
  });

  it('moves from captured to partially refunded to refunded as refunds add up', () => {
    const events = [authorized, captured, refunded(3, 4_000), refunded(4, 6_000)];
    const statuses = events.map((_, i) => projectPayment(events.slice(0, i + 1))?.status);
    expect(statuses).toEqual(['authorized', 'captured', 'partially-refunded', 'refunded']);
    expect(projectPayment(events)).toMatchObject({
      captured: 10_000,
      tip: 1_000,
      refunded: 10_000,
      refundable: 0,
      refundCount: 2,
    });
  });

  it('keeps the reason of a failed capture and of a void', () => {
    const failed: PaymentEvent = { type: 'payment.capture-failed', version: 2, reason: 'timeout' };
    const voided: PaymentEvent = { type: 'payment.voided', version: 3, reason: 'cancelled' };
    expect(projectPayment([authorized, failed])).toMatchObject({
      status: 'capture-failed',
      note: 'timeout',
    });
    expect(projectPayment([authorized, failed, voided])).toMatchObject({
      status: 'voided',
      note: 'cancelled',
      captured: 0,
    });
  });

  it('is empty for an empty stream', () => {
    expect(projectPayment([])).toBeNull();
  });

  it('refuses an event delivered twice or after a gap, so totals cannot drift', () => {
    const view = projectPayment([authorized, captured]);
    expect(() => projectEvent(view, captured)).toThrow(/invariant/);
    expect(() => projectEvent(view, refunded(4, 100))).toThrow(/invariant/);
    expect(() => projectEvent(null, captured)).toThrow(/invariant/);
  });
});
