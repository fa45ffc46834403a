import { describe, expect, it } from 'vitest';
import { DomainError } from '@stratum/platform';
import {
  canonicalJson,
  canonicalRequest,
  idempotencyOutcome,
  requireIdempotencyKey,
  type IdempotencyRecord,
} from './idempotency.ts';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return `${error.code} (${error.kind})`;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('canonical JSON', () => {
  it('sorts object keys at every depth so key order does not matter', () => {
    const a = { b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } };
    const b = { a: { c: null, d: [3, { y: 2, z: 1 }] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('keeps array order, which carries meaning', () => {
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });

  it('drops undefined members as JSON does, and writes an absent body as null', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
    expect(canonicalJson(undefined)).toBe('null');
  });
});

describe('canonical request', () => {
  it('covers the method, the route and the body', () => {
    const request = { method: 'post', route: '/payments/p-1/refunds', body: { amount: 100 } };
    expect(canonicalRequest(request)).toBe('POST /payments/p-1/refunds\n{"amount":100}');
    expect(canonicalRequest({ ...request, route: '/payments/p-2/refunds' })).not.toBe(
      canonicalRequest(request),
    );
  });
});

describe('idempotency outcome', () => {
  const done: IdempotencyRecord<{ status: number }> = {
    state: 'done',
    fingerprint: 'f-1',
    response: { status: 201 },
  };

  it('proceeds with a key never seen', () => {
    expect(idempotencyOutcome(undefined, 'f-1')).toEqual({ action: 'proceed' });
  });

  it('replays the first response for the same request', () => {
    expect(idempotencyOutcome(done, 'f-1')).toEqual({
      action: 'replay',
      response: { status: 201 },
    });
  });

  it('refuses a different request under a used key with 422 idempotency-key-reused', () => {
    expect(codeOf(() => idempotencyOutcome(done, 'f-2'))).toBe(
      'idempotency-key-reused (unprocessable)',
    );
    expect(
      codeOf(() => idempotencyOutcome({ state: 'in-flight', fingerprint: 'f-1' }, 'f-2')),
    ).toBe('idempotency-key-reused (unprocessable)');
  });

  it('refuses the same request while the first is in flight with 409 idempotency-key-in-flight', () => {
    expect(
      codeOf(() => idempotencyOutcome({ state: 'in-flight', fingerprint: 'f-1' }, 'f-1')),
    ).toBe('idempotency-key-in-flight (conflict)');
  });
});

describe('idempotency keys', () => {
  it('accepts 1 to 255 printable characters and refuses anything else', () => {
    expect(requireIdempotencyKey('0190a5b2-7c1e-7000-8000-000000000001')).toBe(
      '0190a5b2-7c1e-7000-8000-000000000001',
    );
    expect(requireIdempotencyKey('k'.repeat(255))).toHaveLength(255);
    for (const bad of [undefined, '', 'k'.repeat(256), 'with space', 'naïve']) {
      expect(codeOf(() => requireIdempotencyKey(bad))).toBe('idempotency-key-invalid (invalid)');
    }
  });
});
