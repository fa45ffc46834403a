import { createHash } from 'node:crypto';
import { canonicalRequest } from '../domain/idempotency.ts';

/**
 * The fingerprint stored with an Idempotency-Key: sha256 (hex) of the
 * canonical request. It lives here rather than in domain/ because the domain
 * imports no node built-ins (the `domain-is-pure` boundary rule).
 */
export function requestFingerprint(request: {
  method: string;
  route: string;
  body: unknown;
}): string {
  return createHash('sha256').update(canonicalRequest(request)).digest('hex');
}
