import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { raise, type Replayable } from '../contract.ts';
import type { IdempotencyScope, InventoryRepository } from './ports.ts';

/** A request made under an Idempotency-Key: the key, its kind, and what identifies the request. */
export interface KeyedRequest {
  scope: IdempotencyScope;
  key: string;
  fingerprint: string;
}

const noun: Record<IdempotencyScope, string> = {
  movements: 'Receipts, adjustments and waste',
  counts: 'Stock counts',
  transfers: 'Transfers',
};

/**
 * The caller's Idempotency-Key for a request that moves stock, required as on
 * every POST that moves money or stock. The fingerprint is the SHA-256 of the
 * request's canonical JSON (object keys sorted, so the order a client wrote
 * them in does not matter; array order does).
 */
export function keyedRequest(
  scope: IdempotencyScope,
  key: string | undefined,
  request: unknown,
): KeyedRequest {
  if (!key) {
    raise(
      'idempotency-key-required',
      `${noun[scope]} move stock: send an Idempotency-Key header, and the same one on a retry.`,
    );
  }
  const fingerprint = createHash('sha256').update(canonicalJson(request)).digest('hex');
  return { scope, key, fingerprint };
}

/**
 * Does `work` once per key. The key is claimed first in the transaction
 * `repo` belongs to, before any level is locked, and its answer stored in the
 * same transaction: a retry racing the first attempt waits for it and then
 * gets its answer, a refused attempt leaves the key free, and no retry ever
 * sees a key without its answer. The answer read back is checked against
 * `answer`, the schema of the response.
 */
export async function once<S extends z.ZodType<object>>(
  repo: InventoryRepository,
  request: KeyedRequest,
  answer: S,
  work: () => Promise<z.output<S>>,
): Promise<Replayable<z.output<S>>> {
  const { scope, key, fingerprint } = request;
  const previous = await repo.claimIdempotencyKey(scope, key, fingerprint);
  if (previous) {
    if (previous.fingerprint !== fingerprint) {
      raise(
        'idempotency-key-reused',
        `This Idempotency-Key was used for another request of its kind (${scope}).`,
      );
    }
    return { ...answer.parse(previous.response), replayed: true };
  }
  const response = await work();
  await repo.answerIdempotencyKey(scope, key, response);
  return { ...response, replayed: false };
}

/** JSON with object keys sorted at every depth; undefined members vanish, as in JSON.stringify. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return Object.fromEntries(entries.map(([k, member]) => [k, sortKeys(member)]));
}
