import type { FastifyReply } from 'fastify';
import { z } from 'zod';

/**
 * The `Idempotency-Key` request header as a route's `headers` schema. It is
 * optional to the schema so that its absence is the use case's own problem
 * (`idempotency-key-required`); `retry` says what a retry with the key gets.
 */
export function idempotencyKeyHeaders(retry: string) {
  return z.looseObject({
    'idempotency-key': z.string().min(1).max(255).optional().describe(`Required: ${retry}`),
  });
}

/** Marks an answer that replays a request made before under its Idempotency-Key. */
export function markReplayed(reply: FastifyReply, replayed: boolean): void {
  if (replayed) void reply.header('idempotent-replayed', 'true');
}
