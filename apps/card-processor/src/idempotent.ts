import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { ProcessorError } from './errors.ts';
import { parse, pause } from './http.ts';
import { fingerprint, type StoredResponse } from './idempotency.ts';
import type { ProcessorState } from './state.ts';

function idempotencyKeyOf(request: FastifyRequest): string {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string' || key === '') {
    throw new ProcessorError(
      'idempotency-key-required',
      'Every POST needs an Idempotency-Key header, so that a retry cannot charge twice.',
    );
  }
  if (key.length > 255) {
    throw new ProcessorError(
      'invalid-idempotency-key',
      'The Idempotency-Key header must be 1 to 255 characters long.',
    );
  }
  return key;
}

/** Runs a use case; a rejection is an answer too, and is stored like a success. */
function answerOf(run: () => StoredResponse): StoredResponse {
  try {
    return run();
  } catch (err) {
    if (err instanceof ProcessorError) return { status: err.status, body: err.toBody() };
    throw err;
  }
}

/**
 * The life of a POST under /v1, after auth and the early faults: check the key, validate
 * the body (neither is stored: the request never started), claim the key, take the
 * processing time, run the use case, store its answer, and maybe lose that answer.
 */
export async function handleIdempotently<S extends z.ZodType>(
  state: ProcessorState,
  request: FastifyRequest,
  reply: FastifyReply,
  schema: S,
  run: (input: z.output<S>) => StoredResponse,
): Promise<FastifyReply> {
  const key = idempotencyKeyOf(request);
  // A POST without a body (void, a full capture) is the same request as one with `{}`.
  const body = request.body ?? {};
  const input = parse(schema, body, 'body');
  const path = request.url.split('?')[0] ?? request.url;
  const claim = state.keys.claim(state.apiKey, key, fingerprint(request.method, path, body));
  switch (claim.kind) {
    case 'replay':
      return reply
        .code(claim.response.status)
        .header('idempotent-replayed', 'true')
        .send(claim.response.body);
    case 'in-flight':
      throw new ProcessorError(
        'idempotency-key-in-flight',
        'A request with this Idempotency-Key is still being processed; retry later.',
      );
    case 'reused':
      throw new ProcessorError(
        'idempotency-key-reused',
        'This Idempotency-Key was used for a different request (method, path or body).',
      );
    case 'claimed':
      break;
  }

  let answer: StoredResponse;
  try {
    await pause(state.faults.latency(), state.closing);
    answer = answerOf(() => run(input));
  } catch (err) {
    // A sandbox bug: nothing sensible to store, so the client's retry runs again.
    state.keys.release(state.apiKey, key);
    throw err;
  }
  state.keys.complete(state.apiKey, key, answer);
  if (state.faults.lostResponse()) {
    throw new ProcessorError(
      'processor-error',
      'The processor failed after processing the request; retry with the same Idempotency-Key.',
    );
  }
  return reply.code(answer.status).send(answer.body);
}
