import { describe, expect, it } from 'vitest';
import { canonicalJson, createIdempotencyStore, fingerprint } from './idempotency.ts';

const created = { status: 201, body: { id: 'pay_1' } };

describe('canonicalJson', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,1]},"b":1}',
    );
  });

  it('leaves out undefined fields, as JSON would', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
  });
});

describe('fingerprint', () => {
  const body = { amount: 100, currency: 'EUR', card: { number: '4242424242424242' } };

  it('is the same for the same body with its keys in another order', () => {
    const reordered = { card: { number: '4242424242424242' }, currency: 'EUR', amount: 100 };
    expect(fingerprint('POST', '/v1/payments', reordered)).toBe(
      fingerprint('post', '/v1/payments', body),
    );
  });

  it('differs when the method, the path or the body differs', () => {
    const base = fingerprint('POST', '/v1/payments', body);
    expect(fingerprint('PUT', '/v1/payments', body)).not.toBe(base);
    expect(fingerprint('POST', '/v1/payments/pay_1/capture', body)).not.toBe(base);
    expect(fingerprint('POST', '/v1/payments', { ...body, amount: 101 })).not.toBe(base);
  });
});

describe('createIdempotencyStore', () => {
  it('lets the first request with a key through', () => {
    const store = createIdempotencyStore();
    expect(store.claim('sk_a', 'k1', 'print')).toEqual({ kind: 'claimed' });
  });

  it('answers a repeat of an unfinished request with in-flight', () => {
    const store = createIdempotencyStore();
    store.claim('sk_a', 'k1', 'print');
    expect(store.claim('sk_a', 'k1', 'print')).toEqual({ kind: 'in-flight' });
  });

  it('replays the stored response to a repeat of a finished request', () => {
    const store = createIdempotencyStore();
    store.claim('sk_a', 'k1', 'print');
    store.complete('sk_a', 'k1', created);
    expect(store.claim('sk_a', 'k1', 'print')).toEqual({ kind: 'replay', response: created });
  });

  it('calls a different request under a used key reused, finished or not', () => {
    const store = createIdempotencyStore();
    store.claim('sk_a', 'k1', 'print');
    expect(store.claim('sk_a', 'k1', 'other')).toEqual({ kind: 'reused' });
    store.complete('sk_a', 'k1', created);
    expect(store.claim('sk_a', 'k1', 'other')).toEqual({ kind: 'reused' });
  });

  it('keeps the keys of one api key apart from another', () => {
    const store = createIdempotencyStore();
    store.claim('sk_a', 'k1', 'print');
    store.complete('sk_a', 'k1', created);
    expect(store.claim('sk_b', 'k1', 'other')).toEqual({ kind: 'claimed' });
    expect(store.size).toBe(2);
  });

  it('forgets a released key, so the retry is processed afresh', () => {
    const store = createIdempotencyStore();
    store.claim('sk_a', 'k1', 'print');
    store.release('sk_a', 'k1');
    expect(store.claim('sk_a', 'k1', 'other')).toEqual({ kind: 'claimed' });
  });

  it('never releases a key whose response is stored', () => {
    const store = createIdempotencyStore();
    store.claim('sk_a', 'k1', 'print');
    store.complete('sk_a', 'k1', created);
    store.release('sk_a', 'k1');
    expect(store.claim('sk_a', 'k1', 'print')).toEqual({ kind: 'replay', response: created });
  });

  it('does not bring back a key cleared while its request was in flight', () => {
    const store = createIdempotencyStore();
    store.claim('sk_a', 'k1', 'print');
    store.clear();
    store.complete('sk_a', 'k1', created);
    expect(store.size).toBe(0);
    expect(store.claim('sk_a', 'k1', 'print')).toEqual({ kind: 'claimed' });
  });
});
