import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { ProcessorError, statusOf, type ErrorBody } from './errors.ts';

/** Parses a body or query with zod; a failure becomes 400 `invalid-request` naming each field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  throw new ProcessorError(
    'invalid-request',
    issues.map((i) => `${i.path}: ${i.message}`).join('; '),
    { issues },
  );
}

/** Waits `ms`, or less if the processor is closing, so a shutdown never waits on a fault. */
export async function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return;
  await sleep(ms, undefined, { signal }).catch((err: unknown) => {
    if (!signal.aborted) throw err;
  });
}

export function sendError(reply: FastifyReply, error: ProcessorError): FastifyReply {
  return reply.code(error.status).send(error.toBody());
}

/**
 * Maps anything thrown to the `{ code, message }` shape. Framework client errors (bad JSON,
 * wrong content type, body too large) keep their status; anything else is a sandbox bug.
 */
export function errorHandler(onUnexpectedError: (error: unknown) => void) {
  return (error: unknown, _request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof ProcessorError) return sendError(reply, error);
    const fe = error as Partial<FastifyError>;
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      const body: ErrorBody = {
        code:
          fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
            ? 'unsupported-media-type'
            : 'invalid-request',
        message: fe.message ?? 'The request is invalid.',
      };
      return reply.code(fe.statusCode).send(body);
    }
    onUnexpectedError(error);
    const body: ErrorBody = { code: 'internal-error', message: 'The sandbox failed unexpectedly.' };
    return reply.code(statusOf('internal-error')).send(body);
  };
}
