import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { authErrors, bearerOf, callContextOf, hasPermission } from '@stratum/platform';
import type { BffCall } from './sources.ts';
import { missing, type Part } from './parts.ts';

/** The caller of a BFF route, for its sources (the signal is each part's own). */
export type BffCaller = Omit<BffCall, 'signal'>;

/**
 * The W3C trace context the BFF's calls carry: the incoming one, or a new
 * span in the request's trace. Telemetry will replace this with its own
 * propagator; the request's trace id stays the same either way.
 */
function traceparentOf(request: FastifyRequest): string | undefined {
  const header = request.headers.traceparent;
  if (typeof header === 'string') return header;
  const traceId = request.ctx.traceId;
  return traceId && /^[\da-f]{32}$/.test(traceId)
    ? `00-${traceId}-${randomBytes(8).toString('hex')}-01`
    : undefined;
}

export function callerOf(request: FastifyRequest): BffCaller {
  const bearer = bearerOf(request);
  if (!bearer) throw authErrors.missing();
  const traceparent = traceparentOf(request);
  return {
    ...callContextOf(request),
    bearer,
    requestId: request.id,
    ...(traceparent && { traceparent }),
  };
}

/**
 * Whether the caller holds `permission`: the module routes the parts stand
 * for check it, and in-process sources skip those routes, so the BFF does.
 */
export const mayRead = (caller: BffCaller, permission: string) =>
  hasPermission(caller.actor, permission);

export const denied = (permission: string): Part<never> =>
  missing('permission-denied', `This part requires the "${permission}" permission.`);
