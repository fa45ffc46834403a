import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { requestFingerprint } from './request-fingerprint.ts';

describe('requestFingerprint', () => {
  const request = { method: 'POST', route: '/payments/p-1/capture', body: { amount: 5, tip: 1 } };

  it('is the sha256 of the canonical request, in hex', () => {
    const expected = createHash('sha256')
      .update('POST /payments/p-1/capture\n{"amount":5,"tip":1}')
      .digest('hex');
    expect(requestFingerprint(request)).toBe(expected);
  });

  it('is the same whatever the order of the body’s keys, and differs when the body does', () => {
    expect(requestFingerprint({ ...request, body: { tip: 1, amount: 5 } })).toBe(
      requestFingerprint(request),
    );
    expect(requestFingerprint({ ...request, body: { amount: 6, tip: 1 } })).not.toBe(
      requestFingerprint(request),
    );
  });
});
