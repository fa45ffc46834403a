import { raise } from '../contract.ts';

/**
 * The Idempotency-Key rules (product rule: every capture and refund takes a
 * key; the same key with a different request is an error; the first response
 * is replayed). Pure: the store that holds the records and the hash that
 * turns a canonical request into a fingerprint live outside the domain.
 */

/** What the first request with a key left behind, scoped per tenant by the store. */
export type IdempotencyRecord<R> =
  | { readonly state: 'in-flight'; readonly fingerprint: string }
  | { readonly state: 'done'; readonly fingerprint: string; readonly response: R };

export type IdempotencyOutcome<R> =
  { readonly action: 'proceed' } | { readonly action: 'replay'; readonly response: R };

/** Keys are 1 to 255 printable ASCII characters, as at the card processor. */
export function requireIdempotencyKey(key: string | undefined): string {
  if (key === undefined || !/^[\x21-\x7e]{1,255}$/.test(key)) {
    raise(
      'idempotency-key-invalid',
      'An Idempotency-Key of 1 to 255 printable characters is required.',
    );
  }
  return key;
}

/**
 * JSON with object keys sorted at every depth, so that two bodies that mean
 * the same compare equal whatever order a client wrote them in. Array order
 * is kept: it carries meaning. Like JSON.stringify, undefined members vanish.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return Object.fromEntries(entries.map(([key, member]) => [key, sortKeys(member)]));
}

/** The text a request's fingerprint is the hash of: method, route and canonical body. */
export function canonicalRequest(request: {
  method: string;
  route: string;
  body: unknown;
}): string {
  return `${request.method.toUpperCase()} ${request.route}\n${canonicalJson(request.body)}`;
}

/**
 * What to do with a request given what its key already recorded. A different
 * request under the same key is refused (422 idempotency-key-reused) even while
 * the first is in flight; the same request while the first is still running is
 * refused (409 idempotency-key-in-flight) so it is not processed twice; once
 * done, the first response is replayed.
 */
export function idempotencyOutcome<R>(
  record: IdempotencyRecord<R> | undefined,
  fingerprint: string,
): IdempotencyOutcome<R> {
  if (!record) return { action: 'proceed' };
  if (record.fingerprint !== fingerprint) {
    raise('idempotency-key-reused', 'This Idempotency-Key was used with a different request.');
  }
  if (record.state === 'in-flight') {
    raise('idempotency-key-in-flight', 'A request with this Idempotency-Key is still in progress.');
  }
  return { action: 'replay', response: record.response };
}
