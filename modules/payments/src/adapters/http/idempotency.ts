import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  DomainError,
  callContextOf,
  markReplayed,
  problemContentType,
  toProblem,
} from '@stratum/platform';
import { paymentErrors } from '../../contract.ts';
import { idempotencyOutcome, requireIdempotencyKey } from '../../domain/idempotency.ts';
import type { IdempotencyStore, StoredResponse } from '../../application/ports.ts';
import { requestFingerprint } from '../../application/request-fingerprint.ts';

/** Keys are per tenant and shared by every POST of the payments API. */
const scope = 'payments-http';

/**
 * Refusals that say "not now" rather than "not this": the key is released so
 * the client's retry is processed, not answered with the refusal again (a
 * cash refund refused for a closed drawer goes through once it is opened).
 */
const retryable = new Set(['payment-concurrency-conflict', 'payment-pending', 'drawer-not-open']);

function mayRetry(error: unknown, status: number): boolean {
  if (status >= 500) return true;
  if (!(error instanceof DomainError)) return false;
  // The processor still working on an earlier attempt of this very call.
  return retryable.has(error.code) || error.code === 'idempotency-key-in-flight';
}

function keyOf(request: FastifyRequest): string {
  const header = request.headers['idempotency-key'];
  if (header === undefined || header === '') {
    throw paymentErrors.error(
      'idempotency-key-required',
      'This request moves money: send an Idempotency-Key header, and the same one on a retry.',
    );
  }
  return requireIdempotencyKey(Array.isArray(header) ? undefined : header);
}

function send(reply: FastifyReply, response: StoredResponse): void {
  if (response.status >= 400) void reply.type(problemContentType);
  void reply.status(response.status).send(response.body);
}

/**
 * Runs a POST under the Idempotency-Key rules (product rule: every
 * refund and void takes a key, as ordering's checkout does for a capture;
 * the first response is replayed):
 *
 * - no key: 400 `idempotency-key-required`;
 * - the key is claimed in a short transaction of its own, then `run` runs;
 * - its response (2xx, and 4xx problems too) is stored and replayed, with
 *   `Idempotent-Replayed: true`, to the same request under the same key;
 * - a different request under the key: 422 `idempotency-key-reused`;
 * - the same request while the first still runs: 409 `idempotency-key-in-flight`;
 * - a 5xx, or a refusal that only means "not now", releases the key.
 *
 * The fingerprint is a hash of method, path and canonical body.
 */
export async function idempotently(
  keys: IdempotencyStore,
  request: FastifyRequest,
  reply: FastifyReply,
  run: () => Promise<StoredResponse>,
): Promise<void> {
  const key = keyOf(request);
  const ctx = callContextOf(request);
  const fingerprint = requestFingerprint({
    method: request.method,
    route: request.url.split('?')[0] ?? request.url,
    body: request.body ?? {},
  });
  const outcome = idempotencyOutcome(await keys.claim(ctx, scope, key, fingerprint), fingerprint);
  if (outcome.action === 'replay') {
    markReplayed(reply, true);
    send(reply, outcome.response);
    return;
  }
  let response: StoredResponse;
  try {
    response = await run();
  } catch (error) {
    const { problem } = toProblem(error, request);
    if (mayRetry(error, problem.status)) {
      await keys.release(ctx, scope, key).catch((err: unknown) => {
        request.log.warn({ err }, 'could not release an Idempotency-Key');
      });
    } else {
      await keys.complete(ctx, scope, key, { status: problem.status, body: problem });
    }
    throw error;
  }
  await keys.complete(ctx, scope, key, response);
  send(reply, response);
}
