import { describe, expect, it } from 'vitest';
import { DomainError, defineErrors, statusOfKind } from './errors.ts';

describe('DomainError', () => {
  it('carries a stable code, a message and a kind that defaults to conflict', () => {
    const error = new DomainError('order-not-open', 'The order is closed.');

    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'DomainError',
      code: 'order-not-open',
      message: 'The order is closed.',
      kind: 'conflict',
    });
    expect(error.details).toBeUndefined();
  });

  it('uses the code as the message when none is given', () => {
    expect(new DomainError('out-of-stock').message).toBe('out-of-stock');
  });

  it('keeps details when given', () => {
    const error = new DomainError('out-of-stock', undefined, 'unprocessable', { sku: 'A-1' });

    expect(error.details).toEqual({ sku: 'A-1' });
  });
});

describe('statusOfKind', () => {
  it('maps every kind to its HTTP status', () => {
    expect(statusOfKind).toEqual({
      invalid: 400,
      unauthenticated: 401,
      forbidden: 403,
      'not-found': 404,
      conflict: 409,
      unprocessable: 422,
      'rate-limited': 429,
      unavailable: 503,
    });
  });
});

describe('defineErrors', () => {
  const orderErrors = defineErrors({
    'order-not-found': 'not-found',
    'order-not-open': 'conflict',
  });

  it('raises a DomainError of the declared kind for a code', () => {
    let caught: unknown;
    try {
      orderErrors.raise('order-not-found', 'No such order.', { orderId: 'o-1' });
    } catch (err) {
      caught = err;
    }

    expect(caught).toBeInstanceOf(DomainError);
    expect(caught).toMatchObject({
      code: 'order-not-found',
      kind: 'not-found',
      message: 'No such order.',
      details: { orderId: 'o-1' },
    });
  });

  it('builds the same error without throwing it', () => {
    const error = orderErrors.error('order-not-open');

    expect(error).toMatchObject({ code: 'order-not-open', kind: 'conflict' });
  });

  it('exposes the declared codes', () => {
    expect(orderErrors.codes).toEqual({
      'order-not-found': 'not-found',
      'order-not-open': 'conflict',
    });
  });
});
