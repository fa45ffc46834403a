import { describe, expect, it } from 'vitest';
import { canonicalJson, keyedRequest } from './idempotency.ts';

describe('Idempotency-Keys of stock requests', () => {
  it('requires a key, and an empty one is no key', () => {
    for (const key of [undefined, '']) {
      expect(() => keyedRequest('movements', key, { storeId: 's' })).toThrow(
        expect.objectContaining({ code: 'idempotency-key-required', kind: 'invalid' }),
      );
    }
  });

  it('gives the same request the same fingerprint whatever the order of its fields', () => {
    const a = keyedRequest('movements', 'k', { storeId: 's', kind: 'receipt', lines: [1, 2] });
    const b = keyedRequest('movements', 'k', { lines: [1, 2], kind: 'receipt', storeId: 's' });
    expect(a).toEqual(b);
    expect(a.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('tells requests apart by any value, by line order and by a field left out', () => {
    const base = { storeId: 's', kind: 'receipt', reason: 'r', lines: [1, 2] };
    const fingerprints = [
      base,
      { ...base, storeId: 't' },
      { ...base, lines: [2, 1] },
      { ...base, reason: undefined },
    ].map((body) => keyedRequest('transfers', 'k', body).fingerprint);
    expect(new Set(fingerprints).size).toBe(4);
  });

  it('writes canonical JSON with sorted keys at every depth, dropping undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson(undefined)).toBe('null');
  });
});
