import { describe, expect, it } from 'vitest';
import { ProcessorError } from './errors.ts';
import {
  authorizePayment,
  capturePayment,
  refundPayment,
  voidPayment,
  type AuthorizeInput,
  type Payment,
} from './payments.ts';

const input: AuthorizeInput = {
  id: 'pay_1',
  amount: 1000,
  currency: 'EUR',
  cardNumber: '4242424242424242',
  capture: false,
  reference: 'order-1',
  authorizationCode: 'A1B2C3',
  createdAt: '2025-01-01T10:00:00.000Z',
};

const authorized = (): Payment => authorizePayment(input);
const captured = (): Payment => authorizePayment({ ...input, capture: true });

function rejectionOf(run: () => unknown): ProcessorError {
  try {
    run();
  } catch (err) {
    if (err instanceof ProcessorError) return err;
    throw err;
  }
  throw new Error('expected a ProcessorError');
}

describe('authorizePayment', () => {
  it('holds the amount without capturing it', () => {
    expect(authorized()).toEqual({
      id: 'pay_1',
      status: 'authorized',
      amount: 1000,
      currency: 'EUR',
      capturedAmount: 0,
      refundedAmount: 0,
      authorizationCode: 'A1B2C3',
      last4: '4242',
      reference: 'order-1',
      createdAt: '2025-01-01T10:00:00.000Z',
    });
  });

  it('captures the whole amount at once when asked to', () => {
    expect(captured()).toMatchObject({ status: 'captured', capturedAmount: 1000 });
  });
});

describe('capturePayment', () => {
  it('captures the full authorized amount by default', () => {
    expect(capturePayment(authorized())).toMatchObject({
      status: 'captured',
      capturedAmount: 1000,
    });
  });

  it('captures less than was authorized', () => {
    expect(capturePayment(authorized(), 600)).toMatchObject({
      status: 'captured',
      amount: 1000,
      capturedAmount: 600,
    });
  });

  it('leaves the payment it was given unchanged', () => {
    const payment = authorized();
    capturePayment(payment);
    expect(payment.status).toBe('authorized');
  });

  it('refuses to capture more than was authorized', () => {
    const error = rejectionOf(() => capturePayment(authorized(), 1001));
    expect(error.code).toBe('capture-exceeds-authorized');
    expect(error.extra).toEqual({ authorized: 1000 });
  });

  it('refuses a voided payment with payment-voided', () => {
    expect(rejectionOf(() => capturePayment(voidPayment(authorized()))).code).toBe(
      'payment-voided',
    );
  });

  it('refuses a second capture with already-captured, even after a partial one', () => {
    expect(rejectionOf(() => capturePayment(captured())).code).toBe('already-captured');
    expect(rejectionOf(() => capturePayment(capturePayment(authorized(), 100), 100)).code).toBe(
      'already-captured',
    );
  });

  it('refuses a refunded payment with already-captured', () => {
    expect(rejectionOf(() => capturePayment(refundPayment(captured(), 1000))).code).toBe(
      'already-captured',
    );
  });
});

describe('voidPayment', () => {
  it('voids an authorization', () => {
    expect(voidPayment(authorized()).status).toBe('voided');
  });

  it.each([
    ['captured', captured],
    ['voided', () => voidPayment(authorized())],
    ['partially refunded', () => refundPayment(captured(), 1)],
  ])('refuses a %s payment with not-voidable', (_status, payment) => {
    expect(rejectionOf(() => voidPayment(payment())).code).toBe('not-voidable');
  });
});

describe('refundPayment', () => {
  it('refunds part of a captured payment', () => {
    expect(refundPayment(captured(), 300)).toMatchObject({
      status: 'partially_refunded',
      refundedAmount: 300,
    });
  });

  it('is refunded once the refunds add up to the captured amount', () => {
    const payment = refundPayment(refundPayment(captured(), 300), 700);
    expect(payment).toMatchObject({ status: 'refunded', refundedAmount: 1000 });
  });

  it('refuses to refund more than is left of the captured amount', () => {
    const error = rejectionOf(() => refundPayment(refundPayment(captured(), 300), 701));
    expect(error.code).toBe('refund-exceeds-captured');
    expect(error.extra).toEqual({ refundable: 700 });
  });

  it('counts only the captured amount of a partial capture as refundable', () => {
    const payment = capturePayment(authorized(), 400);
    expect(refundPayment(payment, 400).status).toBe('refunded');
    expect(rejectionOf(() => refundPayment(payment, 401)).code).toBe('refund-exceeds-captured');
  });

  it('refuses anything once fully refunded', () => {
    expect(rejectionOf(() => refundPayment(refundPayment(captured(), 1000), 1)).code).toBe(
      'refund-exceeds-captured',
    );
  });

  it.each([
    ['authorized', authorized],
    ['voided', () => voidPayment(authorized())],
  ])('refuses an %s payment with not-refundable', (_status, payment) => {
    expect(rejectionOf(() => refundPayment(payment(), 1)).code).toBe('not-refundable');
  });
});
